"""Compliance of an agency's diagrams with its profile: which task enforces each rule, and which rule none does.

A rule names the enforcement steps it governs by the record kinds those steps produce (``records``)
or by task ids (``tasks``), so it applies to every procedure that performs the step.  Each task
performing the step must carry the gate the rule asks for (``av=required``, ``av_on_refusal``, a
deadline no longer than ``within``, extra ``requires`` records).  A rule is *enforced* when every
such task carries the gate, *violated* when one does not, and *absent* when no deployed task performs
the step; an absent rule counts as a problem only if the profile marks it ``required``.
Pure: works on parsed SpiffWorkflow specs (``handlers.diagrams.parse``), not on the database.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask

from handlers.deadlines import task_deadline
from handlers.law.acts import RECORDING_ACT, act_of, governs
from handlers.law.model import KINDS, Rule
from handlers.law.periods import PeriodError, parse_period
from handlers.law.schema import binding
from handlers.profiles import Profile
from handlers.task_rules import rules_from_properties

STATUS_TITLES = {"enforced": "已落实", "violated": "未落实", "absent": "无对应环节", "missing": "未落实（缺少环节）"}


@dataclass(frozen=True)
class TaskRef:
    process: str
    task: str
    title: str

    def __str__(self) -> str:
        return f"{self.process}/{self.task}（{self.title}）"

    def to_json(self) -> dict[str, str]:
        return {"process": self.process, "task": self.task, "title": self.title}


@dataclass(frozen=True)
class Finding:
    rule: Rule
    status: str  # enforced | violated | absent | missing
    enforced_by: tuple[TaskRef, ...] = ()
    offending: tuple[tuple[TaskRef, str], ...] = ()

    @property
    def problem(self) -> bool:
        return self.status in ("violated", "missing")

    def message(self) -> str:
        head = f"{self.rule.basis}：{self.rule.title}"
        if self.status == "violated":
            return head + "——" + "；".join(f"{t} {why}" for t, why in self.offending)
        if self.status == "missing":
            return head + "——已部署的流程中没有执行该环节的任务"
        return head

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule.to_json(), "status": self.status, "status_title": STATUS_TITLES[self.status],
                "enforced_by": [t.to_json() for t in self.enforced_by],
                "offending": [{**t.to_json(), "problem": why} for t, why in self.offending],
                "message": self.message()}


@dataclass(frozen=True)
class Report:
    profile: str
    findings: tuple[Finding, ...]
    processes: tuple[str, ...] = ()
    waived: frozenset[str] = field(default_factory=frozenset)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.problem and f.rule.id not in self.waived]

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        lines = [f"机构配置 {self.profile}：检查流程 {'、'.join(self.processes) or '（无）'}"]
        for f in self.findings:
            mark = "✓" if not f.problem else ("豁免" if f.rule.id in self.waived else "✗")
            by = "、".join(str(t) for t in f.enforced_by) or "—"
            lines.append(f"[{mark}] {f.rule.id} {STATUS_TITLES[f.status]}  {f.message()}  执行任务：{by}")
        lines.append("结论：全部规则已落实" if self.ok else f"结论：{len(self.problems)} 条规则未落实")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {"profile": self.profile, "processes": list(self.processes), "ok": self.ok,
                "waived": sorted(self.waived), "findings": [f.to_json() for f in self.findings]}


def user_tasks(specs: Iterable[Any]) -> list[tuple[TaskRef, Mapping[str, str]]]:
    """Every user task of the given process specs (including called subprocesses), once each."""
    seen: dict[tuple[str, str], tuple[TaskRef, Mapping[str, str]]] = {}
    for spec in specs:
        for ts in spec.task_specs.values():
            if isinstance(ts, UserTask):
                ref = TaskRef(spec.name, ts.name, ts.bpmn_name or ts.name)
                seen.setdefault((spec.name, ts.name), (ref, ts.extensions.get("properties", {})))
    return list(seen.values())


class _Task(NamedTuple):
    """A user task with what every rule asks of it read once (a check asks it of every rule: thousands of times)."""

    ref: TaskRef
    props: Mapping[str, str]
    records: tuple[str, ...]
    act: str | None


def _performs(rule: Rule, task: _Task) -> bool:
    return rule.governs(task.ref.task, task.records, task.act)


def _gap(rule: Rule, props: Mapping[str, str]) -> str | None:
    """Why the task does not enforce the rule, or ``None`` if it does."""
    rules = rules_from_properties(props)
    if rule.kind == "recording" and rule.mode == "on_obstruction":
        return None  # judged by the gate once a refusal or obstruction is recorded at the task
    if rule.kind == "recording" and rule.mode == "on_refusal":
        value = (props.get("av_on_refusal") or "none").strip()
        return None if value == "required" else f"av_on_refusal={value}，应为 required"
    if rule.kind == "recording":
        return None if rules.av == "required" else f"音像记录为 av={rules.av}，应为 required"
    if rule.kind == "period" and rule.fact:
        return None  # judged by the gate on the case's facts, not by a deadline in the diagram
    if rule.kind == "period":
        try:
            declared = task_deadline(props)
        except PeriodError as exc:
            return str(exc)
        limit = parse_period(rule.within or "")
        if declared is None:
            return f"未设期限，应不长于 {limit.describe()}"
        if declared.period.nominal_days() > limit.nominal_days():
            return f"期限 {declared.period.describe()} 长于规定的 {limit.describe()}"
        return None
    lacking = [k for k in rule.requires if k not in rules.records]
    return f"未要求记录 {'、'.join(lacking)}" if lacking else None


def check_rule(rule: Rule, tasks: list[_Task]) -> Finding:
    if rule.kind == "access" or (rule.acts and all(governs(RECORDING_ACT, a) for a in rule.acts)):
        # a copy, or a recording's handover or gap, is no diagram's step: the A/V register and its access control
        # enforce it for every case
        return Finding(rule, "enforced")
    concerned = [(t.ref, t.props) for t in tasks if _performs(rule, t)]
    if not concerned:
        return Finding(rule, "missing" if rule.required else "absent")
    offending = tuple((ref, why) for ref, props in concerned if (why := _gap(rule, props)))
    enforced = tuple(ref for ref, props in concerned if _gap(rule, props) is None)
    return Finding(rule, "violated" if offending else "enforced", enforced, offending)


def check(profile: Profile, specs: Iterable[Any], waived: Iterable[str] = ()) -> Report:
    """Check ``profile``'s rules against the process specs the agency runs (with their subprocesses)."""
    specs = list(specs)
    tasks = [_Task(ref, props, rules_from_properties(props).records, act_of(ref.task, props))
             for ref, props in user_tasks(specs)]
    return Report(profile.code, tuple(check_rule(r, tasks) for r in binding(profile.rules, profile.departments)),
                  tuple(sorted({s.name for s in specs})), frozenset(waived))


def check_files(profile: Profile, sources: Mapping[str, bytes], processes: Iterable[str] | None = None) -> Report:
    """Parse (and safety-check) diagram files, then check the profile against the named processes."""
    from handlers.diagrams import parse

    specs: dict[str, Any] = {}
    for pid in processes or profile.procedures:
        spec, subs = parse(dict(sources), pid)
        specs[spec.name] = spec
        specs.update(subs)
    return check(profile, specs.values())


def rule_kind_title(kind: str) -> str:
    return KINDS.get(kind, kind)
