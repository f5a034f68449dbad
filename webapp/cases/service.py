"""The case service: create a case, attach records to a task, complete a task through the gate.

Every call here is one transaction: the workflow state, the records, the task index and the audit
entries of a completed task are committed together or not at all.  Concurrent completion is
caught by the case's revision (SQLAlchemy ``version_id_col``) and, on PostgreSQL, serialised by a
row lock; the loser gets :class:`Conflict` and nothing of its attempt is kept.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from handlers import clock, gate
from handlers.audit_actions import Action
from handlers.catalogue import AV_NOT_SUITABLE, AV_RECORDING, CATALOGUE
from handlers.roles import ROLES, role_of_lane
from handlers.task_rules import rules_of
from webapp import signals, store
from webapp.cases.av_facts import av_facts
from webapp.db import db
from webapp.engine import runner
from webapp.engine.diagrams import require_deployed
from webapp.errors import Conflict, DiagramFault, Forbidden, GateRefused, Invalid, NotFound
from webapp.models import Case, CaseTask, Record, User
from webapp.store import audit


@contextmanager
def conflict_guard(message: str) -> Iterator[None]:
    """Turn a lost race (stale revision, or SQLite's lock) into :class:`Conflict`, keeping nothing of it."""
    try:
        yield
        db.session.commit()
    except (StaleDataError, OperationalError, IntegrityError) as exc:
        db.session.rollback()
        if isinstance(exc, OperationalError) and "locked" not in str(exc).lower():
            raise
        raise Conflict(message) from exc


def get_case(case_id: int, user: User, *, lock: bool = False) -> Case:
    """The case, checked against the user's agency; ``lock`` holds it for the transaction.

    PostgreSQL locks the row (FOR UPDATE); SQLite has no row locks, so a no-op write takes the database's write
    lock before the case is read: the second of two racing requests waits and then reads what the first wrote.
    """
    if lock and db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("UPDATE cases SET id = id WHERE id = :id"), {"id": case_id})
    case = db.session.get(Case, case_id, with_for_update=lock or None, populate_existing=lock)
    if case is None:
        raise NotFound(f"案件 {case_id} 不存在")
    if case.agency_id != user.agency_id:
        raise Forbidden(f"案件 {case_id} 不属于您所在的机构，无权访问")
    return case


def create_case(user: User, title: str, party_name: str, process_id: str = "general_procedure",
                emergency: bool = False) -> Case:
    if not user.has_role("officer"):
        raise Forbidden("只有承办人可以启动执法程序")
    if not title.strip() or not party_name.strip():
        raise Invalid("案由和当事人不能为空", fields={"title": ["必填项"], "party_name": ["必填项"]})
    version = require_deployed(user.agency_id, process_id)
    wf = runner.start(version, {"emergency": bool(emergency)})
    case = Case(agency_id=user.agency_id, process_id=process_id, diagram_version_id=version.id, title=title,
                party_name=party_name, state=runner.dump(wf), created_by=user.id, updated_at=clock.now())
    db.session.add(case)
    db.session.flush()
    db.session.add_all(runner.sync_index(case, wf, []))
    signals.case_created.send(case, workflow=wf, user=user)
    audit.append(case.agency_id, Action.CASE_CREATED, actor_id=user.id, case_id=case.id,
                 detail={"process_id": process_id, "diagram_version": version.version, "title": title,
                         "party_name": party_name, "emergency": bool(emergency)})
    db.session.commit()
    return case


def _ready_task(case: Case, task_id: str, user: User) -> tuple[Any, Any]:
    """The workflow and its READY user task ``task_id`` that ``user`` may work on, or an error."""
    wf = runner.load(case)
    task = runner.find_task(wf, task_id)
    if task is None or not task.task_spec.manual:
        raise NotFound(f"案件 {case.id} 中没有任务 {task_id}")
    if task.state != TaskState.READY:
        raise Conflict(f"任务“{task.task_spec.bpmn_name}”已办结或尚未就绪，请刷新后重试",
                       task_state=TaskState.get_name(task.state))
    role = role_of_lane(task.task_spec.lane)
    if role is None or not user.has_role(role):
        raise Forbidden(f"任务“{task.task_spec.bpmn_name}”须由{ROLES.get(role or '', task.task_spec.lane)}办理，"
                        f"您的角色是：{'、'.join(ROLES.get(r, r) for r in user.roles) or '无'}")
    return wf, task


def task_records(case_id: int, task_id: str) -> list[Record]:
    return list(db.session.scalars(select(Record).where(Record.case_id == case_id, Record.task_id == task_id)
                                   .order_by(Record.id)))


