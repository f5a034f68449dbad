"""Two users completing the same task at once: exactly one step, one 200 and one 409."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from webapp.cases import completion, service
from webapp.db import db, table
from webapp.errors import Conflict
from webapp.loadgen.payloads import payload
from webapp.models import AuditEntry, Case, CaseTask, Record, User


def test_concurrent_completion_yields_one_success_and_one_conflict(app, walker, agency):
    cid = walker.create_case()["id"]
    task = walker.task(cid, "t_filing")
    assert walker.add(cid, task, "case_filing").status_code == 201
    barrier = threading.Barrier(2)
    results: list[int] = []

    def complete(user: str) -> None:
        client = app.test_client()
        barrier.wait()
        res = client.post(f"/api/cases/{cid}/tasks/{task['id']}/complete",
                          headers={"Authorization": f"Bearer {agency.tokens[user]}"})
        results.append(res.status_code)

    threads = [threading.Thread(target=complete, args=(u,)) for u in ("officer1", "officer2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409]
    with app.app_context():
        done = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.case_id == cid, AuditEntry.action == "task.completed"))
        next_tasks = db.session.scalar(select(func.count()).select_from(CaseTask).where(
            CaseTask.case_id == cid, CaseTask.spec_name == "t_unit_opinion"))
    assert (done, next_tasks) == (1, 1)
    assert [t["name"] for t in walker.ready(cid)] == ["t_unit_opinion"]


def test_many_concurrent_record_submissions_keep_the_audit_chain_whole(app, walker, agency):
    """Appends from parallel requests never fork the chain (the head row serialises them)."""
    cid = walker.create_case()["id"]
    task = walker.task(cid, "t_filing")
    barrier = threading.Barrier(4)
    codes: list[int] = []

    def add(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        for _ in range(3):
            res = client.post(f"/api/cases/{cid}/tasks/{task['id']}/records",
                              headers={"Authorization": f"Bearer {agency.tokens['officer1']}"},
                              json={"kind": "case_filing", "payload": payload("case_filing", facts=f"并发 {i}")})
            codes.append(res.status_code)

    threads = [threading.Thread(target=add, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes.count(201) == len(codes) == 12
    from webapp.store import audit

    with app.app_context():
        assert audit.verify_chains() == []


def test_records_racing_a_completion_land_before_it_or_get_409(app, walker, agency):
    """No record after the gate: a record is accepted only while its task is open, under the case lock completion
    takes, so the gate's verdict covers every record the task keeps."""
    for n in range(4):
        _race(app, walker, agency, n)


