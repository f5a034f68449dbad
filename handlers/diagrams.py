"""Parsing and checking diagrams before anything runs them.

A diagram is untrusted input from a designer (DESIGN.md, "Security boundary").  Parsing uses
SpiffWorkflow's XSD validator; the checks then refuse what the engine would accept but this system
must not: scripts, unknown record kinds, user tasks without an A/V rule or a legal basis, lanes
that map to no role, and gateway branches without a safe condition or a default.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from documents.kinds import BY_CODE as DOCUMENT_KINDS
from handlers.catalogue import CATALOGUE, moment_field
from handlers.conditions import UnsafeExpression, check
from handlers.law.acts import ACTS
from handlers.roles import role_of_lane
from handlers.task_rules import AV_RULES, rules_of, split_basis, split_list

_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")


@dataclass(frozen=True)
class Problem:
    element: str
    message: str

    def __str__(self) -> str:
        return f"{self.element}: {self.message}"


class DiagramError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("流程图不合格：\n" + "\n".join(f"- {p}" for p in problems))
        self.problems = problems


def parse(files: dict[str, bytes], process_id: str) -> tuple[Any, dict[str, Any]]:
    """Parse BPMN files (name → bytes) and return the checked spec and its called subprocess specs."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    try:
        for name, content in files.items():
            parser.add_bpmn_str(content, name)
        spec = parser.get_spec(process_id)
        subprocesses = parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        where = exc.id or (f"{exc.file_name} 第{exc.line_number}行" if exc.line_number else exc.file_name)
        raise DiagramError([Problem(where or "BPMN", f"无法解析：{exc}")]) from exc
    except Exception as exc:  # lxml and the parser raise several types for malformed XML
        raise DiagramError([Problem("BPMN", f"无法解析：{exc}")]) from exc
    problems = [p for s in (spec, *subprocesses.values()) for p in check_spec(s)]
    if problems:
        raise DiagramError(problems)
    return spec, subprocesses


def check_spec(spec: Any) -> list[Problem]:
    out: list[Problem] = []
    for ts in spec.task_specs.values():
        out.extend(_check_task(ts))
        if isinstance(ts, UserTask):
            out.extend(_check_deadline_from(ts, spec))
    return out


def _check_deadline_from(ts: Any, spec: Any) -> Iterable[Problem]:
    """``deadline_from`` must name something that exists, or the period would silently start when the task opens;
    ``deadline_until`` (the end an approved extension states) a moment of a record, or it would never move the end."""
    props = ts.extensions.get("properties") or {}
    ref, until = (props.get("deadline_from") or "").strip(), (props.get("deadline_until") or "").strip()
    name = f"{ts.bpmn_name or ts.name}（{ts.name}）"
    if until and not moment_field(until):
        yield Problem(name, f"延长后的期限（属性 deadline_until）{until!r} 须为“记录类型.时间字段”，如 coercive_extension.extended_ends_at")
    if not ref or ref == "case":
        return
    if "." in ref:
        if not moment_field(ref):
            yield Problem(name, f"期限起算（属性 deadline_from）{ref!r} 须为“记录类型.时间字段”，如 emergency_start.started_at")
    elif ref not in spec.task_specs:
        yield Problem(name, f"期限起算（属性 deadline_from）{ref!r} 不是本流程中的任务，也不是 case 或“记录类型.时间字段”")


def _check_task(ts: Any) -> Iterable[Problem]:
    name = f"{ts.bpmn_name or ts.name}（{ts.name}）"
    if isinstance(ts, ScriptTask) or getattr(ts, "prescript", None) or getattr(ts, "postscript", None):
        yield Problem(name, "不允许脚本：请改用服务任务调用已登记的处理程序")
    if isinstance(ts, UserTask):
        yield from _check_user_task(ts, name)
    if isinstance(ts, (ExclusiveGateway, InclusiveGateway)):
        yield from _check_gateway(ts, name)
    if isinstance(getattr(ts, "event_definition", None), TimerEventDefinition):
        yield from _check_timer(ts, name)


def _check_user_task(ts: Any, name: str) -> Iterable[Problem]:
    rules = rules_of(ts)
    if not rules.records:
        yield Problem(name, "未声明所需记录（属性 records）")
    for code in rules.records:
        if code not in CATALOGUE:
            yield Problem(name, f"未知的记录类型 {code!r}（须为记录目录中的类型）")
    if rules.av not in AV_RULES:
        yield Problem(name, f"音像记录规则（属性 av）须为 {'、'.join(AV_RULES)} 之一，现为 {rules.av!r}")
    if not rules.basis:
        yield Problem(name, "未写明法律依据（属性 basis）")
    act = ((ts.extensions.get("properties") or {}).get("act") or "").strip()
    if not act:
        yield Problem(name, "未声明执法行为（属性 act，须为执法行为目录中的一项，如“现场检查”“送达.留置”）")
    elif act not in ACTS:
        yield Problem(name, f"未知的执法行为 {act!r}（属性 act，须为执法行为目录中的一项）")
    if rules.deadline and not _DURATION.match(rules.deadline):
        yield Problem(name, f"期限（属性 deadline）须为 ISO 8601 时长，如 PT24H、P60D，现为 {rules.deadline!r}")
    if rules.av_on_refusal not in ("required", "none"):
        yield Problem(name, f"拒签音像规则（属性 av_on_refusal）须为 required 或 none，现为 {rules.av_on_refusal!r}")
    if ((ts.extensions.get("properties") or {}).get("deadline_count") or "working") not in ("working", "calendar"):
        yield Problem(name, "期限计算方式（属性 deadline_count）须为 working（工作日）或 calendar（自然日）")
    for code in split_list((ts.extensions.get("properties") or {}).get("documents")):
        if code not in DOCUMENT_KINDS:
            yield Problem(name, f"未知的文书种类 {code!r}（属性 documents，须为 documents/kinds.py 中的种类）")
    if role_of_lane(ts.lane) is None:
        yield Problem(name, f"所在泳道 {ts.lane!r} 不对应任何角色（承办人、审核人、法制审核、负责人）")


def _check_timer(ts: Any, name: str) -> Iterable[Problem]:
    """Timer expressions are evaluated like conditions; a boundary timer records an overdue event and
    must not cancel its task, which would skip the task's gate."""
    try:
        check(ts.event_definition.expression or "")
    except UnsafeExpression as exc:
        yield Problem(name, f"定时器表达式不安全：{exc}")
    if isinstance(ts, BoundaryEvent):
        props = ts.extensions.get("properties") or {}
        if ts.cancel_activity:
            yield Problem(name, "期限定时器须为非中断边界事件（cancelActivity=false），否则会取消任务、绕过记录要求")
        if not (props.get("overdue") or "").strip():
            yield Problem(name, "期限定时器须写明逾期事项（属性 overdue）")
        if not split_basis(props.get("basis")):
            yield Problem(name, "期限定时器须写明法律依据（属性 basis）")


def _check_gateway(ts: Any, name: str) -> Iterable[Problem]:
    """Conditions must be safe; SpiffWorkflow's parser already refuses a branch with no condition and no default."""
    for cond, _ in ts.cond_task_specs:
        expression = cond.args[0] if getattr(cond, "args", None) else None
        if expression is None:
            continue
        try:
            check(expression)
        except UnsafeExpression as exc:
            yield Problem(name, str(exc))
