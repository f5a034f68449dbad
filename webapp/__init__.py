"""Liuhen web application: ``create_app`` is a short table of what an app is made of."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Forbidden, MethodNotAllowed, NotFound, RequestEntityTooLarge

from handlers import clock
from webapp import api, config, signals, views
from webapp.accounts import login_manager
from webapp.cases import deadlines, timers
from webapp.cli import cli
from webapp.db import db, migrate
from webapp.errors import ServiceError, StorageUnavailable
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
)
ERRORS = (ServiceError, CSRFError, Forbidden, NotFound, MethodNotAllowed, RequestEntityTooLarge, *STORAGE_ERRORS)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=config.instance_path())
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config.from_environment(app.instance_path), **(overrides or {}))
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    # the start-up render hook before the API's, whose token check refuses a request before later hooks run
    for step in (_database, _file_store, _clock, login_manager.init_app, sealing.render_queue_at_start, api.register,
                 views.register, _errors):
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
