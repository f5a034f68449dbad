"""Liuhen web application: ``create_app`` wires configuration, database, file store, clock and blueprints."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from handlers import clock as clock_module

from webapp.db import db, migrate
from webapp.store import open_store

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("LIUHEN_INSTANCE", str(ROOT / "instance")))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(
        SECRET_KEY=os.environ.get("LIUHEN_SECRET_KEY") or _instance_secret(app.instance_path),
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL")
        or f"sqlite:///{Path(app.instance_path) / 'liuhen.sqlite'}",
        LIUHEN_FILE_STORE=os.environ.get("LIUHEN_FILE_STORE") or str(Path(app.instance_path) / "files"),
        LIUHEN_STORAGE=os.environ.get("LIUHEN_STORAGE") or "local",
        LIUHEN_S3_ENDPOINT_URL=os.environ.get("LIUHEN_S3_ENDPOINT_URL"),
        LIUHEN_S3_REGION=os.environ.get("LIUHEN_S3_REGION"),
        LIUHEN_WORKFLOWS_DIR=str(ROOT / "workflows"),
        MAX_CONTENT_LENGTH=int(os.environ.get("LIUHEN_MAX_UPLOAD", 2 * 1024**3)),
        JSON_AS_ASCII=False,
    )
    app.config.update(overrides or {})
    app.json.ensure_ascii = False
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
    app.extensions["liuhen.files"] = open_store(app.config)
    if "LIUHEN_CLOCK" in app.config:
        clock_module.install(app.config["LIUHEN_CLOCK"])

    from webapp.api.cases import bp as api_bp
    from webapp.accounts import login_manager
    from webapp.cli import cli

    login_manager.init_app(app)
    app.register_blueprint(api_bp)
    from webapp.views import register as register_web

    register_web(app)
    from webapp.api.media import register as register_media

    register_media(app)
    from webapp.cases import deadlines  # noqa: F401 - deadlines and compliance exception tables
    from webapp.models import oversight as models_oversight
    from webapp.views.oversight.compliance import bp as oversight_bp

    deadlines.connect()
    from webapp.supervision import case_review  # noqa: F401 - 案卷评查 rows written as tasks complete
    from webapp.models import review as models_review

    case_review.connect()
    from webapp.cases import timers  # BPMN timers: overdue events, the case_timers table, `flask liuhen tick`

    timers.connect()
    app.register_blueprint(oversight_bp)
    from webapp.views.oversight.supervision import bp as supervision_bp

    app.register_blueprint(supervision_bp)  # 检查台账, supervision CSV/PDF exports, 司法局 overview
    from webapp.views.oversight.review import bp as review_bp

    app.register_blueprint(review_bp)  # 案卷评查 of one case under /oversight/
    from webapp.api.documents import register as register_documents

    register_documents(app)  # 文书: rendered when tasks complete, downloadable from the API
    app.cli.add_command(cli)
    return app


def _instance_secret(instance: str) -> str:
    """A per-installation secret key, made once and kept in the instance folder."""
    path = Path(instance) / "secret_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
