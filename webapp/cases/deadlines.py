"""The deadline service: one table of running periods over all cases, kept in step with the workflow.

Whenever a case starts or a task completes (``webapp.signals``, inside the same transaction), every
newly ready task for which a period runs gets a row here: the period its diagram declares
(``deadline``) and every ``period`` rule of the agency's law that governs its act, each from the fact
of the case it starts at (the record that established it, read by id; a rule whose fact the case does
not hold opens nothing), counted on the agency's working-day calendar as the cited law says
(``handlers.deadlines``).  The earliest governs: its moment is the row's and the task index's
``due_at`` (so inboxes sort and flag it), its articles the row's basis; a completed task closes its
row as met or late.
Because the rows are in the database and "overdue" is a query against the clock, nothing is lost
when the server restarts.  This covers 24 h 补报 after an emergency start, 一次性告知, 催告 periods,
decision and service periods and archiving after the case ends — whatever the procedures carry.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import ScalarSelect, Select, and_, bindparam, func, select, update
from sqlalchemy import case as when

from handlers import clock, gate
from handlers.audit_actions import Action
from handlers.deadlines import Running, TaskDeadline, deadline_of, extended, governing, opens, rule_deadline
from handlers.law.base import RuleBase
from handlers.law.cite import Citer
from handlers.law.facts import StoredRecord, establish_start
from handlers.law.model import Rule
from handlers.task_rules import rules_of
from handlers.workcalendar import Calendar, national
from webapp.cases.completion import Completion
from webapp.db import db, table
from webapp.engine import runner
from webapp.engine.compliance import waived_rules
from webapp.models import Agency, AuditEntry, Case, CaseTask, Deadline, Record, StatusCount
from webapp.store import audit


def calendar_of(agency: Agency | None) -> Calendar:
    """The national calendar plus the agency's regional holidays and make-up days."""
    return agency.settings.calendar(national()) if agency else national()


def _recorded_moment(case: Case, ref: str) -> dt.datetime | None:
    """``kind.field`` of the case's latest record of that kind, e.g. when an emergency measure really began."""
    kind, _, field = ref.partition(".")
    payload = db.session.scalar(select(Record.payload).where(Record.case_id == case.id, Record.kind == kind)
                                .order_by(Record.id.desc()).limit(1))
    return _moment_in(payload, field)


def _moment_in(payload: dict[str, Any] | None, field: str) -> dt.datetime | None:
    value = (payload or {}).get(field)
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC) if isinstance(value, str) else None


def _start(td: TaskDeadline, case: Case, row: CaseTask, rows: list[CaseTask]) -> dt.datetime | None:
    """When the period starts; ``None`` when it runs from a fact the case does not hold (no period then: the 24 h
    to approve an emergency start, lishui-city 第八条, do not run on a case started the ordinary way)."""
    if td.starts == "case":
        return case.created_at
    if td.starts and "." in td.starts:
        return _recorded_moment(case, td.starts)
    if td.starts:
        done = [r.completed_at for r in rows if r.spec_name == td.starts and r.completed_at]
        if done:
            return max(done)
    return row.ready_at


def sync(case: Case, wf: Any) -> None:
    """Open the periods of each newly ready task (its diagram's and its law's); close those of tasks no longer
    ready."""
    rows = list(db.session.scalars(select(CaseTask).where(CaseTask.case_id == case.id)))
    existing = {d.task_id: d for d in db.session.scalars(select(Deadline).where(Deadline.case_id == case.id))}
    agency = db.session.get(Agency, case.agency_id)
    law = agency.settings.law().without(waived_rules(case.agency_id)) if agency else RuleBase()
    calendar: Lazy[Calendar] = Lazy(lambda: calendar_of(agency))
    records: Lazy[list[StoredRecord]] = Lazy(lambda: _stored(case.id))
    for row in rows:
        found = existing.get(row.id)
        if found is not None:
            _close(found, row, wf)
            continue
        task = runner.find_task(wf, row.id) if row.state == "ready" else None
        if task is None:
            continue
        governed = gate.applying(law, row.spec_name, rules_of(task.task_spec))
        periods = _periods(case, row, task, governed, lambda td, r: _start(td, case, r, rows), records, calendar)
        if periods:
            _open(case, row, task, periods, governed)


