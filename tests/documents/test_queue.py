"""Documents are queued in the completing transaction and rendered after it; a failed render is retried."""
from __future__ import annotations

from sqlalchemy import select

from webapp.db import db
from webapp.loadgen.flows import file_case
from webapp.models import Document, RenderJob


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
    assert _jobs(app, cid)[0][1] is True
