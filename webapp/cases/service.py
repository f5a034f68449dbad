"""The case service: create a case, attach records to a task, complete a task through the gate.

Every call here is one transaction: the workflow state, the records, the task index and the audit
entries of a completed task are committed together or not at all.  Concurrent completion is
caught by the case's revision (SQLAlchemy ``version_id_col``) and, on PostgreSQL, serialised by a
row lock; the loser gets :class:`Conflict` and nothing of its attempt is kept.
"""
from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, cast

from flask import current_app
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, exists, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from handlers import certificates, clock, gate
from handlers.audit_actions import Action
from handlers.catalogue import AV_NOT_SUITABLE, AV_RECORDING, CATALOGUE
from handlers.law.acts import governs
from handlers.law.base import RuleBase
from handlers.roles import CASE_MATERIAL_BASIS, CASE_READER_ROLES, MANAGER_ROLES, ROLES, role_of_lane
from handlers.settings import Settings
from handlers.task_rules import TaskRules, rules_of
from handlers.workcalendar import national
from webapp import signals, store
from webapp.cases import completion, electronic, references, timers
from webapp.cases.av_facts import av_facts
from webapp.cases.facts import case_facts
from webapp.db import db, table
from webapp.engine import runner
from webapp.engine.compliance import waived_rules
from webapp.engine.diagrams import require_deployed
from webapp.errors import Conflict, DiagramFault, Forbidden, GateRefused, Invalid, NotFound
from webapp.models import Agency, Case, CaseTask, MediaItem, Record, User
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
    if not user.has_any(*CASE_READER_ROLES):
        raise Forbidden("您的角色无权查看案件数据（流程设计人员只接触流程图，司法局执法监督人员只查看统计数据）")
    return case


def handles(user: User, case: Case) -> bool:
    """Whether ``user`` handles ``case``: a manager on its path (审核、法制审核、负责人), or one of its officers —
    who started it, completed a step of it, wrote a record of it, or recorded or is named on one of its recordings."""
    if user.has_any(*MANAGER_ROLES):
        return True
    if not user.has_role("officer"):
        return False
    worked = or_(exists().where(CaseTask.case_id == case.id, CaseTask.completed_by == user.id),
                 exists().where(Record.case_id == case.id, Record.author_id == user.id))
    if case.created_by == user.id or db.session.scalar(select(worked)):
        return True
    name = re.split(r"[（(]", user.display_name, maxsplit=1)[0].strip()
    items = db.session.execute(select(MediaItem.uploaded_by, MediaItem.recorded_by, MediaItem.officers)
                               .where(MediaItem.case_id == case.id))
    return any(by == user.id or name == recorder or name in (officers or []) for by, recorder, officers in items)


def require_handler(user: User, case: Case, what: str) -> None:
    """Recordings, 文书 and export packages are for those who handle the case (:func:`handles`)."""
    if not handles(user, case):
        raise Forbidden(f"只有承办本案的执法人员及审核、法制审核、负责人可以{what}（{CASE_MATERIAL_BASIS}）")


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
    """The workflow (the request's shared one, :func:`runner.shared`) and its READY user task ``task_id`` that ``user``
    may work on, or an error."""
    wf = runner.shared(case)
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


def _open_task(done: completion.Completion, task_id: str, user: User) -> tuple[str, str]:
    """The spec name and title of the task a record is submitted to: off its index row, read under the lock, when
    that shows it ready for one of the user's roles (restoring the workflow was a third of a submission); otherwise
    the workflow decides, with its refusal."""
    row = done.indexed
    if row is not None and row.state == "ready" and row.role and user.has_role(row.role):
        return row.spec_name, row.title
    _, task = _ready_task(done.case, task_id, user)
    return task.task_spec.name, task.task_spec.bpmn_name or task.task_spec.name


def task_records(case_id: int, task_id: str) -> list[Record]:
    return list(db.session.scalars(select(Record).where(Record.case_id == case_id, Record.task_id == task_id)
                                   .order_by(Record.id)))