T = TypeVar("T")


class Lazy(Generic[T]):
    """A value read once, only if some task needs it (the calendar, the case's records)."""

    def __init__(self, read: Callable[[], T]) -> None:
        self._read, self._value, self._done = read, cast(T, None), False

    def __call__(self) -> T:
        if not self._done:
            self._value, self._done = self._read(), True
        return self._value


def open_missing() -> int:
    """Open the periods of tasks that were already ready when the law's rules began to run periods (an upgrade):
    :func:`sync` for each open case with a ready task that has no deadline row, one transaction per case; returns
    how many periods opened."""
    ids = list(db.session.scalars(
        select(CaseTask.case_id).outerjoin(Deadline, Deadline.task_id == CaseTask.id).join(Case, Case.id == CaseTask.case_id)
        .where(CaseTask.state == "ready", Deadline.id.is_(None), Case.status == "open")
        .group_by(CaseTask.case_id).order_by(CaseTask.case_id)))
    opened = 0
    for case_id in ids:
        case = db.session.get(Case, case_id, with_for_update=True)
        if case is None:
            continue
        rows = select(func.count()).select_from(Deadline).where(Deadline.case_id == case_id)
        before = db.session.scalar(rows) or 0
        sync(case, runner.load(case))
        opened += (db.session.scalar(rows) or 0) - before
        db.session.commit()
    return opened


def _stored(case_id: int) -> list[StoredRecord]:
    """The case's records a period may start from, in the order they were made."""
    return [StoredRecord(i, k, p) for i, k, p in db.session.execute(
        select(Record.id, Record.kind, Record.payload).where(Record.case_id == case_id).order_by(Record.id))]


def _periods(case: Case, row: CaseTask, task: Any, governed: Sequence[Rule],
             diagram_start: Callable[[TaskDeadline, CaseTask], dt.datetime | None], records: Callable[[], Sequence[StoredRecord]],
             calendar: Callable[[], Calendar]) -> list[Running]:
    """Every period that runs for a newly ready task: its diagram's (if declared and its start is a fact of the case)
    and each governing rule's whose start the case holds (:func:`handlers.deadlines.opens`)."""
    out: list[Running] = []
    td = deadline_of(task.task_spec)
    start = diagram_start(td, row) if td is not None else None
    if td is not None and start is not None:
        out.append(_running(td, start, calendar(), records))
    for rule in (r for r in governed if opens(r)):
        rd = rule_deadline(rule)
        since = _rule_start(rd.starts, case, row, records)
        if since is not None:
            out.append(_running(rd, since[0], calendar(), records, rule, since[1]))
    return out


def _running(td: TaskDeadline, start: dt.datetime, calendar: Calendar, records: Callable[[], Sequence[StoredRecord]],
             rule: Rule | None = None, since: str = "") -> Running:
    """A period from ``start``, ending where its count ends or where an approved extension of it says
    (:func:`handlers.deadlines.extended`; the case's records are read only for a period that can be extended)."""
    due = td.due(start, calendar)
    moved = extended(td, start, due, records()) if td.until else None
    return Running(td, start, moved[0] if moved else due, rule, since, moved[1] if moved else "")


def _rule_start(start: str | None, case: Case, row: CaseTask, records: Callable[[], Sequence[StoredRecord]]
                ) -> tuple[dt.datetime, str] | None:
    """When a rule's period starts and what started it: the fact it names as the record that established it says
    (``None``: the case holds no such fact, and no period runs), the case's start, or the task's readiness."""
    if start is None:
        return row.ready_at, ""
    if start == "case":
        return case.created_at, "案件启动"
    fact = establish_start(start, records())
    return (fact.at.astimezone(dt.UTC), fact.title) if fact is not None else None


