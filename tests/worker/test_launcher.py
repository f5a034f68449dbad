"""``make run``'s server: ``flask liuhen serve`` starts gunicorn and the worker; a case completed over HTTP through two
gunicorn processes, with the worker running two processes (``LIUHEN_WORKER_PROCESSES``) and a second worker beside
it, gets its 文书 rendered by the workers exactly once; SIGHUP restarts the web workers gracefully; Ctrl-C stops every
process, the worker's own included."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter

import requests
from sqlalchemy import select

from tests.support.http import HttpClient, free_port
from tests.support.walker import Walker
from webapp.db import db
from webapp.loadgen.flows import file_case, investigate
from webapp.models import Document, RenderJob, WorkerHeartbeat

FLASK = [sys.executable, "-m", "flask", "--app", "webapp:create_app", "liuhen"]


def _env(app, database_url: str, tmp_path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "LIUHEN_INSTANCE": str(tmp_path),
            "LIUHEN_FILE_STORE": app.config["LIUHEN_FILE_STORE"], "LIUHEN_STORAGE": "local",
            "LIUHEN_SIGNING_KEY_FILE": app.config["LIUHEN_SIGNING_KEY_FILE"], "LIUHEN_SECRET_KEY": "test",
            # the shared test database holds other tests' agencies: no scheduled verify or purge over them
            "LIUHEN_TICK_MINUTES": "0", "LIUHEN_PURGE_MINUTES": "0", "LIUHEN_VERIFY_MINUTES": "0",
            "LIUHEN_VERIFY_FULL_MINUTES": "0",
            "LIUHEN_WORKER_POLL_SECONDS": "0.2"}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _children(pid: int) -> set[int]:
    return {int(c) for c in open(f"/proc/{pid}/task/{pid}/children").read().split()}


def _wait(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _up(base: str) -> bool:
    try:
        return requests.get(f"{base}/login", timeout=10).status_code == 200
    except requests.RequestException:  # not listening yet, or still booting its workers
        return False


def test_serve_runs_gunicorn_and_the_worker_renders_exactly_once_reloads_on_hup_and_ctrl_c_stops_both(app, agency, database_url,
                                                                                          tmp_path):
    env, port = _env(app, database_url, tmp_path), free_port()
    launcher = subprocess.Popen([*FLASK, "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
                                env={**env, "LIUHEN_WORKER_PROCESSES": "2"}, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
    second = subprocess.Popen([*FLASK, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        first = launcher.stdout.readline()
        pids = [int(p) for p in re.findall(r"pid (\d+)", first)]
        assert "网页服务" in first and "后台服务" in first and len(pids) == 2, first
        base = f"http://127.0.0.1:{port}"
        assert _wait(lambda: _up(base), 60), "gunicorn did not answer"
        assert "gunicorn" in open(f"/proc/{pids[0]}/cmdline").read()  # not the Flask development server
        assert _wait(lambda: len(_children(pids[1])) == 1, 60), "the worker did not start its second process"
        [helper] = _children(pids[1])
        assert "--processes\x001" in open(f"/proc/{helper}/cmdline").read()

        walker = Walker(HttpClient(base), agency.tokens)
        cid = file_case(walker)
        investigate(walker, cid)

        def rendered() -> bool:
            with app.app_context():
                jobs = list(db.session.scalars(select(RenderJob).where(RenderJob.case_id == cid)))
                db.session.remove()
            return bool(jobs) and all(j.document_id for j in jobs)

        assert _wait(rendered, 120), "the workers did not render the case's 文书"
        with app.app_context():
            jobs = list(db.session.scalars(select(RenderJob).where(RenderJob.case_id == cid)))
            docs = list(db.session.scalars(select(Document).where(Document.case_id == cid)))
            assert sorted(d.id for d in docs) == sorted(j.document_id for j in jobs)
            assert max(Counter((d.kind, d.task_id) for d in docs).values()) == 1 and all(j.attempts == 1 for j in jobs)
            db.session.remove()

        def beating() -> set[str]:
            with app.app_context():
                workers = {w.rsplit(":", 1)[-1] for w in db.session.scalars(select(WorkerHeartbeat.worker))}
                db.session.remove()
            return workers

        # three render processes poll (the second worker, started beside, at its own pace on a busy machine)
        assert _wait(lambda: {str(pids[1]), str(helper), str(second.pid)} <= beating(), 60), beating()
        # the render processes yield the cores to the web (LIUHEN_WORKER_NICE, 10 by default; absolute, not added
        # again by the helper), gunicorn keeps its own priority
        assert [os.getpriority(os.PRIO_PROCESS, p) for p in (pids[1], helper, second.pid)] == [10, 10, 10]
        assert os.getpriority(os.PRIO_PROCESS, pids[0]) == os.getpriority(os.PRIO_PROCESS, 0)

        # graceful restart: SIGHUP to the launcher reaches gunicorn, which replaces its workers and keeps serving
        before = _children(pids[0])
        assert len(before) == 2
        launcher.send_signal(signal.SIGHUP)
        assert _wait(lambda: len(_children(pids[0])) == 2 and not _children(pids[0]) & before, 60)
        assert _wait(lambda: _up(base), 30) and launcher.poll() is None

        launcher.send_signal(signal.SIGINT)
        assert launcher.wait(60) == 0
        assert not [p for p in (*pids, helper) if _alive(p)]
        assert "已停止" in launcher.stdout.read()
    finally:
        for p in (launcher, second):
            if p.poll() is None:
                p.terminate()
                p.wait(30)
