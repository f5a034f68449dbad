"""The gate: a task cannot complete until the records its diagram declares are present and valid.

Pure function over the task's rules and the records attached to this task instance, so the web
app, the CLI and the benchmark all refuse for exactly the same reasons.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, cast

from documents import signed_at
from handlers.catalogue import AV_NOT_SUITABLE, AV_RECORDING, REFUSABLE, REFUSAL, kind
from handlers.clock import CHINA, local_text, moment
from handlers.deadlines import due_at
from handlers.law.base import governing
from handlers.law.facts import FACTS, Fact
from handlers.law.model import Rule, holds
from handlers.law.periods import counting_for, parse_period
from handlers.task_rules import TaskRules
from handlers.workcalendar import Calendar

AV_TITLE = "音像记录（或不适宜音像记录的书面理由）"
REFUSAL_AV_TITLE = "音像记录（当事人或有关人员拒绝签名，须以视频、音频记录）"
OBSTRUCTION_AV_TITLE = "音像记录（当事人或有关人员拒绝、阻碍执法，须全过程记录）"
NIGHT = (22, 6)  # 夜间: from 22:00 to 06:00, as the national 执法 practice reads 行政强制法 第四十三条


@dataclass(frozen=True)
class Missing:
    record: str
    title: str
    basis: tuple[str, ...]
    problem: str  # "missing" | "invalid" | "early" (a not_before period has not ended)
    errors: dict[str, Any] = field(default_factory=dict)
    cited: tuple[str, ...] | None = None  # ``basis`` by the regulations' real titles, for this agency

    def message(self) -> str:
        what = {"missing": "缺少", "invalid": "记录不合格：", "early": "期限未届满："}[self.problem]
        refs = self.basis if self.cited is None else self.cited
        return f"{what}{self.title}" + (f"（依据：{'；'.join(refs)}）" if refs else "")

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "basis": list(self.basis), "cited": list(self.cited or ()), "message": self.message()}


@dataclass(frozen=True)
class Recording:
    """A recording handed over with its metadata (the media API) and bound to the task: by the task
    named at upload, or by its hash in the task's 音像记录."""

    sha256: str
    name: str
    device_id: str
    officers: tuple[str, ...] = ()
    gap: bool = False
    explained: bool = False
    media_kind: str | None = None


@dataclass(frozen=True)
class Timing:
    """What ``not_before`` rules read: the case's facts, the moment of the act, the agency's calendar."""

    facts: Mapping[str, Fact | None]  # a fact that binds the case, ``None`` until established; absent: unbound
    now: dt.datetime
    calendar: Calendar
    zone: dt.tzinfo = CHINA


@dataclass(frozen=True)
class AvFacts:
    """The task's recordings and the agency's device rule (profile ``officers_per_recorder``)."""

    recordings: tuple[Recording, ...] = ()
    officers_per_recorder: int | None = None
    officers_per_recorder_basis: str | None = None
    gap_basis: tuple[str, ...] = ()  # the agency's rules on explaining a gap (:func:`handlers.av_rules.gap_basis`)


def applying(law: Sequence[Rule], task_id: str, rules: TaskRules) -> tuple[Rule, ...]:
    """The rules of the agency's law that govern this task: by its act, its id or the records it makes (looked up
    in the law's index where ``law`` is the agency's :class:`~handlers.law.base.RuleBase`)."""
    return governing(law, task_id, rules.records, rules.act)


def record_basis(rules: TaskRules, law: Sequence[Rule], code: str) -> tuple[str, ...]:
    """The articles a record the task declares stands on: the diagram's (national) basis, or the catalogue's where
    the diagram names none, and every ``record`` rule of the agency's law that governs the task and requires it (a
    county's article lives in that county's rules, never in the shared diagram)."""
    own = rules.basis or kind(code).basis
    return tuple(dict.fromkeys((*own, *(r.basis for r in law if r.kind == "record" and code in r.requires))))


