"""JSON API for the 文书 (README “文书”): list a case's documents, download one, render one again."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, jsonify, request, send_file
from flask_login import current_user

from . import models_documents, sealing, signals  # noqa: F401 - the tables must be known to create_app
from .errors import Invalid, ServiceError, Unauthorized

bp = Blueprint("documents_api", __name__, url_prefix="/api")


def register(app: Flask) -> None:
    """Register the blueprint and render documents when tasks complete; bearer tokens only, so no CSRF."""
    app.register_blueprint(bp)
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(bp)
    signals.task_completed.connect(sealing.on_task_completed)


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError) -> Any:
    return jsonify(exc.to_json()), exc.status


@bp.before_request
def _require_login() -> None:
    if not current_user.is_authenticated:
        raise Unauthorized("请先登录（POST /api/login 取得令牌，随后以 Authorization: Bearer 令牌 调用）")


@bp.get("/cases/<int:case_id>/documents")
def case_documents(case_id: int) -> Any:
    return jsonify([sealing.document_json(d) for d in sealing.case_documents(current_user, case_id)])


@bp.post("/cases/<int:case_id>/documents")
def render_again(case_id: int) -> Any:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("请求体须为 JSON 对象，如 {\"kind\": \"penalty_decision\"}")
    return jsonify(sealing.document_json(sealing.rerender(current_user, case_id, str(data.get("kind", ""))))), 201


@bp.get("/documents/<int:document_id>/pdf")
def download(document_id: int) -> Any:
    path, doc = sealing.open_document(current_user, document_id)
    name = f"{doc.number}{doc.title}" + (f"（第{doc.version}版）" if doc.version > 1 else "") + ".pdf"
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=name,
                     conditional=True, etag=doc.sha256)
