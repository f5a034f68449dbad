"""The gate: a task cannot complete until the records its diagram declares are present and valid.

Pure function over the task's rules and the records attached to this task instance, so the web
app, the CLI and the benchmark all refuse for exactly the same reasons.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Mapping, Sequence

from .catalogue import AV_NOT_SUITABLE, AV_RECORDING, kind
from .task_rules import TaskRules

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


def missing(rules: TaskRules, records: Mapping[str, Sequence[Mapping[str, Any]]],
            file_exists: Callable[[str], bool]) -> list[Missing]:
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
    return out


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