def _open(case: Case, row: CaseTask, task: Any, periods: Sequence[Running], governed: Sequence[Rule]) -> dt.datetime:
    """The deadline row of a newly ready task (its due moment returned): the period that ends first, citing its
    articles (a county's article is in its profile's rules, not in the shared diagram)."""
    first, basis = governing(periods, governed)
    rules = rules_of(task.task_spec)
    row.due_at = first.due
    db.session.add(Deadline(
        agency_id=case.agency_id, case_id=case.id, task_id=row.id, spec_name=row.spec_name,
        kind=rules.records[0] if rules.records else "task", title=row.title, role=row.role,
        period=first.deadline.period.text, counting=first.describe()[:200], basis="；".join(basis),
        starts_at=first.start, due_at=first.due, status="open", created_at=clock.now()))
    return first.due


def _close(deadline: Deadline, row: CaseTask, wf: Any) -> None:
    if deadline.status != "open" or row.state == "ready":
        return
    deadline.closed_at = row.completed_at or clock.now()
    deadline.closed_by = row.completed_by
    if row.state == "completed":
        deadline.status = "late" if deadline.closed_at > deadline.due_at else "met"
    else:
        deadline.status = "cancelled"
    task = runner.find_task(wf, row.id)
    if deadline.status == "late" and not (task is not None and runner.timed(task)):  # a timer seals its own breach
        audit.append(deadline.agency_id, Action.DEADLINE_OVERDUE, actor_id=deadline.closed_by, case_id=deadline.case_id,
                     detail=_overdue_detail(deadline, closed_at=deadline.closed_at.isoformat(), late=True))


def _overdue_detail(d: Any, **more: Any) -> dict[str, Any]:
    """``d``: a :class:`Deadline`, or a row of its columns (a completion's UPDATE … RETURNING)."""
    return {"deadline_id": d.id, "task": d.spec_name, "title": d.title, "period": d.period, "basis": d.basis,
            "due_at": d.due_at.isoformat(), **more}


def flag_overdue(limit: int = 1000) -> list[Deadline]:
    """Seal each open period that has run out into its case's audit chain, once, when the worker notices.

    A breach is a fact of the case whether or not the step is ever done (行政处罚法 第六十条: a decision not made
    within ninety days), so it cannot wait for a late completion to be recorded; a period whose BPMN timer
    already sealed it (``task_id`` in the timer's entry) is not sealed twice.
    """
    due = list(db.session.scalars(select(Deadline).where(Deadline.status == "open", Deadline.due_at < clock.now())
                                  .order_by(Deadline.due_at).limit(limit)))
    if not due:
        return []
    sealed = {(e.case_id, str(key)) for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == Action.DEADLINE_OVERDUE, AuditEntry.case_id.in_({d.case_id for d in due})))
        for key in ((e.detail or {}).get("deadline_id"), (e.detail or {}).get("task_id")) if key}
    flagged = [d for d in due if not {(d.case_id, str(d.id)), (d.case_id, str(d.task_id))} & sealed]
    for d in flagged:
        audit.append(d.agency_id, Action.DEADLINE_OVERDUE, case_id=d.case_id,
                     detail=_overdue_detail(d, task_id=d.task_id, late=True, open=True))
    db.session.commit()
    return flagged


def on_case_created(case: Case, workflow: Any, **_: Any) -> None:
    sync(case, workflow)


def on_task_completed(case: Case, workflow: Any, completion: Completion | None = None, **_: Any) -> None:
    if completion is None:
        sync(case, workflow)
    else:
        after_step(completion, workflow)


def after_step(done: Completion, wf: Any) -> None:
    """:func:`sync` for one completion, from what it changed: close the periods of the tasks that left the ready
    state (one UPDATE, only when a period may run for them), open those of the newly ready tasks."""
    law = done.law()
    _close_left(done, wf, law)
    calendar: Lazy[Calendar] = Lazy(lambda: done.settings.calendar(national()))
    records: Lazy[list[StoredRecord]] = Lazy(lambda: [StoredRecord(r.id, r.kind, r.payload) for r in done.records])
    for row in done.added:
        task = runner.find_task(wf, row.id)
        if task is None:
            continue
        governed = gate.applying(law, row.spec_name, rules_of(task.task_spec))
        periods = _periods(done.case, row, task, governed, lambda td, r: _start_after_step(td, done, r),
                           records, calendar)
        if periods:
            done.opened[row.id] = _open(done.case, row, task, periods, governed)


