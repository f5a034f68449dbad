"""案卷评查: the checks a completed step of a case must pass, with the article behind each.

A step is reviewed once, when it completes, over what the diagram and the agency's profile asked of it:

- ``present``: each record the step requires is there — the diagram's ``records`` and any extra record a
  profile rule of kind ``records`` asks for the step (an old diagram version or a compliance exception
  can let a step complete without it);
- ``signed``: each such record whose schema has signature fields carries them, every entry signed or a
  refusal with the officer's note (fushun-culture 第十一条, lishui-city 第十三条); a missing record fails
  this check too, since nothing was signed;
- ``on_time``: the step was completed before its deadline (the deadline service's period: 补报, decision,
  archiving within the profile's days …);
- ``av``: a step that must be recorded (``av=required`` in its diagram, or a profile rule of kind ``av``
  for the records it makes) has a recording or the written reason recording was not suitable
  (fushun-culture 第十二条);
- ``handover``: each recording handed over for the step (the A/V register's row for the task, or the one
  its 音像记录 names) reached the system within the handover limit (fushun-culture 第三十一条);
- the supporting 文书 no step requires (a record the step's page offers, ``RecordKind.offered_on``: 询问通知书,
  电子数据提取笔录, 鉴定委托书 and 结果告知书, 协助调查函 …): where the step holds one, it is ``signed`` like a required
  one and its order is judged (``law``: every ``after`` rule on its fields, whatever act it names, and what its
  文书 ``needs`` — the 鉴定意见 before the 结果告知书); at 归档 each such record of the case has its 文书 ``sealed``
  with its number (the worker seals them after their step, so the file is complete by then, not at the step).

The set of checks depends on the rules, not on what was recorded, so a missing record lowers the score
instead of removing its checks.  A refusal to sign that calls for a real recording (``av_on_refusal``,
lishui-city 第十三条) is the gate's to enforce and is not checked again here.  Pure: the web app passes
rules, records and recordings in.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from marshmallow import fields

import documents
from handlers import av_rules, needs
from handlers.catalogue import AV_NOT_SUITABLE, AV_RECORDING, CATALOGUE
from handlers.clock import local_text, moment
from handlers.law.base import governing
from handlers.law.facts import Fact
from handlers.law.model import Rule
from handlers.records.fields import Signature
from handlers.task_rules import TaskRules
from handlers.workcalendar import CHINA

CHECK_TITLES = {"present": "记录齐全", "signed": "签名或拒签记录", "on_time": "按期办结", "av": "音像记录",
                "handover": "音像记录按时移交", "law": "法定时限、时间和数额", "sealed": "文书已制作并编号"}
# rule kinds the gate judges on the case's facts before a step can complete: a completed step met them
GATE_JUDGED = ("not_before", "time_window", "amount", "same", "subset")
# rule kinds judged again here on the case's facts, so a step let through (an exception, an old version) is scored
RE_JUDGED = ("after",)
# the act at which the case's file is complete: every supporting 文书 sealed with its number
SEALED_AT = "归档"
AV_OUTCOMES = {"recorded": "有音像记录", "reason": "有不适宜音像记录的书面理由", "neither": "两者皆无"}


@dataclass(frozen=True)
class Check:
    kind: str
    text: str
    basis: str
    passed: bool

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": CHECK_TITLES[self.kind], "text": self.text, "basis": self.basis,
                "passed": self.passed}


@dataclass(frozen=True)
class Recording:
    """A recording in the A/V register handed over for the step."""

    name: str
    late: bool
    due_at: dt.datetime
    rule: str


@dataclass(frozen=True)
class Deadline:
    due_at: dt.datetime
    period: str
    basis: str


@dataclass(frozen=True)
class Filed:
    """A supporting record of the case and the 文书 that should have been sealed from it (``number`` empty: none was)."""

    document: str  # the 文书 kind's code
    title: str  # as the agency's format set titles it
    step: str  # the step that holds the record
    number: str


@dataclass(frozen=True)
class StepFacts:
    spec_name: str
    title: str
    rules: TaskRules
    profile_rules: Sequence[Rule]
    records: Mapping[str, Mapping[str, Any]]  # kind → newest payload
    recordings: Sequence[Recording]
    deadline: Deadline | None
    completed_at: dt.datetime
    handover_basis: str = ""  # the agency's handover rules' articles (none: the check cites nothing)
    facts: Mapping[str, Fact | None] = field(default_factory=dict)  # the case's facts the ``after`` rules read
    held: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # the case's newest payload per kind (``needs``)
    filed: Sequence[Filed] = ()  # at 归档: each supporting record of the case with its sealed 文书's number
    format_set: str = "culture"  # the agency's official 文书 format set: a check names a 文书 as the agency does


@dataclass(frozen=True)
class StepReview:
    checks: tuple[Check, ...]
    av_outcome: str | None  # None: the step need not be recorded
    av_basis: str | None

    @property
    def passed(self) -> int:
        return sum(1 for c in self.checks if c.passed)

    @property
    def missing_records(self) -> int:
        return sum(1 for c in self.checks if c.kind == "present" and not c.passed)


def china(moment: dt.datetime) -> str:
    return f"{moment.astimezone(CHINA):%Y-%m-%d %H:%M}"


def _governing(facts: StepFacts) -> tuple[Rule, ...]:
    """The rules of the agency's law that govern the step (looked up by its act in the law's index)."""
    return governing(facts.profile_rules, facts.spec_name, facts.rules.records, facts.rules.act)


def required_records(facts: StepFacts) -> list[tuple[str, str]]:
    """(kind, basis) of every record the step must have: the diagram's, then the profile's extra ones."""
    governing = [r for r in _governing(facts) if r.kind == "record"]
    out = [(k, "；".join(dict.fromkeys((*(facts.rules.basis or CATALOGUE[k].basis),
                                       *(r.basis for r in governing if k in r.requires)))))
           for k in facts.rules.records if k in CATALOGUE]
    for rule in governing:
        out += [(k, rule.basis) for k in rule.requires if k in CATALOGUE and k not in dict(out)]
    return out


def av_basis(facts: StepFacts) -> str | None:
    """The articles that make the step one that must be recorded, or ``None``."""
    found = list(facts.rules.av_basis) if facts.rules.av_required else []
    found += [r.basis for r in _governing(facts) if r.kind == "recording" and r.mode != "on_refusal"]
    return "；".join(dict.fromkeys(found)) or None


def av_outcome(facts: StepFacts) -> str:
    if facts.records.get(AV_RECORDING) or facts.recordings:
        return "recorded"
    return "reason" if facts.records.get(AV_NOT_SUITABLE) else "neither"


def signature_fields(kind: str) -> tuple[str, ...]:
    """Fields of a record kind that hold signatures (lists of :class:`Signature`)."""
    schema = CATALOGUE[kind]._schema
    return tuple(name for name, f in schema.fields.items() if isinstance(f, fields.List)
                 and isinstance(f.inner, fields.Nested) and f.inner.nested is Signature)


def _signed(payload: Mapping[str, Any], names: Sequence[str]) -> bool:
    entries = [s for n in names for s in (payload.get(n) or [])]
    return bool(entries) and all(s.get("signed") is True or str(s.get("refusal_note") or "").strip()
                                 for s in entries)


def _unsigned_by_form(kind: str, payload: Mapping[str, Any], names: Sequence[str]) -> bool:
    """A record whose signature fields are optional and empty: its form takes none (a 事先告知书 delivered as a
    document; one made on the spot must be signed, which its schema enforces), so it is not an unsigned 笔录."""
    optional = all(not CATALOGUE[kind]._schema.fields[n].required for n in names)
    return optional and not any(payload.get(n) for n in names)


def signature_basis(facts: StepFacts, kind: str) -> str:
    """The articles of the agency's ``signature`` rules on a record kind this step makes (fushun-culture 第十一条,
    lishui-city 第十三条 …); empty where the agency's law names none (the check still counts: a 笔录 nobody signed
    is no 笔录)."""
    return "；".join(dict.fromkeys(r.basis for r in _governing(facts) if r.kind == "signature" and kind in r.records))


def _record_checks(facts: StepFacts) -> list[Check]:
    out: list[Check] = []
    for kind, basis in required_records(facts):
        title, payload = CATALOGUE[kind].title, facts.records.get(kind)
        out.append(Check("present", f"{title}{'已制作' if payload else '缺失'}", basis, bool(payload)))
        names = signature_fields(kind)
        if names and payload and _unsigned_by_form(kind, payload, names):
            out.append(Check("signed", f"{title}无须签名（本记录的形式不设签名栏）", signature_basis(facts, kind), True))
        elif names:
            ok = bool(payload and _signed(payload, names))
            text = f"{title}已签名或记录拒签情况" if ok else (
                f"{title}缺失，无签名" if not payload else f"{title}有未签名且未记录拒签情况的签名栏")
            out.append(Check("signed", text, signature_basis(facts, kind), ok))
    return out


def _deadline_check(facts: StepFacts) -> list[Check]:
    d = facts.deadline
    if d is None:
        return []
    ok = facts.completed_at <= d.due_at
    text = (f"期限 {d.period}，应于 {china(d.due_at)} 前办结，"
            f"{'已按期办结' if ok else '实际 ' + china(facts.completed_at) + ' 办结，逾期'}")
    return [Check("on_time", text, d.basis, ok)]


def _av_checks(facts: StepFacts, basis: str | None) -> tuple[list[Check], str | None]:
    if basis is None:
        return [], None
    outcome = av_outcome(facts)
    mandatory = [r.basis for r in _governing(facts) if r.kind == "recording" and r.mode == "mandatory"]
    if outcome == "reason" and mandatory:
        return [Check("av", "依法必须音像记录，不得以不适宜音像记录的书面理由代替，但只有书面理由",
                      "；".join(dict.fromkeys(mandatory)), False)], outcome
    text = {"recorded": "已同步音像记录", "reason": "已书面记录不适宜音像记录的原因",
            "neither": "应同步音像记录，既无音像记录也无不适宜音像记录的书面理由"}[outcome]
    return [Check("av", text, basis, outcome != "neither")], outcome


def _handover_checks(facts: StepFacts) -> list[Check]:
    """The stored rule reads ``24小时（<articles in code form>）``: the period is shown, the articles are the check's
    basis (cited by title where shown)."""
    return [Check("handover", f"音像记录“{r.name}”应于 {china(r.due_at)} 前移交，{'逾期移交' if r.late else '已按时移交'}"
                              f"；移交期限：{av_rules.handover_period(r.rule)}", facts.handover_basis, not r.late)
            for r in facts.recordings]


def _law_checks(facts: StepFacts) -> list[Check]:
    """Every rule of the agency's law the gate judged on the step's facts, with its article: the step met them;
    the order of the case's acts (``after``: 行政处罚法 第五十四条、第六十一条) is judged again on its records."""
    out: list[Check] = []
    for r in _governing(facts):
        if r.kind in RE_JUDGED:
            out += _order_check(r, facts)
        elif r.kind in GATE_JUDGED or (r.kind == "period" and r.fact):
            out.append(Check("law", f"{r.title}：已符合", r.basis, True))
    return out


