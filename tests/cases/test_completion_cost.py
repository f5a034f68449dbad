"""What a task completion costs the database, counted (issue 15 point 4): the SQL statements ``complete_task``
sends, seen through SQLAlchemy's ``before_cursor_execute`` — a count, not a timing, the same on every run.

The general procedure is walked through the service layer as a request would: the records of each task are
submitted, the user is loaded (as signing in loads it), then only the completion is counted.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select, text

from webapp.cases import service as cases
from webapp.db import db
from webapp.engine import runner
from webapp.loadgen import flows
from webapp.loadgen.flows import substitute
from webapp.loadgen.payloads import T, payload
from webapp.loadgen.walker import ROLE_USER, ServiceWalker
from webapp.models import AuditEntry, Case, CaseScore, CaseTask, Deadline, RenderJob, StepReview, User
from webapp.store import audit

#: the plain step (询问): one read under the lock, the task index (one upsert: the done row and the new ones), one 文书
#: queued, the 案卷评查 (the case's score follows from it by the row's trigger), the case's new state, the audit head
#: and entry
PLAIN = 7
#: the most any step of the general procedure costs, the issue's bound (t_approval: a period opened, from an earlier
#: step's end the read under the lock brought; t_decision: a period closed)
MOST = 8
# (归档 in a case that holds a supporting 文书 — 询问通知书, 电子数据提取笔录 … — reads the steps' titles and sealed
# numbers for 案卷评查 in one statement more; the walk below holds none)


@contextmanager
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


class CountingWalker(ServiceWalker):
    """The service walker, counting the statements of each completion (and nothing before it)."""

    def __init__(self, users: dict[str, User]) -> None:
        super().__init__(users)
        self.counts: list[tuple[str, int, list[str]]] = []

    def do(self, case_id: int, name: str, records: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
        task = self.task(case_id, name)
        user = self.users[ROLE_USER[task["role"]]]
        for kind, data in records.items():
            cases.submit_record(user, case_id, task["id"], kind, substitute(data, self.sha) if data else payload(kind))
        assert user.roles  # loaded, as signing in loads the user of a request
        with statements() as seen:
            cases.complete_task(user, case_id, task["id"])
        self.counts.append((name, len(seen), list(seen)))
        return {"id": case_id}


def _walk(app: Any, agency: Any, monkeypatch: Any, clock: Any) -> tuple[int, list[tuple[str, int, list[str]]]]:
    # the sample records' dates (the day a case ends, for the archive period) are the walk's day: no period is late
    clock.set(dt.datetime.fromisoformat(T) + dt.timedelta(hours=1))
    monkeypatch.setitem(app.config, "LIUHEN_RENDER_INLINE", False)  # 文书 are the worker's (drain_render_queue)
    with app.app_context():
        users = {k: db.session.get(User, i) for k, i in agency.user_ids.items()}
        w = CountingWalker(users)
        cid = flows.file_case(w)
        flows.investigate(w, cid)
        flows.report_to_statement(w, cid)
        flows.decide_and_close(w, cid)
        db.session.remove()
    return cid, w.counts


def test_a_completion_costs_a_bounded_number_of_statements(app, agency, monkeypatch, clock, drain_render_queue):
    _, counts = _walk(app, agency, monkeypatch, clock)
    by_task = {name: n for name, n, _ in counts}
    detail = "\n".join(f"{n:3d} {name}" for name, n, _ in counts)
    assert by_task["t_inquiry"] <= PLAIN, detail
    assert max(by_task.values()) <= MOST, detail
    # the statements are the completion's own: no re-reading of the task index, the deadlines, the timers or
    # the strays beyond the audit head, no lazy load of the 130 KB diagram spec
    inquiry = next(s for name, _, s in counts if name == "t_inquiry")
    first, rest = inquiry[0], inquiry[1:]  # SQLite: UPDATE … RETURNING (its write lock); PostgreSQL: FOR UPDATE
    assert all(table in first for table in ("cases", "records", "audit_heads", "compliance_exceptions")), first
    assert not any(s.lstrip().upper().startswith("SELECT") for s in rest), rest
    assert not any("diagram_versions" in s.split("WHERE")[0] for s in inquiry)


def test_the_cheaper_completion_writes_what_the_listeners_wrote(app, agency, monkeypatch, clock, drain_render_queue):
    """The one pass keeps every effect: index rows, periods opened and closed, one review per step with the case's
    running score, the 文书 queued, and an audit chain that verifies."""
    cid, counts = _walk(app, agency, monkeypatch, clock)
    with app.app_context():
        tasks = list(db.session.scalars(select(CaseTask).where(CaseTask.case_id == cid)))
        reviews = list(db.session.scalars(select(StepReview).where(StepReview.case_id == cid)))
        score = db.session.scalar(select(CaseScore).where(CaseScore.case_id == cid))
        periods = list(db.session.scalars(select(Deadline).where(Deadline.case_id == cid)))
        sealed = list(db.session.scalars(select(AuditEntry.detail).where(AuditEntry.case_id == cid,
                                                                         AuditEntry.action == "task.completed")))
        jobs = list(db.session.scalars(select(RenderJob).where(RenderJob.case_id == cid)))
        assert all(t.state == "completed" and t.completed_at and t.completed_by for t in tasks)
        assert len(tasks) == len(counts) == len(reviews)
        assert score is not None and (score.steps, score.checks, score.passed) == (
            len(reviews), sum(r.checks for r in reviews), sum(r.passed for r in reviews))
        assert round(score.score, 6) == round(100.0 * score.passed / score.checks, 6)
        assert periods and all(p.status in ("met", "late") and p.closed_at for p in periods)
        assert {t.id for t in tasks if t.due_at} == {p.task_id for p in periods}
        assert len(jobs) >= 5 and all(j.document_id is None for j in jobs)  # queued, not rendered in the request
        assert sorted(d["task_id"] for d in sealed) == sorted(t.id for t in tasks)
        assert audit.verify_chains() == []
        db.session.remove()


def test_a_record_is_submitted_without_restoring_the_workflow(app, agency, monkeypatch, clock, drain_render_queue):
    """A submission knows its task by the task index's row, which the read under the lock brings (the row is written
    with the workflow state in one transaction): the workflow — a third of a submission's time — is not restored."""
    from webapp.engine import runner

    seen = {"submitted": 0, "restored": 0}
    inside = [False]
    real_restore, real_submit = runner.restore, cases.submit_record

    def restore(*args: Any) -> Any:
        seen["restored"] += inside[0]
        return real_restore(*args)

    def submit(*args: Any, **kwargs: Any) -> Any:
        inside[0] = True
        seen["submitted"] += 1
        try:
            return real_submit(*args, **kwargs)
        finally:
            inside[0] = False

    monkeypatch.setattr(runner, "restore", restore)
    monkeypatch.setattr(cases, "submit_record", submit)
    _walk(app, agency, monkeypatch, clock)
    assert seen == {"submitted": seen["submitted"], "restored": 0} and seen["submitted"] > 10


def test_the_workflow_state_a_completion_writes_is_stored_compactly(app, walker):
    """PostgreSQL stores the 15–25 KB state every completion rewrites with lz4 (quicker than the default pglz, and
    smaller); SQLite keeps it as the text it is.  Either way it reads back as written."""
    cid = walker.create_case()["id"]
    task = walker.task(cid, "t_filing")
    assert walker.add(cid, task, "case_filing").status_code == 201
    assert walker.complete(cid, task).status_code == 200
    with app.app_context():
        case = db.session.get(Case, cid)
        if db.engine.dialect.name == "postgresql":
            method = db.session.scalar(text("SELECT pg_column_compression(state) FROM cases WHERE id = :id"), {"id": cid})
            assert method == "lz4"
        assert runner.load(case).get_next_task(spec_name="t_unit_opinion") is not None
        db.session.remove()
