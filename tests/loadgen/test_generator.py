"""The case generator (issue 7 point 5): real template cases copied in bulk, on SQLite and PostgreSQL.

Copies must be real cases: counted row for row against their templates, every task id new and unique,
the workflow state loadable and able to go on through the JSON API, dates spread back over two years,
the audit chain and every sealed hash still verifying, and no stored file duplicated.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from handlers import clock as clock_module
from tests.support.app import make_agency
from tests.support.walker import Walker
from webapp.db import db
from webapp.engine import runner
from webapp.errors import Invalid
from webapp.evidence import access as media_access
from webapp.loadgen import cloner as case_cloner
from webapp.loadgen.generator import generate
from webapp.models import Case, CaseTask, Deadline, Document, Record, RenderJob, StoredFile
from webapp.store import audit, sealed

pytestmark = pytest.mark.xdist_group("generator")  # its module fixture is built once, on one worker

N = 300


@pytest.fixture(scope="module")
def generated(app):
    agency = make_agency(app)
    lines: list[str] = []
    with app.app_context():
        summary = generate(agency.code, N, seed=7, batch=100, officers=5, echo=lines.append)
        db.session.remove()
    return agency, summary, lines


def _rows(table: sa.Table, case_ids: list[int]) -> int:
    key = table.c.id if table.name == "cases" else table.c.case_id
    return db.session.scalar(select(func.count()).select_from(table).where(key.in_(case_ids))) or 0


def test_every_table_holds_each_template_times_its_copies(app, generated):
    agency, summary, lines = generated
    assert sum(summary.copies.values()) == N - len(summary.templates) and summary.cases == N
    assert lines[-2].startswith(f"已生成 {N}/{N} 件") and "ANALYZE" in lines[-1]
    with app.app_context():
        ids = list(db.session.scalars(select(Case.id).where(Case.agency_id == agency.id)))
        assert len(ids) == N
        copies = sorted(set(ids) - set(summary.templates.values()))
        for table in case_cloner.copied_tables():
            expected = sum(n * _rows(table, [summary.templates[key]]) for key, n in summary.copies.items())
            assert _rows(table, copies) == expected == summary.rows.get(table.name, 0), table.name
        assert summary.rows["records"] > 10 * N and summary.rows["media_items"] > 0 and summary.rows["deadlines"] > 0


def _task_ids(state: str) -> set[str]:
    """Every workflow task id of a case state, its subprocesses' included."""
    dct = json.loads(state)
    return {*dct["tasks"], *(tid for sub in dct["subprocesses"].values() for tid in sub["tasks"])}


def test_copies_have_their_own_task_ids_and_a_state_that_matches_them(app, generated):
    agency, summary, _ = generated
    with app.app_context():
        cases = list(db.session.scalars(select(Case).where(Case.agency_id == agency.id)))
        by_case = {c.id: _task_ids(c.state) for c in cases}
        state_ids = Counter(tid for ids in by_case.values() for tid in ids)
        assert state_ids and max(state_ids.values()) == 1  # no workflow task id shared by two cases
        for model in (CaseTask, Record, Deadline):
            column = model.id if model is CaseTask else model.task_id
            rows = db.session.execute(select(model.case_id, column).where(model.agency_id == agency.id))
            for case_id, task_id in rows:
                assert task_id is None or task_id in by_case[case_id], (model.__tablename__, case_id, task_id)
        for c in cases[::25]:
            wf = runner.load(c)
            ready = {str(t.id) for t in runner.ready_user_tasks(wf)}
            indexed = set(db.session.scalars(select(CaseTask.id).where(CaseTask.case_id == c.id,
                                                                       CaseTask.state == "ready")))
            assert ready == indexed and (c.status == "closed") == wf.is_completed(), c.id


