"""Operations: /healthz for load balancers (200 while the database and file store answer, 503 when one fails), the
Prometheus figures at /metrics for the monitoring system only, and one JSON log line per request."""
from __future__ import annotations

import io
import json
import logging
import re
import shutil

from flask import Flask
from sqlalchemy import delete

from tests.support.app import LONG_SESSIONS
from webapp import create_app, logs
from webapp.db import db
from webapp.loadgen.flows import file_case
from webapp.models import WorkerHeartbeat
from webapp.store.files import LocalStore
from webapp.worker.service import Worker


def test_healthz_reports_database_files_worker_and_verify_and_fails_when_the_file_store_is_gone(app, client, tmp_path):
    with app.app_context():
        # the newest heartbeat counts: another test's worker may have beaten at a later moment of the shared clock
        db.session.execute(delete(WorkerHeartbeat))
        worker = Worker([], name="health-worker")
        worker.beat(None)
        db.session.commit()
        db.session.remove()
    res = client.get("/healthz")
    body = res.get_json()
    assert res.status_code == 200 and body["checks"]["database"]["ok"] and body["checks"]["files"]["ok"]
    assert body["checks"]["worker"]["ok"] and body["checks"]["worker"]["age_seconds"] == 0
    assert set(body["checks"]["verify"]) >= {"ok", "at", "problems"}
    with app.app_context():
        worker.leave()
        db.session.remove()

    real = app.extensions["liuhen.files"]
    gone = tmp_path / "files"
    app.extensions["liuhen.files"] = LocalStore(gone)
    shutil.rmtree(gone)  # the disk holding the file store was unmounted
    try:
        res = client.get("/healthz")
    finally:
        app.extensions["liuhen.files"] = real
    assert res.status_code == 503 and res.get_json()["status"] == "fail"
    assert not res.get_json()["checks"]["files"]["ok"] and "files" in res.get_json()["checks"]["files"]["error"]


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    down: Flask = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "postgresql://postgres@127.0.0.1:9/none",
                              "LIUHEN_FILE_STORE": str(tmp_path / "files"), "SECRET_KEY": "test",
                              "LIUHEN_SIGNING_KEY_FILE": str(tmp_path / "key.pem"), **LONG_SESSIONS})
    res = down.test_client().get("/healthz")
    assert res.status_code == 503 and res.get_json()["checks"]["database"]["ok"] is False


def test_metrics_only_for_the_monitoring_token_or_an_administrator_and_count_completions(app, client, agency, walker,
                                                                                        monkeypatch):
    monkeypatch.setitem(app.config, "LIUHEN_METRICS_TOKEN", "s3cret-metrics")
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert walker.call("get", "/metrics", "officer1").status_code == 403

    def completions() -> float:
        res = client.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics"})
        assert res.status_code == 200
        return float(re.search(r"^liuhen_task_completions_total (\S+)$", res.get_data(as_text=True), re.M).group(1))

    before = completions()
    file_case(walker)  # three completed tasks
    assert completions() == before + 3
    text = walker.call("get", "/metrics", "admin1").get_data(as_text=True)
    for name in ("liuhen_request_seconds_bucket", "liuhen_render_queue_depth", "liuhen_render_queue_oldest_seconds",
                 "liuhen_verify_problems", "liuhen_worker_heartbeat_age_seconds"):
        assert name in text, name
    assert re.search(r'liuhen_request_seconds_count\{endpoint="api\.complete",method="POST",status="200"\} [1-9]', text)


def test_each_request_is_one_json_log_line_with_its_id_user_agency_and_duration(app, client, agency):
    stream, root = io.StringIO(), logging.getLogger()
    level = root.level
    handler = logs.configure(stream=stream)
    try:
        res = client.get("/api/me", headers={"Authorization": f"Bearer {agency.tokens['officer1']}",
                                             "X-Request-ID": "req-42"})
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    assert res.status_code == 200 and res.headers["X-Request-ID"] == "req-42"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    [line] = [x for x in lines if x.get("event") == "request"]
    assert line["request_id"] == "req-42" and line["user"] == agency.usernames["officer1"]
    assert line["agency_id"] == agency.id and line["status"] == 200 and line["path"] == "/api/me"
    assert isinstance(line["duration_ms"], float) and line["level"] == "info" and "timestamp" in line
