"""Structured logs and request metrics: one JSON line per request (request id, user, agency, method, path, status,
duration) and every other log record in the same JSON shape, through structlog, so a log collector can index them.

The request id comes from ``X-Request-ID`` (nginx sets it: ``proxy_set_header X-Request-ID $request_id``) or is made
here; it is bound for everything logged while the request runs and echoed in the response.  Request latency and
completed tasks are also counted for Prometheus (``/metrics``); under gunicorn the launcher gives every process one
``PROMETHEUS_MULTIPROC_DIR`` so a scrape sees all of them.
"""
from __future__ import annotations

import logging
import sys
import time
import uuid
from typing import IO, Any

import structlog
from flask import Flask, Response, g, request
from prometheus_client import Counter, Histogram

REQUEST_SECONDS = Histogram("liuhen_request_seconds", "请求耗时（秒）", ["method", "endpoint", "status"],
                            buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10))
COMPLETIONS = Counter("liuhen_task_completions", "已办结的任务数")
_HANDLER_NAME = "liuhen-json"

log = structlog.get_logger("liuhen.request")


SHARED: list[Any] = [structlog.contextvars.merge_contextvars, structlog.stdlib.add_log_level,
                     structlog.stdlib.add_logger_name, structlog.processors.TimeStamper(fmt="iso", utc=True)]


def _through_logging() -> None:
    """structlog hands its events to the standard library's logging (so levels, handlers and pytest's capture apply)."""
    structlog.configure(processors=[*SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
                        logger_factory=structlog.stdlib.LoggerFactory(), cache_logger_on_first_use=False)


def configure(stream: IO[str] | None = None, fmt: str = "json", level: int = logging.INFO) -> logging.Handler:
    """Route structlog and the standard library's logging (Flask, gunicorn's error log, SQLAlchemy warnings) through
    one handler writing JSON lines (``fmt="console"`` for people) to ``stream`` (standard error); returns it."""
    _through_logging()
    renderer: Any = (structlog.processors.JSONRenderer(ensure_ascii=False) if fmt == "json"
                     else structlog.dev.ConsoleRenderer(colors=False))
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.name = _HANDLER_NAME
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=SHARED, processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                                              structlog.processors.format_exc_info, renderer]))
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.name == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("spiff").setLevel(max(level, logging.WARNING))  # the engine logs every task state change at INFO
    return handler


def install(app: Flask) -> None:
    """Bind the request's id, time it, and log it when it ends.  Logging is configured for the process unless testing
    (the tests configure it themselves to read the lines)."""
    if app.testing:
        _through_logging()
    else:
        configure(fmt=app.config.get("LIUHEN_LOG_FORMAT", "json"))
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    g.liuhen_started = time.perf_counter()
    g.request_id = (request.headers.get("X-Request-ID") or uuid.uuid4().hex)[:64]
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=g.request_id)


def _finish(response: Response) -> Response:
    started = g.pop("liuhen_started", None)
    if started is None:
        return response
    seconds = time.perf_counter() - started
    endpoint = request.endpoint or "404"
    REQUEST_SECONDS.labels(request.method, endpoint, str(response.status_code)).observe(seconds)
    loaded = g.get("_login_user")  # only the user the request already loaded: logging never queries the database
    user = loaded if loaded is not None and loaded.is_authenticated else None
    log.info("request", method=request.method, path=request.path, endpoint=endpoint, status=response.status_code,
             duration_ms=round(seconds * 1000, 1), user=user.username if user else None,
             agency_id=user.agency_id if user else None, remote=request.remote_addr)
    response.headers["X-Request-ID"] = g.request_id
    structlog.contextvars.clear_contextvars()
    return response


def on_task_committed(_case: Any, **_: Any) -> None:
    """Receiver of ``signals.task_committed``: one more completed task."""
    COMPLETIONS.inc()