def _by_kind(records: list[Record]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        out[r.kind].append(r.payload)
    return out


def submit_record(user: User, case_id: int, task_id: str, kind: str, payload: Any) -> Record:
    """Store a record while its task is open, under the case lock completion takes.

    The case row is locked (PostgreSQL) and its revision bumped (both databases), so a record racing a
    completion either lands before the gate reads the task's records or is refused; a version number
    taken twice is refused by the unique (task, kind, version) index.
    """
    case = get_case(case_id, user, lock=True)
    _, task = _ready_task(case, task_id, user)
    rk = CATALOGUE.get(kind)
    if rk is None:
        raise Invalid(f"未知的记录类型：{kind!r}", fields={"kind": ["未知的记录类型"]})
    if not isinstance(payload, dict):
        raise Invalid("记录内容须为 JSON 对象", fields={"payload": ["须为 JSON 对象"]})
    errors = rk.validate(payload, store.current().exists)
    if errors:
        raise Invalid(f"{rk.title}填写有误，未保存", kind=kind, fields=errors)
    previous = [r for r in task_records(case.id, task_id) if r.kind == kind]
    record = Record(agency_id=case.agency_id, case_id=case.id, task_id=task_id, task_name=task.task_spec.name,
                    kind=kind, version=len(previous) + 1, supersedes_id=previous[-1].id if previous else None,
                    payload=payload, author_id=user.id, created_at=clock.now())
    record.content_hash = audit.record_hash(record)
    with conflict_guard(f"任务“{task.task_spec.bpmn_name}”正由他人同时办理或已办结，记录未保存，请刷新后重试"):
        case.updated_at = record.created_at  # bumps the revision: a completion committed meanwhile makes this stale
        db.session.add(record)
        db.session.flush()
        audit.append(case.agency_id, Action.RECORD_ADDED, actor_id=user.id, case_id=case.id,
                     detail={"record_id": record.id, "kind": kind, "version": record.version, "task_id": task_id,
                             "content_hash": record.content_hash})
    return record


def missing_for(case: Case, task: Any, records: list[Record] | None = None) -> list[gate.Missing]:
    """The gate's verdict on a task: its records, and the recordings handed over for it (:mod:`.media_gate`)."""
    records = task_records(case.id, str(task.id)) if records is None else records
    return gate.missing(rules_of(task.task_spec), _by_kind(records), store.current().exists,
                        av_facts(case, str(task.id), records))


def complete_task(user: User, case_id: int, task_id: str) -> Case:
    case = get_case(case_id, user, lock=True)
    wf, task = _ready_task(case, task_id, user)
    records = task_records(case.id, task_id)
    missing = missing_for(case, task, records)
    if missing:
        db.session.rollback()
        raise GateRefused(gate.refusal_text(missing), missing=[m.to_json() for m in missing])
    latest = {r.kind: r for r in records}
    task.set_data(**{k: CATALOGUE[k].exported(r.payload) for k, r in latest.items() if CATALOGUE[k].exports})
    try:
        task.run()
        wf.do_engine_steps()
    except SpiffWorkflowException as exc:
        db.session.rollback()
        raise DiagramFault(f"流程图无法继续执行：{exc}", task=task.task_spec.name) from exc
    with conflict_guard(f"任务“{task.task_spec.bpmn_name}”已被他人同时办理，请刷新后查看"):
        _persist(case, wf, user, task_id)
        signals.task_completed.send(case, workflow=wf, task=task, user=user, records=latest)
        audit.append(case.agency_id, Action.TASK_COMPLETED, actor_id=user.id, case_id=case.id,
                     detail={"task_id": task_id, "task": task.task_spec.name, "title": task.task_spec.bpmn_name,
                             "records": sorted([r.id, r.content_hash] for r in latest.values())})
    signals.task_committed.send(case, task_id=task_id, user=user)
    return case


def _persist(case: Case, wf: Any, user: User, task_id: str) -> None:
    now = clock.now()
    case.state = runner.dump(wf)
    case.updated_at = now
    if wf.is_completed():
        case.status = "closed"
    rows = list(db.session.scalars(select(CaseTask).where(CaseTask.case_id == case.id, CaseTask.state == "ready")))
    for row in rows:
        if row.id == task_id:
            row.state, row.completed_at, row.completed_by = "completed", now, user.id
    db.session.add_all(runner.sync_index(case, wf, rows))


def task_view(user: User, case_id: int, task_id: str) -> dict[str, Any]:
    case = get_case(case_id, user)
    wf = runner.load(case)
    task = runner.find_task(wf, task_id)
    if task is None or not task.task_spec.manual:
        raise NotFound(f"案件 {case.id} 中没有任务 {task_id}")
    rules = rules_of(task.task_spec)
    kinds = list(rules.records) + ([AV_RECORDING, AV_NOT_SUITABLE] if rules.av != "none" else [])
    return {
        "id": task_id, "case_id": case.id, "name": task.task_spec.name, "title": task.task_spec.bpmn_name,
        "state": TaskState.get_name(task.state), "role": role_of_lane(task.task_spec.lane),
        "requires": {"records": list(rules.records), "av": rules.av, "basis": list(rules.basis),
                     "av_basis": list(rules.av_basis), "deadline": rules.deadline},
        "schemas": {k: CATALOGUE[k].describe() for k in kinds},
        "records": [record_json(r) for r in task_records(case.id, task_id)],
        "missing": [m.to_json() for m in missing_for(case, task)] if task.state == TaskState.READY else [],
    }


def record_json(r: Record) -> dict[str, Any]:
    return {"id": r.id, "kind": r.kind, "title": CATALOGUE[r.kind].title if r.kind in CATALOGUE else r.kind,
            "task_id": r.task_id, "task": r.task_name, "version": r.version, "supersedes_id": r.supersedes_id,
            "payload": r.payload, "author_id": r.author_id, "created_at": r.created_at.isoformat(),
            "content_hash": r.content_hash}


def store_upload(user: User, stream: Any, filename: str, content_type: str | None) -> tuple[str, int]:
    """Store an uploaded file by its SHA-256 (the same bytes once), register it and seal the upload in the audit chain."""
    try:
        sha, size = store.current().put(stream, current_app.config["MAX_CONTENT_LENGTH"])
    except ValueError as exc:
        raise Invalid(str(exc)) from exc
    store.register(sha, size, content_type=content_type or "application/octet-stream", name=filename,
                   agency_id=user.agency_id, user_id=user.id)
    audit.append(user.agency_id, Action.FILE_UPLOADED, actor_id=user.id, detail={"sha256": sha, "size": size, "name": filename})
    db.session.commit()
    return sha, size
