"""SpiffWorkflow ↔ database: diagram versions, instance state, and the index of user tasks.

A diagram version's parsed spec is stored once (DiagramVersion.spec) and kept in memory per
process; a case stores only its instance state, so a serialized case is small and loading it does
not re-parse the diagram (shared/notes/spiffworkflow-3.2.md, "Serialization").
"""
from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from uuid import UUID

import orjson
from flask import g, has_app_context
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from handlers import clock
from handlers.conditions import ConditionEngine
from handlers.roles import role_of_lane
from handlers.task_rules import rules_of
from webapp.db import db, json_loads
from webapp.models import Case, CaseTask, DiagramVersion


class InstanceStateConverter(BpmnWorkflowConverter):
    """Converts a workflow without its spec: the spec of each diagram version is stored once.

    The stock converter converts the whole spec on every save only for us to drop it again, which
    was most of the cost of saving a case.
    """

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct


SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure({**SPIFF_CONFIG,
                                                                      BpmnWorkflow: InstanceStateConverter}))
ENGINE = ConditionEngine()
_lock = threading.Lock()


def dump_spec(spec: Any, subprocess_specs: dict[str, Any]) -> str:
    return json.dumps({"spec": SERIALIZER.to_dict(spec),
                       "subprocess_specs": {k: SERIALIZER.to_dict(v) for k, v in subprocess_specs.items()}})


@lru_cache(maxsize=64)
def _restored_spec(version_id: int, spec_json: str) -> tuple[Any, dict[str, Any]]:
    dct = json.loads(spec_json)
    return (SERIALIZER.from_dict(dct["spec"]),
            {k: SERIALIZER.from_dict(v) for k, v in dct["subprocess_specs"].items()})


def spec_of(version: DiagramVersion) -> tuple[Any, dict[str, Any]]:
    with _lock:
        found = _restored_spec(version.id, version.spec)
        if len(_by_version) >= 256:
            _by_version.clear()
        _by_version[(_database(), version.id)] = found
        return found


#: (database, diagram version id) → its restored spec: a version is immutable (append-only), so loading a case
#: need not read the version's 130 KB spec again once this process has restored it
_by_version: dict[tuple[str, int], tuple[Any, dict[str, Any]]] = {}


def _database() -> str:
    return str(db.engine.url)


def spec_for(case: Case) -> tuple[Any, dict[str, Any]]:
    """The spec of the case's diagram version, from memory when this process restored it before."""
    found = _by_version.get((_database(), case.diagram_version_id))
    return found if found is not None else spec_of(case.diagram)


def task_spec(version: DiagramVersion, spec_name: str) -> Any | None:
    """The task spec ``spec_name`` of a version's process or of one of its called subprocesses."""
    spec, subs = spec_of(version)
    return next((s.task_specs[spec_name] for s in (spec, *subs.values()) if spec_name in s.task_specs), None)


def start(version: DiagramVersion, data: dict[str, Any]) -> BpmnWorkflow:
    spec, subprocess_specs = spec_of(version)
    wf = BpmnWorkflow(spec, subprocess_specs, script_engine=ENGINE)
    for task in wf.get_tasks(state=TaskState.READY):
        task.data.update(data)
    wf.do_engine_steps()
    return wf