def _order_check(r: Rule, facts: StepFacts) -> list[Check]:
    kind_code, _, name = (r.at or "").rpartition(".")
    at = moment((facts.records.get(kind_code) or {}).get(name))
    fact = facts.facts.get(r.fact or "")
    if at is None or fact is None:
        return []
    ok = at >= fact.at
    text = (f"{r.title}：已符合" if ok else
            f"{r.title}：记录的时间 {local_text(at)} 早于{fact.title}（{local_text(fact.at)}）")
    return [Check("law", text, r.basis, ok)]


def supporting(kind: str, payload: Mapping[str, Any]) -> list[documents.DocumentKind]:
    """The 文书 a record no step requires makes: a kind the task pages offer (``RecordKind.offered_on``)."""
    rk = CATALOGUE.get(kind)
    if rk is None or not rk.offered_on:
        return []
    return documents.made_on({kind}, {kind: dict(payload)})


def _offered(facts: StepFacts) -> list[str]:
    """The supporting records the step holds beyond those it must have."""
    required = dict(required_records(facts))
    return [k for k, p in facts.records.items() if p and k not in required and supporting(k, p)]


def _supporting_checks(facts: StepFacts) -> list[Check]:
    """What the 文书 of each supporting record the step holds ``needs`` (its ``after`` rules govern the acts that
    offer it, so :func:`_law_checks` judges them: an 询问通知书 not before 立案, 行政处罚法 第五十四条)."""
    return [c for kind in _offered(facts) for dk in supporting(kind, facts.records[kind]) for c in _needs_checks(dk, facts)]


