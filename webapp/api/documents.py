"""JSON API for the 文书 (README “文书”): list a case's documents, download one, render one again."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from flask_login import current_user

from webapp.api import common as json_api
from webapp.api import schemas as s
from webapp.api.contract import op
from webapp.store.downloads import send_stored
from webapp.worker import sealing

bp = Blueprint("documents_api", __name__, url_prefix="/api")


json_api.install(bp)


@bp.get("/cases/<int:case_id>/documents")
@op("案件的文书（各版本）", answer=s.DocumentOut, many=True, errors=(403, 404), tag="文书")
def case_documents(case_id: int) -> Any:
    return jsonify([sealing.document_json(d) for d in sealing.case_documents(current_user, case_id)])


@bp.post("/cases/<int:case_id>/documents")
@op("按当前记录重新制作文书（新版本，同一文号）", body=s.RenderIn, answer=s.DocumentOut, status=201,
    errors=(403, 404, 409), tag="文书")
def render_again(case_id: int, data: dict[str, Any]) -> Any:
    return jsonify(sealing.document_json(sealing.rerender(current_user, case_id, data["kind"]))), 201


@bp.get("/documents/<int:document_id>/pdf")
@op("文书 PDF（先核对哈希）", produces="application/pdf", errors=(403, 404), tag="文书")
def download(document_id: int) -> Any:
    doc = sealing.open_document(current_user, document_id)
    name = f"{doc.number}{doc.title}" + (f"（第{doc.version}版）" if doc.version > 1 else "") + ".pdf"
    return send_stored(doc.sha256, mimetype="application/pdf", download_name=name)