def _race(app, walker, agency, n: int) -> None:
    cid = walker.create_case()["id"]
    task = walker.task(cid, "t_filing")
    assert walker.add(cid, task, "case_filing").status_code == 201
    barrier = threading.Barrier(3)
    completed: list[int] = []
    added: list[int] = []

    def complete() -> None:
        client = app.test_client()
        barrier.wait()
        completed.append(client.post(f"/api/cases/{cid}/tasks/{task['id']}/complete",
                                     headers={"Authorization": f"Bearer {agency.tokens['officer1']}"}).status_code)

    def add(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        for k in range(3):
            res = client.post(f"/api/cases/{cid}/tasks/{task['id']}/records",
                              headers={"Authorization": f"Bearer {agency.tokens['officer2']}"},
                              json={"kind": "case_filing", "payload": payload("case_filing", facts=f"{n}-{i}-{k}")})
            added.append(res.status_code)

    threads = [threading.Thread(target=complete), *(threading.Thread(target=add, args=(i,)) for i in range(2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert completed == [200] and set(added) <= {201, 409} and len(added) == 6
    with app.app_context():
        done = db.session.scalar(select(AuditEntry).where(AuditEntry.case_id == cid,
                                                          AuditEntry.action == "task.completed"))
        seals = list(db.session.scalars(select(AuditEntry.seq).where(AuditEntry.case_id == cid,
                                                                     AuditEntry.action == "record.added")))
        records = list(db.session.scalars(select(Record).where(Record.task_id == task["id"]).order_by(Record.id)))
    assert len(seals) == len(records) == 1 + added.count(201)
    assert all(s < done.seq for s in seals), "a record was stored after the gate had checked the task"
    assert [r.version for r in records] == list(range(1, len(records) + 1))
    assert done.detail["records"] == [[records[-1].id, records[-1].content_hash]]


def test_a_version_is_unique_per_task_and_kind_in_the_database(app, walker):
    cid = walker.create_case()["id"]
    task = walker.task(cid, "t_filing")
    assert walker.add(cid, task, "case_filing").status_code == 201
    with app.app_context():
        r = db.session.scalar(select(Record).where(Record.task_id == task["id"]))
        twin = Record(agency_id=r.agency_id, case_id=r.case_id, task_id=r.task_id, task_name=r.task_name, kind=r.kind,
                      version=r.version, payload=r.payload, author_id=r.author_id, created_at=r.created_at,
                      content_hash=r.content_hash)
        db.session.add(twin)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def _in_the_gap(app, monkeypatch, hold: Callable[[], Any], read: Callable[[], Any]) -> Any:
    """Run ``hold`` (a request writing under the case lock) and ``read`` (another request's read under the lock) so
    that ``hold`` commits after ``read``'s statement took its snapshot but before it reached the case's row: on
    PostgreSQL the read is slowed there, as a busy server may be, and the commit lands in that gap every time (SQLite's
    read waits for the writer's lock).  Returns what ``read`` returned, or the error it raised."""
    statements, guard = completion._statements, service.conflict_guard
    flushed, reading = threading.Event(), threading.Event()

    def slowed(dialect: str):
        made = statements(dialect)
        if dialect != "postgresql":
            return made
        skipping, *rest = made
        # a sleep on each row the scan meets, before the row is locked (a sleep on no column runs after the lock)
        return (skipping.where(func.pg_sleep(1 + 0 * table(Case).c.id).is_not(None)), *rest)

    @contextmanager
    def held(message: str):
        with guard(message):
            yield
            if threading.current_thread().name == "hold":
                flushed.set()  # written under the lock, not yet committed
                reading.wait(10)
                time.sleep(0.4)  # the read has taken its snapshot and sleeps before reaching the row

    monkeypatch.setattr(service, "conflict_guard", held)
    out: list[Any] = []

    def holding() -> None:
        with app.app_context():
            hold()
            db.session.remove()

    def reader() -> None:
        flushed.wait(10)
        with app.app_context():
            monkeypatch.setattr(completion, "_statements", slowed)
            reading.set()
            try:
                out.append(read())
            except Exception as exc:  # noqa: BLE001 - the test judges what the read raised
                out.append(exc)
            db.session.rollback()
            db.session.remove()

    threads = [threading.Thread(target=holding, name="hold"), threading.Thread(target=reader, name="read")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out[0]


def _user(agency, name: str) -> User:
    return db.session.get(User, agency.user_ids[name])


def test_a_record_committed_while_the_completion_reads_is_in_what_its_gate_sees(app, walker, agency, monkeypatch):
    """The read under the case lock sees one moment.  On PostgreSQL a request holding the case that commits after the
    read's snapshot was taken but before the read reaches the case's row makes PostgreSQL lock and return the row as
    committed while the records beside it come from the older snapshot (EvalPlanQual): the gate would not see the
    record.  The read compares the revisions and reads again (:func:`webapp.cases.completion._settled`)."""
    cid = walker.create_case()["id"]
    task = walker.task(cid, "t_filing")
    assert walker.add(cid, task, "case_filing").status_code == 201
    stored: list[int] = []

    def submit() -> None:
        stored.append(service.submit_record(_user(agency, "officer2"), cid, task["id"], "case_filing",
                                            payload("case_filing", facts="更正")).id)

    done = _in_the_gap(app, monkeypatch, submit,
                       lambda: [r.id for r in completion.load(cid, _user(agency, "officer1")).task_records(task["id"])])
    assert len(stored) == 1
    assert stored[0] in done, "the completion's read missed a record committed before it held the case"
    assert len(done) == 2


def test_a_record_for_a_task_completed_while_its_submission_reads_is_refused(app, walker, agency, monkeypatch):
    """A submission knows its task by the task index's row read under the lock; a completion committing in the read's
    gap leaves that row, read from the older snapshot, showing the task ready: the record would be stored after the
    gate had judged the task.  The read is one moment, so the task is seen done and the record refused (409)."""
    cid = walker.create_case()["id"]
    task = walker.task(cid, "t_filing")
    assert walker.add(cid, task, "case_filing").status_code == 201

    refused = _in_the_gap(app, monkeypatch,
                          lambda: service.complete_task(_user(agency, "officer1"), cid, task["id"]),
                          lambda: service.submit_record(_user(agency, "officer2"), cid, task["id"], "case_filing",
                                                        payload("case_filing", facts="迟到的更正")))
    assert isinstance(refused, Conflict), refused
    with app.app_context():
        versions = list(db.session.scalars(select(Record.version).where(Record.task_id == task["id"])))
    assert versions == [1], "a record was stored after its task was completed"