def _declares(wf: Any, task_id: str, law: RuleBase) -> bool:
    """Whether a period may run for the task: its diagram declares one, or a rule of the agency's law governs it."""
    task = runner.find_task(wf, task_id)
    if task is None or deadline_of(task.task_spec) is not None:
        return True
    return any(opens(r) for r in gate.applying(law, task.task_spec.name, rules_of(task.task_spec)))


def _close_left(done: Completion, wf: Any, law: RuleBase) -> None:
    """:func:`_close` for the rows this completion took out of the ready state, in one UPDATE … RETURNING."""
    ids = [left.id for left in done.left if _declares(wf, left.id, law)]
    if not ids:
        return
    completed = [left.id for left in done.left if left.state == "completed"]
    rows = db.session.execute(_close_statement(), {"ids": ids, "completed": completed, "now": done.now,
                                                   "by": done.user_id}).all()
    done.closed = {d.task_id: d for d in rows}
    for d in rows:
        task = runner.find_task(wf, d.task_id)
        if d.status == "late" and not (task is not None and runner.timed(task)):  # a timer seals its own breach
            audit.append(d.agency_id, Action.DEADLINE_OVERDUE, actor_id=d.closed_by, case_id=d.case_id,
                         detail=_overdue_detail(d, closed_at=done.now.isoformat(), late=True))


@functools.cache
def _close_statement() -> Any:
    """:func:`_close_left`'s UPDATE, built once with its values as parameters (building it and its cache key each
    time cost more than running it)."""
    t = table(Deadline)
    mine = t.c.task_id.in_(bindparam("completed", expanding=True))
    now = bindparam("now", type_=t.c.closed_at.type)
    return (update(t).where(t.c.task_id.in_(bindparam("ids", expanding=True)), t.c.status == "open")
            .values(status=when((mine, when((t.c.due_at < now, "late"), else_="met")), else_="cancelled"),
                    closed_at=now, closed_by=when((mine, bindparam("by", type_=t.c.closed_by.type)), else_=None))
            .returning(t.c.id, t.c.task_id, t.c.status, t.c.spec_name, t.c.title, t.c.period, t.c.basis, t.c.due_at,
                       t.c.agency_id, t.c.case_id, t.c.closed_by))


def _start_after_step(td: TaskDeadline, done: Completion, row: CaseTask) -> dt.datetime | None:
    """:func:`_start` from what the completion read: the records, and when the case's tasks ended."""
    if td.starts == "case":
        return done.case.created_at
    if td.starts and "." in td.starts:
        kind, _, field = td.starts.partition(".")
        payload = next((r.payload for r in reversed(done.records) if r.kind == kind), None)
        return _moment_in(payload, field)
    if td.starts:
        ended = done.ended_at(td.starts)
        if ended is not None:
            return ended
    return row.ready_at



def deadline_json(d: Deadline, case_title: str | None = None, now: dt.datetime | None = None,
                  citer: Citer | None = None) -> dict[str, Any]:
    """A period as the API shows it; ``cited``: its articles by real title for the agency (``citer``)."""
    now = now or clock.now()
    overdue = d.status == "open" and d.due_at < now
    return {"id": d.id, "case_id": d.case_id, "case_title": case_title, "task_id": d.task_id, "task": d.spec_name,
            "title": d.title, "kind": d.kind, "role": d.role, "period": d.period, "counting": d.counting,
            "basis": d.basis, "cited": citer.text([d.basis]) if citer else None,
            "starts_at": d.starts_at.isoformat(), "due_at": d.due_at.isoformat(),
            "status": d.status, "overdue": overdue,
            "overdue_hours": round((now - d.due_at).total_seconds() / 3600, 1) if overdue else 0,
            "closed_at": d.closed_at.isoformat() if d.closed_at else None}


