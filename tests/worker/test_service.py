"""The worker service: completion never waits for a PDF (the case page says 生成中), several workers render a case's
文书 exactly once, failures are kept with their error and retried after a back-off, a killed worker loses nothing,
scheduled jobs run once per period whoever runs them, and the administrator sees it all on 后台任务."""
from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

import documents
from tests.support.web_client import web
from webapp.cli import scheduled_jobs
from webapp.db import db
from webapp.loadgen.flows import file_case, investigate, report_to_statement
from webapp.models import Document, RenderJob, ScheduledJob, WorkerHeartbeat
from webapp.worker import sealing
from webapp.worker.service import JOB_TITLES, Findings, Scheduled, Worker

pytestmark = pytest.mark.usefixtures("drain_render_queue")  # what a test leaves queued is rendered after it


@pytest.fixture()
def deferred(app, monkeypatch):
    """Production's setting: the request only queues the 文书."""
    monkeypatch.setitem(app.config, "LIUHEN_RENDER_INLINE", False)


def _jobs(app, cid):
    with app.app_context():
        rows = list(db.session.scalars(select(RenderJob).where(RenderJob.case_id == cid).order_by(RenderJob.id)))
        db.session.remove()
        return rows


def test_two_workers_render_a_cases_documents_exactly_once_and_the_case_page_says_generating(app, agency, walker,
                                                                                              deferred):
    cid = file_case(walker)
    investigate(walker, cid)
    report_to_statement(walker, cid)
    queued = _jobs(app, cid)
    assert len(queued) >= 3 and all(j.document_id is None for j in queued)  # the completions did not render
    page = web(app, agency, "officer1").text(f"/cases/{cid}")
    titles = [documents.kind(j.kind).title_in("culture") for j in queued]  # as Fushun's 范本 titles them, sealed or not
    assert "调查询问笔录" in titles and page.count("生成中") == len(queued) and all(t in page for t in titles)

    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(name: str) -> None:
        with app.app_context():
            try:
                barrier.wait()
                Worker([], name=name).run_once()
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(f"test-worker-{i}",)) for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    done = _jobs(app, cid)
    assert all(j.document_id is not None and j.attempts == 1 for j in done)
    with app.app_context():
        docs = list(db.session.scalars(select(Document).where(Document.case_id == cid)))
        assert sorted(d.id for d in docs) == sorted(j.document_id for j in done)  # one document per job, no more
        assert Counter((d.kind, d.task_id) for d in docs).most_common(1)[0][1] == 1 and {d.version for d in docs} == {1}
        assert {j.claimed_by for j in done} <= {"test-worker-1", "test-worker-2"}
        beats = db.session.scalars(select(WorkerHeartbeat.worker).where(WorkerHeartbeat.worker.like("test-worker-%")))
        assert sorted(beats) == ["test-worker-1", "test-worker-2"]
        db.session.remove()
    page = web(app, agency, "officer1").text(f"/cases/{cid}")
    assert "生成中" not in page and all(t in page for t in titles)


def test_a_failed_render_is_kept_with_its_error_retried_after_back_off_and_shown_to_the_administrator(
        app, agency, walker, deferred, clock, monkeypatch):
    real = documents.render
    monkeypatch.setattr(documents, "render", lambda *a, **k: (_ for _ in ()).throw(OSError("字体缺失")))
    cid = file_case(walker)
    worker = Worker([], name="test-backoff")
    with app.app_context():
        worker.run_once()
        db.session.remove()
    [job] = _jobs(app, cid)
    assert job.document_id is None and "字体缺失" in job.last_error and job.attempts == 1
    assert job.not_before == clock.now() + sealing.BACKOFF and job.claimed_by is None
    page = web(app, agency, "admin1").text("/admin/worker")
    assert "字体缺失" in page and "制作失败待重试" in page and "立案" in page

    monkeypatch.setattr(documents, "render", real)
    with app.app_context():
        worker.run_once()  # still backing off: not tried again yet
        db.session.remove()
    assert _jobs(app, cid)[0].attempts == 1
    clock.advance(seconds=31)
    with app.app_context():
        worker.run_once()
        worker.leave()
        db.session.remove()
    [job] = _jobs(app, cid)
    assert job.document_id is not None and job.attempts == 2 and job.last_error is None


def test_a_worker_killed_mid_job_loses_nothing(app, walker, deferred, clock):
    """The killed worker's claim stays on the row and its render transaction is gone; once the claim is older than
    the lease another worker renders the job, and the dead worker can no longer mark it done."""
    cid = file_case(walker)
    with app.app_context():
        job_id = sealing.claim_next("dead-worker", cid)
        db.session.remove()  # killed here: nothing committed after the claim
    assert job_id is not None
    with app.app_context():
        assert sealing.render_pending(cid, worker="other", ignore_backoff=False) == (0, 0)  # still claimed
        clock.advance(minutes=6)
        assert sealing.render_pending(cid, worker="other", ignore_backoff=False) == (1, 0)
        db.session.remove()
    [job] = _jobs(app, cid)
    assert job.document_id is not None and job.claimed_by == "other" and job.attempts == 2


def test_a_scheduled_job_runs_once_per_period_whoever_runs_it_and_a_failure_backs_off(app, clock):
    runs: list[str] = []
    name = f"test-job-{id(runs)}"

    def flaky() -> str:
        runs.append("run")
        if len(runs) == 2:
            raise RuntimeError("数据库暂不可用")
        return "完成"

    job = Scheduled(name, dt.timedelta(minutes=10), flaky)
    a, b = Worker([job], name="sched-a"), Worker([job], name="sched-b")
    with app.app_context():
        assert a.run_scheduled(job) == 1 and b.run_scheduled(job) == 0  # b finds it not due
        clock.advance(minutes=10)
        assert b.run_scheduled(job) == 1
        row = db.session.get(ScheduledJob, name, populate_existing=True)
        assert row.ok is False and row.failures == 1 and "数据库暂不可用" in row.last_error
        assert row.next_run_at == clock.now() + sealing.BACKOFF  # retried sooner than the 10-minute period
        clock.advance(seconds=30)
        assert a.run_scheduled(job) == 1
        row = db.session.get(ScheduledJob, name, populate_existing=True)
        assert row.ok is True and row.failures == 0 and row.summary == "完成" and row.worker == "sched-a"
        db.session.remove()
    assert runs == ["run"] * 3

    def finds() -> str:
        raise Findings("校验发现 1 项问题")

    audit_like = Scheduled(f"{name}-verify", dt.timedelta(minutes=60), finds)
    with app.app_context():
        assert a.run_scheduled(audit_like) == 1
        row = db.session.get(ScheduledJob, audit_like.name, populate_existing=True)
        # problems found are not a fault of the job: no faster retry, the next run keeps the schedule
        assert row.ok is False and row.last_error == "校验发现 1 项问题" and row.next_run_at == clock.now() + audit_like.every
        db.session.remove()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ScheduledJob).where(ScheduledJob.name == name)) == 1
        db.session.remove()


def test_every_scheduled_job_has_a_chinese_name_on_the_administrators_page(app, monkeypatch):
    """The 定时任务 table used to show ``notify``, ``supervision`` and ``verify-full`` as the machine names them."""
    for key in [k for k in app.config if k.startswith("LIUHEN_") and k.endswith("_MINUTES")]:
        monkeypatch.setitem(app.config, key, 1)
    with app.app_context():
        names = {job.name for job in scheduled_jobs()}
    assert len(names) == 6 and names == set(JOB_TITLES)
    assert all(any("\u4e00" <= c <= "\u9fff" for c in title) for title in JOB_TITLES.values())