def task_basis(rules: TaskRules, law: Sequence[Rule]) -> tuple[str, ...]:
    """The articles a task's records stand on, for the task page: its diagram's basis and the ``record`` rules of the
    agency's law that govern it and require one of them (``law`` as :func:`applying` gives it) — what the gate cites
    when one is missing (:func:`record_basis`)."""
    return tuple(dict.fromkeys((*rules.basis, *(r.basis for r in law
                                                if r.kind == "record" and set(r.requires) & set(rules.records)))))


def period_basis(basis: Sequence[str], law: Sequence[Rule]) -> tuple[str, ...]:
    """The articles a task's declared period stands on: the diagram's and the agency's ``period`` rules that govern
    the task (fushun-culture 第七条 for the 24 h 补报 in Fushun, lishui-city 第八条 in Lishui)."""
    return tuple(dict.fromkeys((*basis, *(r.basis for r in law if r.kind == "period" and not r.fact))))


def missing(rules: TaskRules, records: Mapping[str, Sequence[Mapping[str, Any]]],
            file_exists: Callable[[str], bool], av: AvFacts = AvFacts(), law: Sequence[Rule] = (),
            timing: Timing | None = None) -> list[Missing]:
    """Everything the task still lacks. ``records`` maps kind → payloads, newest last; ``law`` holds the
    rules that govern the task (:func:`applying`)."""
    out: list[Missing] = []
    refused = _refused_measures(records, file_exists)
    for code in (c for c in rules.records if c not in refused):
        out.extend(_check(code, records.get(code, ()), record_basis(rules, law, code), file_exists))
    for r in law:
        if r.kind == "record":
            for code in (c for c in r.requires if c not in rules.records):
                out.extend(_check(code, records.get(code, ()), (r.basis,), file_exists))
            out += _unfilled(r, records)
    out += _recording(rules, records, file_exists, av, law)
    refusal = [r for r in law if r.kind == "recording" and r.mode == "on_refusal"]
    if (rules.av_on_refusal == "required" or refusal) and _refused(records, rules.records) and not _valid(
            AV_RECORDING, records, file_exists):
        basis = tuple(r.basis for r in refusal) or rules.av_basis
        out.append(Missing(AV_RECORDING, REFUSAL_AV_TITLE, basis, "missing"))
    obstruction = [r for r in law if r.kind == "recording" and r.mode == "on_obstruction"]
    if obstruction and refused and not _valid(AV_RECORDING, records, file_exists):  # pishan-culture 第十六条（五）
        out.append(Missing(AV_RECORDING, OBSTRUCTION_AV_TITLE, tuple(r.basis for r in obstruction), "missing"))
    out += (_not_before(law, timing, records) + _within(law, timing, records) + _time_window(law, timing, records)
            + _amounts(law, timing, records) + _same(law, timing, records) + _subset(law, timing, records)
            + _after(law, timing, records)) if timing else []
    return out + _unexplained_gaps(records, av) + _too_few_devices(rules, records, av)