def _needs_checks(dk: documents.DocumentKind, facts: StepFacts) -> list[Check]:
    """What a 文书 reports on is in the case, of the right sort, and not dated after it (:mod:`handlers.needs`)."""
    held = {**facts.held, **{k: v for k, v in facts.records.items() if v}}
    basis = "；".join(dk.basis)
    return [Check("law", n.text, basis, n.ok) for n in needs.judged(dk, facts.records, held, facts.format_set)]


def _sealed_checks(facts: StepFacts) -> list[Check]:
    """At 归档: each supporting record of the case has its 文书, sealed with its 文号 or 案号 (the file is complete)."""
    return [Check("sealed", f"{f.title}（{f.step}）已制作并编号：{f.number}" if f.number else
                  f"{f.title}（{f.step}）未制作：本案有其记录，但没有已签章、编号的文书",
                  "；".join(documents.kind(f.document).basis), bool(f.number)) for f in facts.filed]


def review_step(facts: StepFacts) -> StepReview:
    """Every check of one completed step, passed or failed, each with its article."""
    basis = av_basis(facts)
    av, outcome = _av_checks(facts, basis)
    checks = (*_record_checks(facts), *_deadline_check(facts), *av, *_handover_checks(facts), *_law_checks(facts),
              *_supporting_checks(facts), *_sealed_checks(facts))
    return StepReview(tuple(checks), outcome, basis)
