"""Running counts of cases and deadlines per status (database triggers), on SQLite and PostgreSQL.

The supervision figures read them instead of counting every case; they must equal a count of the rows
whatever changes the rows — the case service, a direct UPDATE, a rolled-back transaction.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import func, select

from webapp.cases import deadlines
from webapp.db import db
from webapp.loadgen.flows import decide_and_close, file_case, investigate, report_to_statement
from webapp.models import Case, Deadline, StatusCount
from webapp.supervision import figures as supervision


def grouped(agency_id: int) -> dict[str, dict[tuple[str, str], int]]:
    """The counts by a GROUP BY over the rows themselves."""
    cases = db.session.execute(select(Case.process_id, Case.status, func.count()).where(Case.agency_id == agency_id)
                               .group_by(Case.process_id, Case.status)).all()
    dues = db.session.execute(select(Deadline.status, func.count()).where(Deadline.agency_id == agency_id)
                              .group_by(Deadline.status)).all()
    return {"case": {(p, s): n for p, s, n in cases}, "deadline": {("", s): n for s, n in dues}}


def counted(agency_id: int) -> dict[str, dict[tuple[str, str], int]]:
    """The running counts, zero rows left out."""
    out: dict[str, dict[tuple[str, str], int]] = {"case": {}, "deadline": {}}
    for row in db.session.scalars(select(StatusCount).where(StatusCount.agency_id == agency_id, StatusCount.n != 0)):
        out[row.subject][(row.process_id, row.status)] = row.n
    return out


def _emergency(walker) -> int:
    """A case started in an emergency, its 24-hour 补报 deadline running."""
    cid = walker.create_case(emergency=True)["id"]
    walker.do(cid, "t_emergency", {"emergency_start": None})
    return cid


def test_counts_follow_cases_and_deadlines_through_the_service(app, walker, agency):
    closed = file_case(walker)
    investigate(walker, closed)
    report_to_statement(walker, closed)
    decide_and_close(walker, closed)
    _emergency(walker)
    file_case(walker)
    with app.app_context():
        counts = counted(agency.id)
        assert counts == grouped(agency.id)
        assert counts["case"] == {("general_procedure", "open"): 2, ("general_procedure", "closed"): 1}
        assert sum(counts["deadline"].values()) >= 2 and ("", "open") in counts["deadline"]
        assert supervision.cases_by_procedure(agency.id) == {"general_procedure": {"open": 2, "closed": 1}}
        figures = deadlines.counts(agency.id)
        assert {s: figures[s] for s, in [("open",), ("met",), ("late",)]} == {
            s: counts["deadline"].get(("", s), 0) for s in ("open", "met", "late")}


def test_counts_follow_changes_made_outside_the_service_and_ignore_rollbacks(app, walker, agency):
    cid = _emergency(walker)
    with app.app_context():
        before = counted(agency.id)
        assert before["deadline"] == {("", "open"): 1}
        db.session.execute(sa.update(Case).where(Case.id == cid).values(status="closed"))
        db.session.rollback()
        assert counted(agency.id) == before
        db.session.execute(sa.update(Case).where(Case.id == cid).values(status="closed"))
        db.session.execute(sa.update(Deadline).where(Deadline.case_id == cid).values(status="cancelled"))
        db.session.commit()
        after = counted(agency.id)
        assert after == grouped(agency.id) and after != before
        assert after["case"][("general_procedure", "closed")] == 1
        assert after["deadline"] == {("", "cancelled"): 1}
        db.session.execute(sa.update(Case).where(Case.id == cid).values(status="open"))
        db.session.execute(sa.update(Deadline).where(Deadline.case_id == cid).values(status="open"))
        db.session.commit()
        assert counted(agency.id) == before == grouped(agency.id)
