"""The dry run: the real engine walks a diagram version to an end on every branch before it is stored.

Pure (no database): a throw-away SpiffWorkflow instance per walk, with the safe condition engine the
runner uses.  Each user task completes with the data its records export to the workflow; a field a
condition reads takes, walk after walk, every value its schema allows (both yes and no, each choice),
so every branch a condition can select is taken at least once (loops bounded: a task repeated more
steps per walk, a walk that does not end is refused as a loop).  An exception on any
walk, or a walk that stops short of an end, refuses the version, naming the element.
"""
from __future__ import annotations

import copy
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from marshmallow import fields, validate
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from handlers.catalogue import CATALOGUE
from handlers.conditions import ConditionEngine
from handlers.law.props import split_list

ENGINE = ConditionEngine()
MAX_WALKS = 60
MAX_STEPS = 400
SAMPLE_MOMENT = "2026-03-02T10:00:00+08:00"


@dataclass(frozen=True)
class Fault:
    element: str
    name: str
    message: str

    def text(self) -> str:
        return f"{self.name}（{self.element}）：{self.message}" if self.name else f"{self.element}：{self.message}"

    def to_json(self) -> dict[str, str]:
        return {"element": f"{self.name}（{self.element}）" if self.name else self.element,
                "element_id": self.element, "message": "试运行：" + self.message, "text": "试运行：" + self.text()}


def values(field: Any) -> list[Any]:
    """Every value a condition can distinguish for a record field (the first is the usual one)."""
    if isinstance(field, fields.Boolean):
        return [False, True]
    if isinstance(field, fields.List):
        return [[v] for v in values(field.inner)] or [["样例"]]
    checks = field.validate if isinstance(field.validate, list) else [field.validate] if field.validate else []
    for check in checks:
        if isinstance(check, validate.OneOf):
            return list(check.choices)
    if isinstance(field, (fields.DateTime, fields.Date)):
        return [SAMPLE_MOMENT]
    if isinstance(field, (fields.Integer, fields.Decimal, fields.Float)):
        return [1]
    return ["样例"]


def exports(task: str, kinds: tuple[str, ...], walk: int, visit: int, taken: set[str] | None = None) -> dict[str, Any]:
    """The workflow data a task's records export on walk number ``walk``, its ``visit``-th time this walk.

    A field takes, on a task's first visit of a walk, a value no earlier walk gave it there (so every value is
    met within a few walks); otherwise, and on later visits (loops), a value drawn by a hash of (walk, task,
    visit, field): the same on every run and independent between fields, so branches needing two values
    at once are met too."""
    out: dict[str, Any] = {}
    for kind in kinds:
        rk = CATALOGUE.get(kind)
        if rk is None or not rk.exports:
            continue
        schema = rk.schema()
        data = {}
        for name in rk.exports:
            options = values(schema.fields[name]) if name in schema.fields else ["样例"]
            pick = zlib.crc32(f"{walk}:{task}:{visit}:{kind}.{name}".encode()) % len(options)
            fresh = [o for o in options if f"{task}:{kind}.{name}={o!r}" not in (taken or ())]
            data[name] = fresh[pick % len(fresh)] if fresh and visit == 1 and taken is not None else options[pick]
        out[kind] = data
    return out


def _ready(wf: BpmnWorkflow) -> list[Any]:
    return list(wf.get_tasks(state=TaskState.READY, manual=True))


def walk(spec: Any, subprocess_specs: dict[str, Any], number: int, initial: dict[str, Any],
         taken: set[str] | None = None) -> Iterator[Fault]:
    """One walk to an end; yields the fault that stopped it, if any; adds each (task, data) it chose to ``taken``."""
    wf = BpmnWorkflow(spec, subprocess_specs, script_engine=ENGINE)
    current: Any = None
    try:
        for task in wf.get_tasks(state=TaskState.READY):
            task.data.update(copy.deepcopy(initial))
        wf.do_engine_steps()
        seen: dict[str, int] = {}
        for _ in range(MAX_STEPS):
            ready = _ready(wf)
            if not ready:
                break
            current = ready[(number + len(seen)) % len(ready)]
            name = current.task_spec.name
            seen[name] = seen.get(name, 0) + 1
            records = split_list(current.task_spec.extensions.get("properties", {}).get("records"))
            data = exports(name, records, number, seen[name], taken)
            if taken is not None:
                taken.update(f"{name}:{kind}.{k}={v!r}" for kind, d in data.items() for k, v in d.items())
                taken.add(name)
            current.set_data(**data)
            current.run()
            wf.do_engine_steps()
        else:
            yield Fault(spec.name, "", f"试运行走了 {MAX_STEPS} 步仍未结束：流程中可能有无法离开的循环")
            return
    except SpiffWorkflowException as exc:
        ts = getattr(getattr(exc, "task", None), "task_spec", None) or (current.task_spec if current else None)
        yield Fault(getattr(ts, "name", spec.name), getattr(ts, "bpmn_name", "") or "", f"流程无法继续执行：{exc}")
        return
    except Exception as exc:  # noqa: BLE001 - the engine raises plain errors too (a malformed timer value); each refuses
        ts = current.task_spec if current else None
        yield Fault(getattr(ts, "name", spec.name), getattr(ts, "bpmn_name", "") or "",
                    f"流程无法继续执行：{type(exc).__name__}: {exc}")
        return
    if not wf.is_completed() and not wf.get_tasks(state=TaskState.WAITING):
        yield Fault(spec.name, "", "试运行未能到达结束事件")


def dry_run(spec: Any, subprocess_specs: dict[str, Any], initial: dict[str, Any] | None = None,
            walks: int = MAX_WALKS, settle: int = 4) -> list[Fault]:
    """Faults found walking the version with rotating values (empty: every walk ended).

    Walks stop after ``settle`` walks in a row choose nothing new at any task (or after ``walks``)."""
    faults: dict[tuple[str, str], Fault] = {}
    taken: set[str] = set()
    quiet = 0
    for n in range(walks):
        before = len(taken)
        for f in walk(spec, subprocess_specs, n, initial or {"emergency": n % 2 == 1}, taken):
            faults.setdefault((f.element, f.message), f)
        quiet = quiet + 1 if len(taken) == before else 0
        if quiet >= settle:
            break
    return list(faults.values())
