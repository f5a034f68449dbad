"""BPMN timers on cases: armed on the agency's calendar, fired when due, each expiry sealed as an overdue event.

A diagram carries a deadline the law sets as a non-interrupting boundary timer on the task that must
be done in time (24 h 补报 after an emergency start, 行政强制法 第十九条 and the county's rule, e.g. fushun-culture 第七条; the one-time notice to
supplement licensing materials, 行政许可法 第三十二条; the 催告 period, 行政强制法 第三十五、三十七条;
…).  The timer never cancels its task (that would skip the gate, handlers.diagrams refuses it); its
expiry only appends a ``deadline.overdue`` entry to the agency's audit chain, on the case, which the
case JSON lists with the other entries.

SpiffWorkflow counts a timer's duration in calendar time.  Where a period runs for the task — the
diagram's ``deadline`` or a ``period`` rule of the agency's law that governs the task's act — the
deadline service (webapp.cases.deadlines) has already counted it on the agency's working-day calendar
from the fact it starts at, and taken the earliest, so the timer is re-armed to exactly that moment:
a timer and the inbox's overdue flag never disagree, and a rule shorter than the diagram moves the
timer too (行政处罚法 第五十六条: seven working days from the approval of 先行登记保存, not from when the
decision task opened).  A timer with no such period (the 催告 period, whose end the 催告书 itself
states; no rule governs 催告复核) keeps the moment SpiffWorkflow computed.

Every case with a pending timer has one ``case_timers`` row holding its earliest due moment, so
:func:`fire_due_timers` (``flask liuhen tick``, run from cron or a worker) reads an index instead of
loading every case; it fires one case per transaction, under the case's row lock.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from handlers import clock, gate
from handlers.audit_actions import Action
from handlers.task_rules import rules_of, split_basis
from webapp.cases import deadlines
from webapp.cases.completion import Completion, upsert
from webapp.db import db
from webapp.engine import runner
from webapp.models import Agency, Case, CaseTask, CaseTimer, Deadline
from webapp.store import audit


def _timers(wf: Any, state: TaskState, timers: list[Any] | None = None) -> list[Any]:
    """The workflow's boundary timers in ``state``; ``timers``: all of them, collected by one walk of the tree."""
    if timers is None:
        return [t for t in wf.get_tasks(state=state) if runner.is_timer(t)]
    return [t for t in timers if t.state == state]


def _all_timers(wf: Any) -> list[Any]:
    return [t for t in wf.get_tasks() if runner.is_timer(t)]


def _attached(timer: Any) -> Any | None:
    """The activity a boundary timer is attached to: its sibling under the BoundaryEventSplit."""
    name = timer.parent.task_spec.name.rsplit(".", 1)[0]
    return next((c for c in timer.parent.children if c.task_spec.name == name), None)


def _deadline_due(case: Case, wf: Any, task: Any, done: Completion | None = None) -> dt.datetime | None:
    """The due moment the deadline service counted for ``task`` (working days, agency calendar), if any."""
    if task is None:
        return None
    if done is not None and str(task.id) in done.opened:  # opened by this completion's deadline pass
        return done.opened[str(task.id)]
    query = select(Deadline.due_at).where(Deadline.task_id == str(task.id))
    due = db.session.scalar(query)
    if due is None:
        deadlines.sync(case, wf)  # idempotent; the order in which signal receivers run is not guaranteed
        due = db.session.scalar(query)
    return due


def _arm(case: Case, wf: Any, done: Completion | None = None, timers: list[Any] | None = None) -> bool:
    changed = False
    for timer in _timers(wf, TaskState.WAITING, timers):
        if timer.internal_data.get("liuhen_armed"):
            continue
        due = _deadline_due(case, wf, _attached(timer), done)
        if due is not None:
            timer._set_internal_data(event_value=due.isoformat())
        timer._set_internal_data(liuhen_armed=True)
        changed = True
    return changed


def _expired(timer: Any) -> bool:
    """Fired, or cancelled by a task done after the timer was due but before any tick fired it."""
    if timer.state == TaskState.COMPLETED:
        return True
    due = _due(timer)
    timer._set_internal_data(liuhen_reported=True)  # a cancelled timer is settled once, at its cancellation
    return due is not None and due < clock.now()


def _report(case: Case, wf: Any, timers: list[Any] | None = None) -> tuple[list[dict[str, Any]], bool]:
    """Seal each timer that expired and was not reported yet as a ``deadline.overdue`` audit entry.

    Returns the events and whether any timer's internal data changed (the state must then be saved)."""
    out, touched = [], False
    for timer in _timers(wf, TaskState.COMPLETED, timers) + _timers(wf, TaskState.CANCELLED, timers):
        if timer.internal_data.get("liuhen_reported"):
            continue
        touched = True
        if not _expired(timer):
            continue
        props = timer.task_spec.extensions.get("properties") or {}
        task = _attached(timer)
        detail = {"timer": timer.task_spec.name, "process": timer.workflow.spec.name,
                  "title": props.get("overdue") or timer.task_spec.bpmn_name,
                  "basis": list(_basis(case, props, task)),
                  "due_at": timer.internal_data.get("event_value"),
                  "task": task.task_spec.name if task else None,
                  "task_title": task.task_spec.bpmn_name if task else None,
                  "task_id": str(task.id) if task else None,
                  "task_state": TaskState.get_name(task.state) if task else None}
        audit.append(case.agency_id, Action.DEADLINE_OVERDUE, case_id=case.id, detail=detail)
        timer._set_internal_data(liuhen_reported=True)
        out.append({"case_id": case.id, **detail})
    return out, touched


