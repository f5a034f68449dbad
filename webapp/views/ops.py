"""For operators and their tools: ``GET /healthz`` (load balancers, monitoring) and ``GET /metrics`` (Prometheus).

``/healthz`` answers 503 when this web process cannot serve (the database or the file store fails) and 200
otherwise; the worker's heartbeat and the last ``verify`` are reported in the JSON (``status: degraded`` when the
worker is down or verify found problems) but do not take the web node out of a load balancer — every node would
fail together.  ``/metrics`` is for the monitoring system only: a bearer token (``LIUHEN_METRICS_TOKEN``) or a
signed-in 机构管理员.
"""
from __future__ import annotations

import datetime as dt
import hmac
import os
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask_login import current_user
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import REGISTRY, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from handlers import clock
from webapp import store
from webapp.db import db
from webapp.errors import Forbidden
from webapp.models import Deadline, IntegrityCheck
from webapp.store.s3 import STORAGE_ERRORS
from webapp.worker.service import last_heartbeat, queue

bp = Blueprint("ops", __name__)
ABSENT = "0" * 64  # a hash no file has: asking the store for it exercises the store without reading anything


def _check(name: str, probe: Any) -> dict[str, Any]:
    try:
        return {"ok": True, **(probe() or {})}
    except (Exception, *STORAGE_ERRORS) as exc:  # noqa: BLE001 - any failure is the answer
        db.session.rollback()
        current_app.logger.warning("健康检查 %s 失败：%s", name, exc)
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


def _database() -> dict[str, Any]:
    db.session.execute(select(1))
    return {"dialect": db.engine.dialect.name}


def _files() -> dict[str, Any]:
    files = store.current()
    files.exists(ABSENT)
    root = getattr(files, "root", None)
    if root is not None and not os.access(root, os.W_OK):
        raise PermissionError(f"文件库目录不可写：{root}")
    return {"kind": type(files).__name__}


def _worker() -> dict[str, Any]:
    beat = last_heartbeat()
    age = (clock.now() - beat).total_seconds() if beat else None
    ok = age is not None and age <= current_app.config["LIUHEN_WORKER_STALE_SECONDS"]
    return {"ok": ok, "last_heartbeat": beat.isoformat() if beat else None,
            "age_seconds": round(age, 1) if age is not None else None}


def last_verify() -> tuple[dt.datetime | None, int]:
    """When ``verify`` last ran and how many problems that run found (over all agencies)."""
    at = db.session.scalar(select(func.max(IntegrityCheck.at)))
    if at is None:
        return None, 0
    return at, db.session.scalar(select(func.coalesce(func.sum(IntegrityCheck.problems), 0))
                                 .where(IntegrityCheck.at == at)) or 0


def _verify() -> dict[str, Any]:
    at, problems = last_verify()
    return {"ok": at is not None and problems == 0, "at": at.isoformat() if at else None, "problems": problems}


@bp.get("/healthz")
def healthz() -> Any:
    checks = {"database": _check("database", _database), "files": _check("files", _files)}
    serving = all(c["ok"] for c in checks.values())
    if serving:
        checks["worker"] = _check("worker", _worker)
        checks["verify"] = _check("verify", _verify)
    status = "fail" if not serving else "ok" if all(c["ok"] for c in checks.values()) else "degraded"
    db.session.rollback()
    return jsonify(status=status, checks=checks), 200 if serving else 503


class Figures(Collector):
    """Gauges read from the database at scrape time (the same in every process): queue, overdue, verify, workers."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = clock.now()
        documents, outbox = queue("documents", failures=0), queue("outbox", failures=0)
        overdue = db.session.execute(select(Deadline.agency_id, func.count()).where(Deadline.status == "open",
                                                                                   Deadline.due_at < now)
                                     .group_by(Deadline.agency_id)).all()
        at, problems = last_verify()
        beat = last_heartbeat()
        db.session.rollback()
        for name, q, what in (("render", documents, "文书"), ("outbox", outbox, "电子送达")):
            yield GaugeMetricFamily(f"liuhen_{name}_queue_depth", f"排队待办的{what}", value=q.depth)
            yield GaugeMetricFamily(f"liuhen_{name}_queue_oldest_seconds", f"最早排队的{what}已等待（秒）",
                                    value=(now - q.oldest).total_seconds() if q.oldest else 0)
            yield GaugeMetricFamily(f"liuhen_{name}_queue_failing", f"上次失败、待重试的{what}", value=q.failed)
        family = GaugeMetricFamily("liuhen_overdue_deadlines", "已逾期未办的期限", labels=["agency_id"])
        for agency_id, n in overdue:
            family.add_metric([str(agency_id)], n)
        yield family
        yield GaugeMetricFamily("liuhen_verify_problems", "最近一次完整性校验发现的问题数", value=problems)
        yield GaugeMetricFamily("liuhen_verify_timestamp_seconds", "最近一次完整性校验的时间",
                                value=at.timestamp() if at else 0)
        yield GaugeMetricFamily("liuhen_worker_heartbeat_age_seconds", "后台服务最近心跳距今（秒）",
                                value=(now - beat).total_seconds() if beat else float("inf"))


def _allowed() -> bool:
    token = current_app.config.get("LIUHEN_METRICS_TOKEN")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and given and hmac.compare_digest(token.encode(), given.encode()):
        return True
    return bool(current_user and current_user.is_authenticated and current_user.has_role("admin"))


@bp.get("/metrics")
def metrics() -> Response:
    if not _allowed():
        raise Forbidden("指标接口只对监控系统（LIUHEN_METRICS_TOKEN 令牌）和机构管理员开放")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # gunicorn: every process's counters, summed
        counters = CollectorRegistry()
        multiprocess.MultiProcessCollector(counters)
    else:
        counters = REGISTRY  # this process's request and completion counters
    figures = CollectorRegistry()
    figures.register(Figures())
    return Response(generate_latest(counters) + generate_latest(figures),
                    mimetype="text/plain; version=0.0.4; charset=utf-8")
