"""Documents are queued in the completing transaction and rendered after it; a failed render is retried."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support.app import migrated_app
from webapp.db import db
from webapp.loadgen.flows import file_case
from webapp.models import Document, RenderJob

pytestmark = pytest.mark.usefixtures("drain_render_queue")  # what a test leaves queued is rendered after it


def _jobs(app, cid):
    with app.app_context():
        return [(j.kind, j.document_id is not None, j.last_error) for j in
                db.session.scalars(select(RenderJob).where(RenderJob.case_id == cid).order_by(RenderJob.id))]


def test_completion_queues_and_renders_its_documents(app, walker):
    cid = file_case(walker)
    jobs = _jobs(app, cid)
    assert jobs and all(done for _, done, _ in jobs)
    with app.app_context():
        assert db.session.scalar(select(Document.kind).where(Document.case_id == cid)) == jobs[0][0]


def test_a_failed_render_keeps_the_task_done_and_is_retried_by_the_cli(app, walker, monkeypatch):
    import documents

    real = documents.render
    monkeypatch.setattr(documents, "render", lambda *a, **k: (_ for _ in ()).throw(OSError("字体缺失")))
    cid = file_case(walker)
    assert [t["name"] for t in walker.ready(cid)] == ["t_plan"]
    [(kind, done, error)] = _jobs(app, cid)
    assert not done and "字体缺失" in error
    monkeypatch.setattr(documents, "render", real)
    result = app.test_cli_runner().invoke(args=["liuhen", "render-pending"])
    assert result.exit_code == 0, result.output
    assert _jobs(app, cid)[0][1] is True, (result.output, _jobs(app, cid))


def test_after_a_crash_queued_documents_are_reported_and_rendered_when_the_web_process_starts(
        app, walker, agency, clock, database_url, tmp_path_factory, monkeypatch):
    """A process killed between the completion's commit and the render leaves the job queued: ``verify`` names
    it once it has waited too long, and the next web process renders it without anyone running a command."""
    monkeypatch.setitem(app.config, "LIUHEN_RENDER_INLINE", False)  # the process dies right after the commit
    cid = file_case(walker)
    [(kind, done, _)] = _jobs(app, cid)
    assert not done
    clock.advance(minutes=31)
    result = app.test_cli_runner().invoke(args=["liuhen", "verify"])
    assert result.exit_code == 1 and f"文书 {kind}" in result.output and "排队超过 30 分钟仍未制作" in result.output
    same = {k: app.config[k] for k in ("LIUHEN_FILE_STORE", "LIUHEN_SIGNING_KEY_FILE")}
    with migrated_app(database_url, tmp_path_factory, clock, LIUHEN_RENDER_AT_START=True, **same) as restarted:
        restarted.test_client().get("/api/me")
        restarted.extensions["liuhen.render_thread"].join(60)
    assert _jobs(app, cid)[0][1] is True
    assert app.test_cli_runner().invoke(args=["liuhen", "verify"]).exit_code == 0