def _not_before(law: Sequence[Rule], timing: Timing, records: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[Missing]:
    """An act that may come only a period after a fact (行政强制法 第五十四条: 催告书送达十日后; 行政处罚法 第六十四条:
    听证的七日前通知), judged at the act's moment (now, or the field ``at`` of its own record) on the fact the case
    holds, counted as the cited law says."""
    out: list[Missing] = []
    for r in law:
        if r.kind != "not_before" or not (r.fact and r.within) or r.fact not in timing.facts:
            continue
        fact = timing.facts[r.fact]
        if fact is None and r.at and _moment_of(r.at, records) is None:
            continue  # the act's own record is missing, and refused for that
        if fact is None:
            out.append(Missing(f"fact:{r.fact}", f"{FACTS[r.fact].title}的记录（{r.title}）", (r.basis,), "missing"))
            continue
        period = parse_period(r.within)
        counting = counting_for(period, (r.basis,))
        ends = due_at(fact.at, period, counting, timing.calendar)
        moment = _moment_of(r.at, records) if r.at else timing.now
        if moment is not None and moment <= ends:  # an act whose own record is absent is refused for that
            out.append(Missing(f"fact:{r.fact}", f"{r.title}——{fact.title}于 {local_text(fact.at)}，{period.describe()}"
                                                  f"（{counting.describe()}）至 {local_text(ends)} 届满", (r.basis,), "early"))
    return out


def _within(law: Sequence[Rule], timing: Timing, records: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[Missing]:
    """An act due within a period of a fact (行政处罚法 第七十一条: 当场收缴的罚款二日内交至行政机关), its moment read
    from its own record and judged on the agency's calendar as the cited law counts."""
    out: list[Missing] = []
    for r in law:
        if r.kind != "period" or not (r.fact and r.at and r.within):
            continue
        fact, moment = timing.facts.get(r.fact), _moment_of(r.at, records)
        if fact is None or moment is None:
            continue
        period = parse_period(r.within)
        counting = counting_for(period, (r.basis,))
        ends = due_at(fact.at, period, counting, timing.calendar)
        if moment > ends:
            out.append(Missing(_holder(r.at, records), f"{r.title}——{fact.title}于 {local_text(fact.at)}，应于 "
                               f"{local_text(ends)} 前（{counting.describe()}），实际 {local_text(moment)}", (r.basis,), "invalid"))
    return out


def _amounts(law: Sequence[Rule], timing: Timing, records: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[Missing]:
    """A sum the law or the case already fixes is not retyped differently: the principal of 加处罚款 is the
    decision's fine, its rate the law's 3 % (行政处罚法 第七十二条); instalments add up to the fine (第六十六条)."""
    out: list[Missing] = []
    for r in law:
        if r.kind != "amount" or not r.at:
            continue
        kind_code, name, typed = _total(r.at, records) if "[]." in r.at else _field(r.at, records)
        fact = timing.facts.get(r.fact) if r.fact else None
        if typed is None or (r.fact and fact is None):
            continue  # the record is missing (refused for that), or the case holds no such sum
        fixed = r.value is not None  # the law's figure; a fact then only says the rule applies to this case
        want = Decimal(str(r.value)) if fixed else cast(Fact, fact).value
        if Decimal(str(typed)) != want:
            source = f"法定 {want}" if fixed else f"{cast(Fact, fact).title} {want} 元"
            out.append(Missing(kind_code, f"{r.title}：记录为 {typed}，应为{source}", (r.basis,), "invalid",
                               {name: [f"应为 {want}"]}))
    return out


def _typed_facts(law: Sequence[Rule], kind: str, timing: Timing, records: Mapping[str, Sequence[Mapping[str, Any]]]
                 ) -> Iterator[tuple[Rule, str, str, Any, Fact]]:
    """The rules of ``kind`` that hold a field of the act's record (``at``) against a fact the case holds, with the
    record kind, the field, what was typed and the fact; a rule whose record or fact is not there yet is passed
    over (a missing record is refused for that; a fact not yet held binds nothing)."""
    for r in law:
        if r.kind != kind or not (r.at and r.fact):
            continue
        kind_code, name, typed = _field(r.at, records)
        fact = timing.facts.get(r.fact)
        if typed is not None and fact is not None:
            yield r, kind_code, name, typed, fact


def _same(law: Sequence[Rule], timing: Timing, records: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[Missing]:
    """A name the case already holds is not written differently later (fushun-culture 第八条: the notice goes to
    the complainant named when the complaint was registered)."""
    return [Missing(kind_code, f"{r.title}：记录为“{typed}”，{fact.title}为“{fact.value}”", (r.basis,), "invalid",
                    {name: [f"应为 {fact.value}"]})
            for r, kind_code, name, typed, fact in _typed_facts(law, "same", timing, records)
            if str(typed).strip() != fact.value]


def _subset(law: Sequence[Rule], timing: Timing, records: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[Missing]:
    """A later record lists nothing the case's first one did not (行政许可法 第三十二条: the first 补正告知书 tells the
    applicant everything to supply, so a later notice may repeat its items, never add one)."""
    out: list[Missing] = []
    for r, kind_code, name, typed, fact in _typed_facts(law, "subset", timing, records):
        if not isinstance(typed, list) or not isinstance(fact.value, tuple):
            continue  # the record is malformed (refused for that), or this is the first one
        extra = [str(i).strip() for i in typed if str(i).strip() not in fact.value]
        if extra:
            added = "、".join(f"“{i}”" for i in extra)
            out.append(Missing(kind_code, f"{r.title}：本次列出了{added}，{fact.title}（{'、'.join(fact.value)}）中没有",
                               (r.basis,), "invalid", {name: [f"不得增加首次告知以外的内容：{'、'.join(extra)}"]}))
    return out


def _after(law: Sequence[Rule], timing: Timing, records: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[Missing]:
    """An act is not dated before the fact it follows (行政处罚法 第五十四条、第五十七条: a decision on a case that was
    filed; 第六十一条: the service of a decision that exists): its moment, read from its own record, is not earlier."""
    out: list[Missing] = []
    for r in law:
        if r.kind != "after" or not (r.at and r.fact):
            continue
        fact, moment = timing.facts.get(r.fact), _moment_of(r.at, records)
        if fact is None or moment is None or moment >= fact.at:
            continue
        out.append(Missing(_holder(r.at, records), f"{r.title}：记录的时间为 {local_text(moment, tz=timing.zone)}，"
                           f"早于{fact.title}（{local_text(fact.at, tz=timing.zone)}）", (r.basis,), "invalid",
                           {r.at.rpartition(".")[2]: [f"不得早于{fact.title}的时间"]}))
    return out


def _time_window(law: Sequence[Rule], timing: Timing, records: Mapping[str, Sequence[Mapping[str, Any]]]
                 ) -> list[Missing]:
    """No act at night (22:00–06:00 in the agency's time zone) or on a public holiday of its calendar, unless the
    act's record says it was an emergency (行政强制法 第四十三条)."""
    out: list[Missing] = []
    for r in law:
        moment = _moment_of(r.at, records) if r.kind == "time_window" else None
        if moment is None or any((payloads or [{}])[-1].get("emergency") is True for payloads in records.values()):
            continue
        local = moment.astimezone(timing.zone)
        night, holiday = local.hour >= NIGHT[0] or local.hour < NIGHT[1], local.date() in timing.calendar.holidays
        if night or holiday:
            when = "夜间" if night else "法定节假日"
            out.append(Missing(_holder(r.at, records), f"{r.title}：实施时间 {local_text(moment, tz=timing.zone)} 为{when}",
                               (r.basis,), "invalid"))
    return out


def _holder(ref: str | None, records: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """The record kind that holds the field ``ref`` names (``kind.field``, or ``field`` in any of the task's records)."""
    kind_code, _, name = (ref or "").rpartition(".")
    return kind_code or next((k for k, p in records.items() if p and p[-1].get(name)), "")


def _field(ref: str, records: Mapping[str, Sequence[Mapping[str, Any]]]) -> tuple[str, str, Any]:
    """(record kind, field, value) of the field ``ref`` names in the task's newest records (see :func:`_holder`)."""
    holder, name = _holder(ref, records), ref.rpartition(".")[2]
    return holder, name, (records.get(holder) or [{}])[-1].get(name)


def _total(ref: str, records: Mapping[str, Sequence[Mapping[str, Any]]]) -> tuple[str, str, Decimal | None]:
    """(record kind, list, sum) for ``kind.list[].field``: the items' ``field`` added up (``None`` without items)."""
    path, _, item_field = ref.partition("[].")
    holder, name, listed = _field(path, records)
    items = listed or []
    total = sum((Decimal(str(i.get(item_field) or 0)) for i in items if isinstance(i, Mapping)), Decimal(0))
    return holder, name, total if items else None


def _moment_of(ref: str | None, records: Mapping[str, Sequence[Mapping[str, Any]]]) -> dt.datetime | None:
    """The moment in the field ``ref`` names of the task's newest records; ``kind.signatures@capacity``: when that
    capacity signed (an approval states its moment only by the signature: 负责人批准立案)."""
    ref, _, capacity = (ref or "").partition("@")
    value = _field(ref, records)[2] if ref else None
    return moment(signed_at(value, capacity) if capacity else value)


def _valid(code: str, records: Mapping[str, Sequence[Mapping[str, Any]]], file_exists: Callable[[str], bool]) -> bool:
    return bool(records.get(code)) and not kind(code).validate(records[code][-1], file_exists)


def _recording(rules: TaskRules, records: Mapping[str, Sequence[Mapping[str, Any]]],
               file_exists: Callable[[str], bool], av: AvFacts, law: Sequence[Rule]) -> list[Missing]:
    """The task's recording: a valid 音像记录, or — only where no rule makes it mandatory — a written
    reason why recording was unsuitable (e.g. fushun-culture 第十二条 allows that; naiman-culture 第八条 does not)."""
    demands = [r for r in law if r.kind == "recording" and r.mode in ("mandatory", "unless_unsuitable")]
    if not (rules.av_required or demands):
        return []
    mandatory = [r for r in demands if r.mode == "mandatory"]
    if _valid(AV_RECORDING, records, file_exists):
        return _wrong_media(mandatory, av)
    if not mandatory and _valid(AV_NOT_SUITABLE, records, file_exists):
        return []
    latest = AV_RECORDING if records.get(AV_RECORDING) or mandatory else (
        AV_NOT_SUITABLE if records.get(AV_NOT_SUITABLE) else None)
    errors = kind(latest).validate(records[latest][-1], file_exists) if latest and records.get(latest) else {}
    problem = "invalid" if latest and records.get(latest) else "missing"
    if mandatory:
        medium = "录音或录像" if all(r.media == "audio" for r in mandatory) else "音像记录"
        title = f"{medium}（依法必须{medium}，不得以不适宜音像记录的书面理由代替）"
        return [Missing(AV_RECORDING, title, recording_basis(rules, law), problem, errors)]
    return [Missing(AV_RECORDING, AV_TITLE, recording_basis(rules, law), problem, errors)]


def recording_basis(rules: TaskRules, law: Sequence[Rule]) -> tuple[str, ...]:
    """The articles a task's recording stands on: the rules that make it mandatory where any does (the diagram's
    own ``av_basis`` then allows an exception the law does not), else the diagram's and the law's."""
    demands = [r for r in law if r.kind == "recording" and r.mode in ("mandatory", "unless_unsuitable")]
    mandatory = [r.basis for r in demands if r.mode == "mandatory"]
    if mandatory:
        return tuple(dict.fromkeys(mandatory))
    return tuple(dict.fromkeys((*(rules.av_basis if rules.av_required else ()), *(r.basis for r in demands))))


def _wrong_media(mandatory: Sequence[Rule], av: AvFacts) -> list[Missing]:
    """A rule that demands video is not met by sound or photographs alone (where the recordings' types are known)."""
    video = [r for r in mandatory if r.media == "video"]
    kinds = {r.media_kind for r in av.recordings if r.media_kind}
    if not video or not kinds or "video" in kinds:
        return []
    return [Missing(AV_RECORDING, "录像（现有音像记录均无视频）", tuple(dict.fromkeys(r.basis for r in video)), "invalid")]


def _unexplained_gaps(records: Mapping[str, Sequence[Mapping[str, Any]]], av: AvFacts) -> list[Missing]:
    """An interrupted or incomplete recording needs 工作情况说明 or a voice note: one filed against the recording, or
    one in the 音像记录 that names it; cited from the agency's ``on_gap`` rules (naiman-culture 第十条,
    pishan-culture 第十九条), none where its regulation has no such rule."""
    latest = (records.get(AV_RECORDING) or [{}])[-1]
    in_record = bool((latest.get("explanation") or "").strip() or latest.get("explanation_files"))
    return [Missing(AV_RECORDING, f"工作情况说明或语音说明：音像记录“{r.name}”记录中断或不完整", av.gap_basis, "missing")
            for r in av.recordings
            if r.gap and not r.explained and not (in_record and r.sha256 in (latest.get("files") or []))]


def _too_few_devices(rules: TaskRules, records: Mapping[str, Sequence[Mapping[str, Any]]],
                     av: AvFacts) -> list[Missing]:
    """One recorder per N officers (profile ``officers_per_recorder``; pishan-culture 第十八条: 每两名执法人员
    不低于一台).  Read as: where a task requires A/V and was recorded, its recordings come from at least
    ceil(officers / N) distinct devices, the officers being everyone named on the recordings and in the
    task's records.  Recordings without metadata count as the one device their 音像记录 names."""
    per = av.officers_per_recorder
    recorded = records.get(AV_RECORDING)
    latest = recorded[-1] if recorded else None
    if not (rules.av_required and per and (av.recordings or latest)):
        return []
    # without recordings, the guard above means there is a latest record: the cast only states that
    devices: set[str | None] = {r.device_id for r in av.recordings} or {
        cast("Mapping[str, Any]", latest).get("device_id")}
    officers = {o for r in av.recordings for o in r.officers} | {
        o["name"] for payloads in records.values() if payloads for o in (payloads[-1].get("officers") or [])
        if isinstance(o, dict) and o.get("name")}
    need = math.ceil(len(officers) / per)
    if len(devices) >= need:
        return []
    title = (f"执法记录设备：{len(officers)} 名执法人员（{'、'.join(sorted(officers))}）须至少 {need} 台设备记录，"
             f"实有 {len(devices)} 台（{'、'.join(sorted(d for d in devices if d))}）")
    return [Missing(AV_RECORDING, title, (av.officers_per_recorder_basis or "本机构配置 devices.officers_per_recorder",),
                    "invalid")]


def _refused_measures(records: Mapping[str, Sequence[Mapping[str, Any]]], file_exists: Callable[[str], bool]
                      ) -> frozenset[str]:
    """The record kinds a valid 拒绝接受调查、提供证据 record stands in for at this task (fushun-culture 第十一条:
    the refusal is recorded; the 笔录 it made impossible cannot be)."""
    if not _valid(REFUSAL, records, file_exists):
        return frozenset()
    return frozenset(c for c in records[REFUSAL][-1].get("refused", []) if c in REFUSABLE)


def _refused(records: Mapping[str, Sequence[Mapping[str, Any]]], kinds: Sequence[str]) -> bool:
    """Whether anyone refused to sign the newest version of one of the task's records."""
    return any(s.get("signed") is False for code in kinds for s in (records.get(code) or [{}])[-1].get("signatures", []))


def _check(code: str, payloads: Sequence[Mapping[str, Any]], basis: tuple[str, ...],
           file_exists: Callable[[str], bool]) -> list[Missing]:
    rk = kind(code)
    if not payloads:
        return [Missing(code, rk.title, basis, "missing")]
    errors = rk.validate(payloads[-1], file_exists)
    if errors:
        return [Missing(code, rk.title, basis, "invalid", errors)]
    awaited = rk.unsettled(payloads[-1])  # stored before its act happened (a sending still queued)
    return [Missing(code, f"{rk.title}——{next(iter(awaited.values()))[0]}", basis, "invalid", awaited)] if awaited else []


def _unfilled(rule: Rule, records: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[Missing]:
    """A record rule's ``states`` left empty in the newest record it requires, where its ``when`` field holds: what a
    regulation asks one record to state only in some cases (lishui-city 第八条第二款: the start form of a 重大 act
    carries the 法制机构合法性审查意见)."""
    out = []
    for code in rule.requires if rule.states else ():
        latest = records.get(code)
        if not latest or not holds(rule.when, latest[-1]):
            continue
        rk = kind(code)
        errors = {f: [f"{rule.title}，须填写{rk.field_title(f)}（{rule.basis}）"]
                  for f in rule.states if not str(latest[-1].get(f) or "").strip()}
        if errors:
            out.append(Missing(code, f"{rk.title}（{rule.title}）", (rule.basis,), "invalid", errors))
    return out


def refusal_text(items: Sequence[Missing]) -> str:
    return "任务尚不能办结：\n" + "\n".join(f"- {m.message()}" for m in items)
