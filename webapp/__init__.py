"""Liuhen web application: ``create_app`` is a short table of what an app is made of."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, Response
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import IntegerConverter, Map

from handlers import clock
from webapp import accounts, api, config, logs, signals, views
from webapp.cases import deadlines, timers
from webapp.cli import cli
from webapp.db import db, migrate
from webapp.errors import ServiceError, StorageUnavailable
from webapp.paging import MAX_ID
from webapp.store import open_store
from webapp.store.s3 import STORAGE_ERRORS, unavailable_message
from webapp.supervision import case_review
from webapp.worker import sealing

#: what happens inside a service transaction when a case starts or a task completes, in this order
RECEIVERS: tuple[tuple[Any, Callable[..., Any]], ...] = (
    (signals.case_created, deadlines.on_case_created),
    (signals.task_completed, deadlines.on_task_completed),
    (signals.task_completed, case_review.on_task_completed),
    (signals.case_created, timers.on_case),
    (signals.task_completed, timers.on_case),
    (signals.task_completed, sealing.queue_for_task),
    (signals.task_committed, sealing.render_after_commit),
    (signals.task_committed, logs.on_task_committed),
)
#: every HTTP error (400, 403, 404, 405, 413, 429 …) and an unexpected exception (InternalServerError, which Flask hands
#: any unhandled error to) answer in Chinese: JSON to the API, the error page to a browser, never Werkzeug's English page
ERRORS = (ServiceError, CSRFError, HTTPException, InternalServerError, *STORAGE_ERRORS)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=config.instance_path())
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config.from_environment(app.instance_path), **(overrides or {}))
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    # the start-up render hook before the API's, whose token check refuses a request before later hooks run
    for step in (_database, _file_store, _clock, _routes, logs.install, accounts.install, sealing.render_queue_at_start, api.register,
                 views.register, _errors, _headers):
        step(app)
    for signal, receiver in RECEIVERS:
        signal.connect(receiver)
    app.cli.add_command(cli)
    return app


def _database(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)


def _file_store(app: Flask) -> None:
    app.extensions["liuhen.files"] = open_store(app.config)


class RowId(IntegerConverter):
    """``<int:…>`` in a route matches only ids a database can hold, so 2⁶³ is a plain 404, not a database error."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _routes(app: Flask) -> None:
    app.url_map.converters["int"] = RowId


#: on every response (等保 2.0: no framing, no type sniffing, no inline script — the pages' JavaScript is in static/js)
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
           "Referrer-Policy": "same-origin", "Cross-Origin-Opener-Policy": "same-origin",
           "Permissions-Policy": "camera=(), microphone=(), geolocation=()"}


def _headers(app: Flask) -> None:
    @app.after_request
    def _secure(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def _clock(app: Flask) -> None:
    if "LIUHEN_CLOCK" in app.config:
        clock.install(app.config["LIUHEN_CLOCK"])


def _errors(app: Flask) -> None:
    for error in ERRORS:
        app.register_error_handler(error, _on_error)


def _on_error(exc: Exception) -> Any:
    """JSON for API callers, the Chinese error page for everyone else."""
    if isinstance(exc, STORAGE_ERRORS):
        exc = StorageUnavailable(unavailable_message(exc))
    return api.error_json(exc) if api.is_api_request() else views.error_page(exc)