def _by_kind(records: Sequence[completion.AnyRecord]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        out[r.kind].append(r.payload)
    return out


def submit_record(user: User, case_id: int, task_id: str, kind: str, payload: Any) -> Record:
    """Store a record while its task is open, under the case lock completion takes.

    The case row is locked (PostgreSQL; SQLite's write lock) and its revision bumped (both databases), so a record
    racing a completion either lands before the gate reads the task's records or is refused; a version number
    taken twice is refused by the unique (task, kind, version) index.  The lock's read brings the task's records,
    the agency's profile and the audit head (:mod:`.completion`), so nothing is read twice.
    """
    done = completion.load(case_id, user, task_id)  # the case locked with its records, profile, audit head and task
    case = done.case
    spec_name, title = _open_task(done, task_id, user)
    rk = CATALOGUE.get(kind)
    if rk is None:
        raise Invalid(f"未知的记录类型：{kind!r}", fields={"kind": ["未知的记录类型"]})
    if not isinstance(payload, dict):
        raise Invalid("记录内容须为 JSON 对象", fields={"payload": ["须为 JSON 对象"]})
    system = electronic.SYSTEM_MADE.get(kind)  # the system performs the act (sends) and records its proof
    if system is not None:
        payload = system.prepare(case, payload)
    errors = rk.validate(payload, store.current().exists)
    if not errors:
        cite = done.settings.citer().text
        errors = references.problems(case.id, kind, payload, cite)
        errors.update(references.unquoted(kind, payload, {r.kind: r.payload for r in done.records},
                                           done.settings.format_set, cite))
    if errors:
        raise Invalid(f"{rk.title}填写有误，未保存", kind=kind, fields=errors)
    if unknown := _missing_signature_images(payload):
        raise Invalid(f"{rk.title}未保存：手写签名图像未存档，请重新签名", kind=kind, fields=unknown)
    if lapsed := certificates.expired(payload, badge_validity(case.agency_id), clock.local(clock.now()).date()):
        raise Invalid(f"{rk.title}未保存：执法证已过期的人员不能作为执法人员（{cite_one(case, certificates.BASIS)}）",
                      kind=kind, fields=lapsed)
    previous = [r for r in done.task_records(task_id) if r.kind == kind]
    record = Record(agency_id=case.agency_id, case_id=case.id, task_id=task_id, task_name=spec_name,
                    kind=kind, version=len(previous) + 1, supersedes_id=previous[-1].id if previous else None,
                    payload=payload, author_id=user.id, created_at=clock.now())
    record.content_hash = audit.record_hash(record)
    with conflict_guard(f"任务“{title}”正由他人同时办理或已办结，记录未保存，请刷新后重试"):
        case.touch(record.created_at)  # bumps the revision: a completion committed meanwhile makes this stale
        db.session.add(record)
        db.session.flush()
        audit.append(case.agency_id, Action.RECORD_ADDED, actor_id=user.id, case_id=case.id,
                     detail={"record_id": record.id, "kind": kind, "version": record.version, "task_id": task_id,
                             "content_hash": record.content_hash})
        if system is not None:
            system.queue(record)  # the worker performs the act after the commit: a rolled-back request asks nothing
    return record


def _missing_signature_images(payload: dict[str, Any]) -> dict[str, list[str]]:
    """A hand-written signature is an image in the file store named by its hash; the record binds that hash, so the
    image must be there before the record is (``signatures.N.image``)."""
    rows = payload.get("signatures")
    return {f"signatures.{i}.image": ["签名图像不在文件库中"] for i, row in enumerate(rows if isinstance(rows, list) else [])
            if isinstance(row, dict) and row.get("image") and not store.current().exists(str(row["image"]))}


def badge_validity(agency_id: int) -> dict[str, Any]:
    """The agency's roster: 执法证号 → 有效期 (``None`` when no date is kept)."""
    rows = db.session.execute(select(User.badge_no, User.badge_valid_until).where(
        User.agency_id == agency_id, User.badge_no.is_not(None)))
    return {str(badge): until for badge, until in rows}


def cite_one(case: Case, ref: str) -> str:
    """An article by its real title for the case's agency (a national law's article always binds)."""
    agency = db.session.get(Agency, case.agency_id)
    return (agency.settings.citer().text([ref]) if agency else "") or ref


def binding_law(agency_id: int, settings: Settings) -> RuleBase:
    """The rules that bind the agency now: its law, less those an administrator has recorded an exception to
    (the exception is sealed in the audit chain and listed on the compliance page)."""
    return settings.law().without(waived_rules(agency_id))


def missing_for(case: Case, task: Any, records: Sequence[completion.AnyRecord] | None = None,
                done: completion.Completion | None = None) -> list[gate.Missing]:
    """The gate's verdict on a task: its records, and the recordings handed over for it (:mod:`.media_gate`);
    ``done``: what a completion has read already (settings, exceptions, records, recordings)."""
    records = task_records(case.id, str(task.id)) if records is None else records
    # a case's agency exists
    settings = done.settings if done else cast(Agency, db.session.get(Agency, case.agency_id)).settings
    rules = rules_of(task.task_spec)
    law = gate.applying(done.law() if done else binding_law(case.agency_id, settings), task.task_spec.name, rules)
    names = [r.fact for r in law if r.fact]
    timing = gate.Timing(done.facts(names) if done else case_facts(case.id, names), clock.now(),
                         settings.calendar(national()), clock.zone(settings.timezone))
    found = gate.missing(rules, _by_kind(records), store.current().exists, av_facts(case, str(task.id), records, done),
                         law, timing)
    citer = settings.citer()
    return [replace(m, cited=citer.all(m.basis)) for m in found]


def complete_task(user: User, case_id: int, task_id: str) -> Case:
    """Gate, engine step and one pass over what follows from it, in one transaction under the case lock.

    The case, its records and what the gate and the followers need are read once (:mod:`.completion`); the task
    index, deadlines, timers, 案卷评查 and the 文书 queue (``signals.task_completed``) write only what changed.
    """
    done = completion.load(case_id, user)
    case = done.case
    wf, task = _ready_task(case, task_id, user)
    records = done.task_records(task_id)
    missing = missing_for(case, task, records, done)
    if missing:
        db.session.rollback()
        raise GateRefused(gate.refusal_text(missing), missing=[m.to_json() for m in missing])
    latest = {r.kind: r for r in records}
    runner.forget(case.id)  # the step changes the workflow: nobody else in the request may read it as the stored one
    task.set_data(**{k: CATALOGUE[k].exported(r.payload) for k, r in latest.items() if CATALOGUE[k].exports})
    walked = runner.walk(wf)  # the ready tasks and the pending timers before the step, in one walk of the tree
    before = {str(t.id): t.task_spec for t in walked.ready}
    done.timer_due, done.user_id = timers.next_due(wf, walked.waiting), user.id
    try:
        task.run()
        wf.do_engine_steps()
    except SpiffWorkflowException as exc:
        db.session.rollback()
        raise DiagramFault(f"流程图无法继续执行，本步骤未保存：{exc}。请流程设计人员修正流程图后重新部署",
                           task=task.task_spec.name) from exc
    with conflict_guard(f"任务“{task.task_spec.bpmn_name}”已被他人同时办理，请刷新后查看"), db.session.no_autoflush:
        _persist(done, wf, task_id, before)
        signals.task_completed.send(case, workflow=wf, task=task, user=user, records=latest, completion=done)
        _write_index(done)
        audit.append(case.agency_id, Action.TASK_COMPLETED, actor_id=user.id, case_id=case.id,
                     detail={"task_id": task_id, "task": task.task_spec.name, "title": task.task_spec.bpmn_name,
                             "records": sorted([r.id, r.content_hash] for r in latest.values())})
        _write_case(done, wf)
    signals.task_committed.send(case, task_id=task_id, user=user)
    return case


def _persist(done: completion.Completion, wf: Any, task_id: str, before: dict[str, Any]) -> None:
    """The new state, and what the step did to the task index, worked out from the workflow before and after it (the
    index's ready rows are the stored workflow's ready tasks): the done task and those no longer ready leave the ready
    state (``done.left``, for the deadlines and the review), the newly ready tasks get rows (``done.added``, their due
    moments set by the deadlines); :func:`_write_index` writes both in one statement.  The case's own row is written
    last (:func:`_write_case`), after the timers have armed theirs in the workflow."""
    case, now = done.case, done.now
    done.walked = runner.walk(wf)  # the ready tasks and every timer after the step, for the index and the timers
    ready_tasks = done.walked.ready
    ready = {str(t.id) for t in ready_tasks}
    done.left = [completion.Left(tid, spec.name, spec.bpmn_name or spec.name,
                                 "completed" if tid == task_id else "cancelled", role_of_lane(spec.lane) or "")
                 for tid, spec in before.items() if tid not in ready]
    done.added = runner.new_index_rows(case, wf, set(before), now, ready_tasks)


def _write_case(done: completion.Completion, wf: Any) -> None:
    """The case's new state in one UPDATE on the table, guarded by the revision read under the lock as the ORM's
    version check is (a lost race raises :class:`StaleDataError`, which :func:`conflict_guard` turns into
    :class:`Conflict`).  The state is written once, after the followers (the timers arm theirs in the workflow), and
    the object only takes the written values as its committed ones: never marked changed, it leaves the commit
    nothing to flush (the unit of work cost more than the UPDATE).  The status is set only when it changes (its
    counts' trigger)."""
    case = done.case
    revision = case.revision
    changed = case.status != "closed" and done.walked is not None and done.walked.completed(wf)
    values = {"state": runner.dump(wf), "updated_at": done.now, "revision": revision + 1,
              **({"status": "closed"} if changed else {})}
    written = db.session.execute(_case_update(changed), {"b_id": case.id, "b_revision": revision, **values})
    if cast(CursorResult[Any], written).rowcount != 1:
        raise StaleDataError(f"案件 {case.id} 的版本 {revision} 已被他人更新")
    for key, value in values.items():
        set_committed_value(case, key, value)


@functools.cache
def _case_update(status: bool) -> Any:
    """:func:`_write_case`'s UPDATE, built once with the status and once without."""
    t = table(Case)
    values = {c: bindparam(c, type_=t.c[c].type) for c in ("state", "updated_at", "revision", *(("status",) if status else ()))}
    return update(t).where(t.c.id == bindparam("b_id"), t.c.revision == bindparam("b_revision")).values(**values)


#: the columns of a task index row the completion writes (:func:`_write_index`)
_ROW_COLUMNS = ("id", "case_id", "agency_id", "spec_name", "title", "role", "state", "ready_at", "due_at",
                "completed_at", "completed_by")


def _write_index(done: completion.Completion) -> None:
    """The task index after the step, in one INSERT … ON CONFLICT on the table: the rows of newly ready tasks (their
    due moments set by the deadlines) are inserted, the rows that left the ready state are updated — only while still
    ready, so a row already done is never rewritten."""
    case, now = done.case, done.now
    rows = [{c: getattr(r, c) for c in _ROW_COLUMNS} for r in done.added]
    rows += [{"id": left.id, "case_id": case.id, "agency_id": case.agency_id, "spec_name": left.spec_name,
              "title": left.title, "role": left.role, "state": left.state, "ready_at": now,
              "due_at": None, "completed_at": now,
              "completed_by": done.user_id if left.state == "completed" else None} for left in done.left]
    if rows:
        db.session.execute(_index_upsert(db.session.get_bind().dialect.name), rows)


@functools.cache
def _index_upsert(dialect: str) -> Any:
    """:func:`_write_index`'s statement, built once per dialect (building it cost more than running it)."""
    t = table(CaseTask)
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(t)
    return stmt.on_conflict_do_update(
        index_elements=["id"], where=t.c.state == "ready",
        set_={"state": stmt.excluded.state, "completed_at": stmt.excluded.completed_at,
              "completed_by": stmt.excluded.completed_by})


def task_view(user: User, case_id: int, task_id: str) -> dict[str, Any]:
    case = get_case(case_id, user)
    wf = runner.shared(case)  # the records saved and the completion in the same request restore it no more
    task = runner.find_task(wf, task_id)
    if task is None or not task.task_spec.manual:
        raise NotFound(f"案件 {case.id} 中没有任务 {task_id}")
    rules = rules_of(task.task_spec)
    requires = _requires(case, task.task_spec.name, rules)
    offered = offered_kinds(rules)
    kinds = list(rules.records) + ([AV_RECORDING, AV_NOT_SUITABLE] if requires["av"] != "none" else []) + offered
    return {
        "id": task_id, "case_id": case.id, "name": task.task_spec.name, "title": task.task_spec.bpmn_name,
        "state": TaskState.get_name(task.state), "role": role_of_lane(task.task_spec.lane), "requires": requires,
        "offered": offered,
        "schemas": {k: CATALOGUE[k].describe() for k in kinds},
        "records": [record_json(r) for r in task_records(case.id, task_id)],
        "missing": [m.to_json() for m in missing_for(case, task)] if task.state == TaskState.READY else [],
    }


def offered_kinds(rules: TaskRules) -> list[str]:
    """The record kinds the task's page offers beside those it requires (:attr:`RecordKind.offered_on`)."""
    return [code for code, rk in CATALOGUE.items()
            if code not in rules.records and any(governs(act, rules.act) for act in rk.offered_on)]


def _requires(case: Case, task_name: str, rules: TaskRules) -> dict[str, Any]:
    """What the task requires, from its diagram and from the rules of the agency's law that govern its act;
    articles cited by their real titles (``cited``, ``av_cited``)."""
    settings = cast(Agency, db.session.get(Agency, case.agency_id)).settings  # a case's agency exists
    citer = settings.citer()
    law = gate.applying(binding_law(case.agency_id, settings), task_name, rules)
    recording = [r for r in law if r.kind == "recording" and r.mode != "on_refusal"]
    mode = "mandatory" if any(r.mode == "mandatory" for r in recording) else (
        "unless_unsuitable" if recording or rules.av_required else None)
    av_basis = gate.recording_basis(rules, law) if mode else rules.av_basis
    basis = gate.task_basis(rules, law)
    return {"records": list(rules.records), "av": "required" if mode else rules.av, "recording": mode,
            "act": rules.act, "basis": list(basis), "av_basis": list(av_basis), "deadline": rules.deadline,
            "cited": list(citer.all(basis)), "av_cited": list(citer.all(av_basis)) if mode else [],
            "rules": [{"id": r.id, "title": r.title, "kind": r.kind, "mode": r.mode, "cited": citer.text([r.basis])}
                      for r in law]}


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