def _case_title() -> ScalarSelect[str]:
    """The period's case title, looked up by key for each period listed.  Why not a join: PostgreSQL joined the
    agency's overdue periods to the cases by hashing every case of the agency (a scan of its whole history, 10,000
    rows at 10,000 cases) and only then sorted and cut the list; looked up per row, a list of N reads N cases off
    the primary key and the open periods' index in due order (issue 15 point 5)."""
    return select(Case.title).where(Case.id == Deadline.case_id).scalar_subquery()


def with_title(window: tuple[dt.datetime, dt.datetime] | None = None) -> Select[Deadline, str]:
    """Periods with their case's title; with ``window``, only those of the cases started in it (a join, then)."""
    if window is None:
        return select(Deadline, _case_title())
    return select(Deadline, Case.title).join(Case, Case.id == Deadline.case_id).where(*Case.started_in(window))


def overdue(agency_id: int, roles: tuple[str, ...] | None = None, limit: int = 500,
            window: tuple[dt.datetime, dt.datetime] | None = None) -> list[tuple[Deadline, str]]:
    """Open deadlines already past due, oldest first; ``roles`` narrows to the roles that must act, ``window`` to the
    cases started in it."""
    query = (with_title(window)
             .where(Deadline.agency_id == agency_id, Deadline.status == "open", Deadline.due_at < clock.now())
             .order_by(Deadline.due_at).limit(limit))
    if roles is not None:
        query = query.where(Deadline.role.in_(roles))
    return [(d, title) for d, title in db.session.execute(query)]


def due_soon(agency_id: int, roles: tuple[str, ...] | None = None, limit: int = 500) -> list[tuple[Deadline, str]]:
    """Open deadlines within the agency's warning window (黄牌), soonest first."""
    now = clock.now()
    agency = db.session.get(Agency, agency_id)
    hours = agency.settings.deadline_warning_hours if agency else 0
    query = (with_title()
             .where(Deadline.agency_id == agency_id, Deadline.status == "open", Deadline.due_at >= now,
                    Deadline.due_at <= now + dt.timedelta(hours=hours))
             .order_by(Deadline.due_at).limit(limit))
    if roles is not None:
        query = query.where(Deadline.role.in_(roles))
    return [(d, title) for d, title in db.session.execute(query)]


def counts(agency_id: int, window: tuple[dt.datetime, dt.datetime] | None = None) -> dict[str, int]:
    """Open, overdue, about-to-end, met and late deadlines of an agency (of the cases started in ``window``)."""
    now = clock.now()
    if window is None:
        rows = db.session.execute(select(StatusCount.status, StatusCount.n).where(
            StatusCount.agency_id == agency_id, StatusCount.subject == "deadline")).all()  # kept by triggers
    else:
        rows = db.session.execute(select(Deadline.status, func.count()).join(Case, Case.id == Deadline.case_id).where(
            Deadline.agency_id == agency_id, *Case.started_in(window)).group_by(Deadline.status)).all()
    out = {"open": 0, "met": 0, "late": 0, "cancelled": 0, **{s: n for s, n in rows}}

    def open_due(*conditions: Any) -> int:
        """Counted on the open deadlines' index; the cases are joined only for a period (joined always, PostgreSQL
        read every case of the agency to count a few hundred deadlines)."""
        query = select(func.count()).select_from(Deadline).where(
            and_(Deadline.agency_id == agency_id, Deadline.status == "open", *conditions))
        if window is not None:
            query = query.join(Case, Case.id == Deadline.case_id).where(*Case.started_in(window))
        return db.session.scalar(query) or 0

    agency = db.session.get(Agency, agency_id)
    soon = now + dt.timedelta(hours=agency.settings.deadline_warning_hours if agency else 0)
    out["overdue"] = open_due(Deadline.due_at < now)
    out["due_soon"] = open_due(Deadline.due_at >= now, Deadline.due_at <= soon)
    return out
