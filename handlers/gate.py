"""The gate: a task cannot complete until the records its diagram declares are present and valid.

Pure function over the task's rules and the records attached to this task instance, so the web
app, the CLI and the benchmark all refuse for exactly the same reasons.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, cast

from handlers.av_rules import GAP_BASIS
from handlers.catalogue import AV_NOT_SUITABLE, AV_RECORDING, kind
from handlers.task_rules import TaskRules

AV_TITLE = "音像记录（或不适宜音像记录的书面理由）"
REFUSAL_AV_TITLE = "音像记录（当事人或有关人员拒绝签名，须以视频、音频记录）"
REFUSAL_AV_BASIS = ("lishui-city 第十三条",)


@dataclass(frozen=True)
class Missing:
    record: str
    title: str
    basis: tuple[str, ...]
    problem: str  # "missing" | "invalid"
    errors: dict[str, Any] = field(default_factory=dict)

    def message(self) -> str:
        what = "缺少" if self.problem == "missing" else "记录不合格："
        return f"{what}{self.title}（依据：{'；'.join(self.basis)}）"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "basis": list(self.basis), "message": self.message()}


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


@dataclass(frozen=True)
class AvFacts:
    """The task's recordings and the agency's device rule (profile ``officers_per_recorder``)."""

    recordings: tuple[Recording, ...] = ()
    officers_per_recorder: int | None = None
    officers_per_recorder_basis: str | None = None


def missing(rules: TaskRules, records: Mapping[str, Sequence[Mapping[str, Any]]],
            file_exists: Callable[[str], bool], av: AvFacts = AvFacts()) -> list[Missing]:
    """Everything the task still lacks. ``records`` maps kind → payloads, newest last."""
    out: list[Missing] = []
    for code in rules.records:
        out.extend(_check(code, records.get(code, ()), rules.basis or kind(code).basis, file_exists))
    if rules.av_required and not any(
        records.get(code) and not kind(code).validate(records[code][-1], file_exists)
        for code in (AV_RECORDING, AV_NOT_SUITABLE)
    ):
        latest = next((c for c in (AV_RECORDING, AV_NOT_SUITABLE) if records.get(c)), None)
        errors = kind(latest).validate(records[latest][-1], file_exists) if latest else {}
        out.append(Missing(AV_RECORDING, AV_TITLE, rules.av_basis, "invalid" if latest else "missing", errors))
    if rules.av_on_refusal == "required" and _refused(records, rules.records) and not (
            records.get(AV_RECORDING) and not kind(AV_RECORDING).validate(records[AV_RECORDING][-1], file_exists)):
        out.append(Missing(AV_RECORDING, REFUSAL_AV_TITLE, REFUSAL_AV_BASIS, "missing"))
    return out + _unexplained_gaps(records, av) + _too_few_devices(rules, records, av)


def _unexplained_gaps(records: Mapping[str, Sequence[Mapping[str, Any]]], av: AvFacts) -> list[Missing]:
    """An interrupted or incomplete recording needs 工作情况说明 or a voice note (naiman-culture 第十条,
    pishan-culture 第十九条): one filed against the recording, or one in the 音像记录 that names it."""
    latest = (records.get(AV_RECORDING) or [{}])[-1]
    in_record = bool((latest.get("explanation") or "").strip() or latest.get("explanation_files"))
    return [Missing(AV_RECORDING, f"工作情况说明或语音说明：音像记录“{r.name}”记录中断或不完整", GAP_BASIS, "missing")
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


def _refused(records: Mapping[str, Sequence[Mapping[str, Any]]], kinds: Sequence[str]) -> bool:
    """Whether anyone refused to sign the newest version of one of the task's records."""
    return any(s.get("signed") is False for code in kinds for s in (records.get(code) or [{}])[-1].get("signatures", []))


def _check(code: str, payloads: Sequence[Mapping[str, Any]], basis: tuple[str, ...],
           file_exists: Callable[[str], bool]) -> list[Missing]:
    rk = kind(code)
    if not payloads:
        return [Missing(code, rk.title, basis, "missing")]
    errors = rk.validate(payloads[-1], file_exists)
    return [Missing(code, rk.title, basis, "invalid", errors)] if errors else []


def refusal_text(items: Sequence[Missing]) -> str:
    return "任务尚不能办结：\n" + "\n".join(f"- {m.message()}" for m in items)
