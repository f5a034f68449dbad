"""Two users completing the same task at once: exactly one step, one 200 and one 409."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from webapp.db import db
from webapp.loadgen.payloads import payload
from webapp.models import AuditEntry, CaseTask


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
