"""JSON API for the 文书 (README “文书”): list a case's documents, download one, render one again."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_login import current_user

from webapp.api import common as json_api
from webapp.errors import Invalid
from webapp.store.downloads import send_stored
from webapp.worker import sealing

bp = Blueprint("documents_api", __name__, url_prefix="/api")


json_api.install(bp)


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
    doc = sealing.open_document(current_user, document_id)
    name = f"{doc.number}{doc.title}" + (f"（第{doc.version}版）" if doc.version > 1 else "") + ".pdf"
    return send_stored(doc.sha256, mimetype="application/pdf", download_name=name)