def _basis(case: Case, props: dict[str, Any], task: Any | None) -> tuple[str, ...]:
    """The timer's articles: its diagram's (national) and the period rules of the case's agency that govern the
    task it watches (fushun-culture 第七条 on the 24 h 补报 in Fushun, lishui-city 第八条 in Lishui)."""
    own = split_basis(props.get("basis"))
    agency = db.session.get(Agency, case.agency_id)
    if task is None or agency is None:
        return own
    rules = rules_of(task.task_spec)
    return gate.period_basis(own, gate.applying(agency.settings.law(), task.task_spec.name, rules))


def _due(timer: Any) -> dt.datetime | None:
    value = timer.internal_data.get("event_value")
    return TimerEventDefinition.get_datetime(value) if isinstance(value, str) else None


def next_due(wf: Any, timers: list[Any] | None = None) -> dt.datetime | None:
    """The earliest pending timer of the workflow: what the case's ``case_timers`` row holds."""
    return min((d for d in (_due(t) for t in _timers(wf, TaskState.WAITING, timers)) if d is not None), default=None)


def _schedule(case: Case, wf: Any, done: Completion | None = None, timers: list[Any] | None = None) -> None:
    if done is not None:  # the completion knows the row's moment before the step: write only a change
        due = next_due(wf, timers)
        if due == done.timer_due:
            return
        if due is None:
            db.session.execute(delete(CaseTimer).where(CaseTimer.case_id == case.id))
        else:
            upsert(CaseTimer, {"case_id": case.id, "agency_id": case.agency_id, "due_at": due}, ["case_id"],
                   {"due_at": due})
        return
    dues = [d for d in (_due(t) for t in _timers(wf, TaskState.WAITING)) if d is not None]
    row = db.session.get(CaseTimer, case.id)
    if not dues:
        if row is not None:
            db.session.delete(row)
        return
    if row is None:
        db.session.add(CaseTimer(case_id=case.id, agency_id=case.agency_id, due_at=min(dues)))
    else:
        row.due_at = min(dues)


def settle(case: Case, wf: Any, done: Completion | None = None) -> list[dict[str, Any]]:
    """Arm new timers, report fired ones and keep the schedule row; re-save the state if it changed."""
    # the completion walked the tree after the step already (the timers' states change here, not the tree)
    timers = (done.walked.timers if done.walked is not None else _all_timers(wf)) if done is not None else None
    armed = _arm(case, wf, done, timers)
    fired, touched = _report(case, wf, timers)
    if (armed or touched) and done is None:  # a completion writes the state after its followers
        case.state = runner.dump(wf)
    _schedule(case, wf, done, timers)
    return fired


def on_case(case: Case, workflow: Any, completion: Completion | None = None, **_: Any) -> None:
    settle(case, workflow, completion)  # do_engine_steps also fires due timers, so completing a task can report one



def fire_case(case_id: int) -> list[dict[str, Any]]:
    """Fire the due timers of one case in one transaction, under its row lock."""
    case = db.session.get(Case, case_id, with_for_update=True, populate_existing=True)
    if case is None or case.status != "open":
        row = db.session.get(CaseTimer, case_id)
        if row is not None:
            db.session.delete(row)
        db.session.commit()
        return []
    wf = runner.load(case)
    wf.refresh_timers()
    wf.do_engine_steps()
    fired = settle(case, wf)
    case.state = runner.dump(wf)
    if wf.is_completed():
        case.status = "closed"
    rows = list(db.session.scalars(select(CaseTask).where(CaseTask.case_id == case.id, CaseTask.state == "ready")))
    db.session.add_all(runner.sync_index(case, wf, rows))
    deadlines.sync(case, wf)
    db.session.commit()
    return fired


def fire_due_timers(limit: int = 1000) -> list[dict[str, Any]]:
    """Fire every timer due by the process clock; a case that cannot be fired now is retried next tick."""
    now = clock.now()
    ids = list(db.session.scalars(select(CaseTimer.case_id).where(CaseTimer.due_at < now)
                                  .order_by(CaseTimer.due_at).limit(limit)))
    fired: list[dict[str, Any]] = []
    for case_id in ids:
        try:
            fired += fire_case(case_id)
        except (StaleDataError, OperationalError, SpiffWorkflowException) as exc:
            db.session.rollback()  # a case being worked on right now, or one the engine cannot step: the others go on
            current_app.logger.warning("定时器未能触发（案件 %s）：%s", case_id, exc)
    return fired