def dump(wf: BpmnWorkflow) -> str:
    """The instance state as JSON text.  orjson writes the 15 KB of a case's state in a tenth of the standard library's
    time (0.2 ms of a completion's 4); what it cannot write (an integer beyond 64 bits in task data) is left to
    :mod:`json`, and either reads the other's text."""
    dct = SERIALIZER.to_dict(wf)
    dct[SERIALIZER.VERSION_KEY] = SERIALIZER.VERSION
    try:
        return orjson.dumps(dct, option=orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(dct, separators=(",", ":"))


def load(case: Case) -> BpmnWorkflow:
    """The case's workflow, restored from its stored state: the caller's own, to change (see :func:`shared`)."""
    return restore(case.state, *spec_for(case))


def restore(state: str, spec: Any, subprocess_specs: Any) -> BpmnWorkflow:
    """A workflow from the text :func:`dump` wrote and its specs (the bare step of ``bench/general_procedure.py`` too)."""
    dct = json_loads(state)  # orjson, but not for an integer beyond 64 bits (:func:`dump` wrote those with json)
    SERIALIZER.migrate(dct)
    dct["spec"], dct["subprocess_specs"] = spec, subprocess_specs
    wf = SERIALIZER.from_dict(dct)
    wf.script_engine = ENGINE
    return wf


#: ``flask.g`` key: case id → (its diagram version and stored state, the workflow restored from them) in this request
_SHARED = "liuhen_workflows"
#: a request works on one case, a worker's loop on many: the memo keeps a few
_SHARED_MAX = 4


def shared(case: Case) -> BpmnWorkflow:
    """The case's workflow restored once per request, for reading: the task page's view, the records it saves and
    the completion that follows reuse one restore of the same stored state (the state is compared, so a state
    committed meanwhile is restored afresh).  Whoever is about to change it calls :func:`forget` first."""
    memo: dict[int, tuple[tuple[int, str], BpmnWorkflow]] = g.setdefault(_SHARED, {}) if has_app_context() else {}
    stored = (case.diagram_version_id, case.state)
    found = memo.get(case.id)
    if found is not None and found[0] == stored:
        return found[1]
    wf = load(case)
    if len(memo) >= _SHARED_MAX:
        memo.clear()
    memo[case.id] = (stored, wf)
    return wf


def forget(case_id: int | None = None) -> None:
    """Drop the request's shared workflow of a case (all of them with ``None``): its holder is about to change it,
    or the next call stands for a new request."""
    memo = g.get(_SHARED) if has_app_context() else None
    if memo is None:
        return
    if case_id is None:
        memo.clear()
    else:
        memo.pop(case_id, None)


def ready_user_tasks(wf: BpmnWorkflow) -> list[Any]:
    return wf.get_tasks(state=TaskState.READY, manual=True)


@dataclass(frozen=True)
class Walk:
    """What a completion needs of the task tree, found in one walk of it (subprocesses included, in the engine's
    order): SpiffWorkflow's iterator cost as much per node as the rest of the step did, and a completion asked it
    four times (the ready tasks and the pending timers before the step, the ready tasks and every timer after)."""

    ready: list[Any]  # the ready user tasks, as :func:`ready_user_tasks` finds them
    timers: list[Any]  # the boundary timers in every state, as ``wf.get_tasks()`` would list them
    waiting: list[Any]  # the waiting timers, as ``wf.get_tasks(state=TaskState.WAITING)`` would reach them
    unfinished: bool  # a task of the top workflow is not finished (else ``wf.is_completed()`` walks to say it is)

    def completed(self, wf: BpmnWorkflow) -> bool:
        """``wf.is_completed()``, which walks the tree again only when this walk found nothing unfinished."""
        return bool(wf.completed) or (not self.unfinished and wf.is_completed())


READY, WAITING, FUTURE, NOT_FINISHED = TaskState.READY, TaskState.WAITING, TaskState.FUTURE, TaskState.NOT_FINISHED_MASK


def walk(wf: BpmnWorkflow) -> Walk:
    """:class:`Walk` of ``wf``: depth first, a call activity's subprocess before the task's children, as
    ``BpmnTaskIterator`` goes.  A walk filtered on a definite state (ready, waiting) does not go below a predicted
    task (maybe, likely) without a subprocess; the nodes below one are marked, so the unfiltered walk and the
    filtered ones give what the engine's iterator gives each."""
    ready: list[Any] = []
    timers: list[Any] = []
    waiting: list[Any] = []
    unfinished = False
    subprocesses = wf.subprocesses
    stack: list[tuple[Any, bool]] = [(wf.task_tree, False)]
    pop, push = stack.pop, stack.append
    while stack:
        task, hidden = pop()
        state, spec = task.state, task.task_spec
        if not unfinished and state & NOT_FINISHED and task.workflow is wf:
            unfinished = True
        if state == READY and spec.manual and not hidden:
            ready.append(task)
        elif is_timer(task):
            timers.append(task)
            if state == WAITING and not hidden:
                waiting.append(task)
        sub = subprocesses.get(task.id)
        below = hidden or (state < FUTURE and sub is None)
        tasks = task.workflow.tasks
        for child in reversed(task._children):
            push((tasks[child], below))
        if sub is not None:
            push((sub.task_tree, below))
    return Walk(ready, timers, waiting, unfinished)


def is_timer(task: Any) -> bool:
    return isinstance(task.task_spec, BoundaryEvent) and isinstance(
        getattr(task.task_spec, "event_definition", None), TimerEventDefinition)


def timed(task: Any) -> bool:
    """Whether a boundary timer watches the task: its expiry is then sealed by the timers (webapp.cases.timers)."""
    return task.parent is not None and any(is_timer(c) for c in task.parent.children if c is not task)


def find_task(wf: BpmnWorkflow, task_id: str) -> Any | None:
    """The workflow's task ``task_id``, or ``None`` for an id that is malformed or names no task of it."""
    try:
        return wf.get_task_from_id(UUID(task_id))
    except (ValueError, KeyError, TypeError, TaskNotFoundException):
        return None


def due_at(task: Any, ready_at: dt.datetime) -> dt.datetime | None:
    deadline = rules_of(task.task_spec).deadline
    if not deadline:
        return None
    return TimerEventDefinition.get_timedelta_from_start(
        TimerEventDefinition.parse_iso_duration(deadline), ready_at) + ready_at


def sync_index(case: Case, wf: BpmnWorkflow, existing: Iterable[CaseTask]) -> list[CaseTask]:
    """Add index rows for newly ready tasks and close rows of tasks no longer ready.

    Returns the new rows (the caller adds them to the session).
    """
    now = clock.now()
    ready = {str(t.id) for t in ready_user_tasks(wf)}
    for row in existing:
        if row.state == "ready" and row.id not in ready:
            row.state = "cancelled"
            row.completed_at = now
    return new_index_rows(case, wf, {row.id for row in existing}, now)


def new_index_rows(case: Case, wf: BpmnWorkflow, known: set[str], now: dt.datetime,
                   ready: list[Any] | None = None) -> list[CaseTask]:
    """Index rows (not added to the session) for the ready user tasks not in ``known``; ``ready``: those tasks, when
    the caller walked the tree for them already."""
    return [CaseTask(id=str(t.id), case_id=case.id, agency_id=case.agency_id, spec_name=t.task_spec.name,
                     title=t.task_spec.bpmn_name or t.task_spec.name, role=role_of_lane(t.task_spec.lane) or "",
                     state="ready", ready_at=now, due_at=due_at(t, now))
            for t in (ready_user_tasks(wf) if ready is None else ready) if str(t.id) not in known]