def test_copies_are_spread_over_two_years_with_varied_names_and_officers(app, generated):
    agency, summary, _ = generated
    now = clock_module.now()
    with app.app_context():
        rows = db.session.execute(select(Case.created_at, Case.title, Case.party_name, Case.created_by, Case.status)
                                  .where(Case.agency_id == agency.id)).all()
        ages = [(now - r.created_at).days for r in rows]
        assert min(ages) >= 0 and max(ages) <= 731 and max(ages) - min(ages) > 500
        assert len({r.title for r in rows}) > N // 3 and len({r.party_name for r in rows}) > N // 3
        assert len({r.created_by for r in rows}) == 5
        old = [r.status for r, age in zip(rows, ages, strict=False) if age > 180]
        assert old.count("closed") > 0.8 * len(old)
        numbers = db.session.scalars(select(Document.number).where(Document.agency_id == agency.id)).all()
        assert len(numbers) > N  # 文号 copied with a per-copy mark, so the unique constraint holds


def test_stored_files_are_shared_not_copied(app, generated):
    agency, summary, _ = generated
    with app.app_context():
        files = db.session.scalar(select(func.count()).select_from(StoredFile).where(StoredFile.agency_id == agency.id))
        media = db.session.execute(sa.text("SELECT count(*), count(DISTINCT sha256) FROM media_items "
                                           "WHERE agency_id = :a"), {"a": agency.id}).one()
        # the template cases' own files only (their 文书 — each signed, so never two alike — the 电子案卷 and uploads),
        # far fewer than the N copies would need if files were copied
        assert media[0] > 20 and media[1] <= 2 and files < 90


def test_running_counts_include_the_copies(app, generated):
    from tests.cases.test_status_counts import counted, grouped

    agency, _, _ = generated
    with app.app_context():
        assert counted(agency.id) == grouped(agency.id) and sum(counted(agency.id)["case"].values()) == N


def test_audit_chain_records_and_media_rows_verify(app, generated):
    with app.app_context():
        assert audit.verify_chains() == []
        assert sealed.verify_records() == []
        assert media_access.verify_rows() == []


def test_a_copied_open_case_goes_on_through_the_api(app, client, generated):
    agency, summary, _ = generated
    with app.app_context():
        template = summary.templates["decision"]
        template_title = db.session.get(Case, template).title
        copy = db.session.scalar(select(Case.id).join(CaseTask, CaseTask.case_id == Case.id).where(
            Case.agency_id == agency.id, Case.id != template, Case.status == "open",
            CaseTask.spec_name == "t_approval", CaseTask.state == "ready").limit(1))
        db.session.remove()
    walker = Walker(client, agency.tokens)
    case = walker.case(copy)
    assert case["title"] != template_title
    walker.do(copy, "t_approval", {"decision_approval": None})
    assert [t["name"] for t in walker.ready(copy)] == ["t_decision"]
    with app.app_context():
        assert audit.verify_chains() == [] and sealed.verify_records() == []
        # the copy's next 审批表 is sealed under the copy's own 案号, not its template's (which would collide)
        numbers = dict(db.session.execute(select(Document.kind, Document.number).where(
            Document.case_id == copy, Document.kind.in_(["case_filing", "decision_approval"]))).all())
        template_no = db.session.scalar(select(Document.number).where(Document.case_id == template,
                                                                      Document.kind == "case_filing"))
        assert numbers["decision_approval"].split("·")[0] == numbers["case_filing"].split("·")[0]
        assert numbers["case_filing"].split("·")[0] != template_no.split("·")[0]
        assert not db.session.scalars(select(RenderJob).where(RenderJob.case_id == copy,
                                                              RenderJob.document_id.is_(None))).all()


def test_too_few_cases_for_the_templates_is_refused(app):
    agency = make_agency(app)
    with app.app_context(), pytest.raises(Invalid, match="至少为样板案件数"):
        generate(agency.code, 3, echo=lambda _: None)


def test_copied_open_deadlines_are_overdue_when_old(app, generated):
    agency, _, _ = generated
    with app.app_context():
        now = clock_module.now()
        due = db.session.scalars(select(Deadline.due_at).where(Deadline.agency_id == agency.id,
                                                               Deadline.status == "open")).all()
        assert due and any(d < now - dt.timedelta(days=30) for d in due)
