"""JSON API for audio/video evidence (README “音像记录”).  Thin: parse, call the service, shape JSON."""
from __future__ import annotations

import re
from typing import Any, BinaryIO, cast

from flask import Blueprint, jsonify, request
from flask_login import current_user

from handlers.roles import EXPORT_APPROVER_ROLES
from webapp.api import common as json_api
from webapp.errors import Forbidden, Invalid
from webapp.evidence import access as media_access
from webapp.evidence import media
from webapp.store.downloads import send_stored

bp = Blueprint("media_api", __name__, url_prefix="/api/media")
_RANGE = re.compile(r"bytes (\d+)-\d+/(\d+|\*)")


json_api.install(bp)
_body = json_api.body


@bp.post("/uploads")
def start_upload() -> Any:
    session = media.start_upload(current_user, _body())
    return jsonify(media.upload_json(session)), 201


@bp.get("/uploads/<upload_id>")
def upload_status(upload_id: str) -> Any:
    return jsonify(media.upload_status(current_user, upload_id))


@bp.put("/uploads/<upload_id>")
def put_chunk(upload_id: str) -> Any:
    offset = request.args.get("offset")
    if offset is None and (m := _RANGE.fullmatch(request.headers.get("Content-Range", ""))):
        offset = m.group(1)
    if offset is None or not str(offset).isdigit():
        raise Invalid("请用 ?offset=起始字节 或 Content-Range: bytes 起-止/总 指明分段位置")
    stream = cast(BinaryIO, request.stream)  # werkzeug types the request body as IO[bytes]; it is a binary stream
    return jsonify(media.put_chunk(current_user, upload_id, int(offset), stream))


@bp.post("/uploads/<upload_id>/finish")
def finish(upload_id: str) -> Any:
    item, repeated = media.finish_upload(current_user, upload_id)
    return jsonify({**media.item_json(item), "repeated": repeated}), 200 if repeated else 201


@bp.get("/<int:media_id>")
def get_item(media_id: int) -> Any:
    item = media.media_item(current_user, media_id)
    media_access.check_view(current_user, item)
    return jsonify(media.item_json(item))


@bp.get("/<int:media_id>/content")
def content(media_id: int) -> Any:
    download = request.args.get("download") in ("1", "true")
    item = media_access.open_content(current_user, media_id, download)
    return send_stored(item.sha256, mimetype=item.content_type, as_attachment=download, download_name=item.file_name)


@bp.post("/<int:media_id>/explanations")
def explain(media_id: int) -> Any:
    row = media.add_explanation(current_user, media_id, _body())
    return jsonify({"id": row.id, "media_id": row.media_id, "form": row.form}), 201


@bp.get("/cases/<int:case_id>")
def case_media(case_id: int) -> Any:
    return jsonify(media.case_media(current_user, case_id))


@bp.post("/cases/<int:case_id>/holds")
def hold(case_id: int) -> Any:
    data = _body()
    media_id = data.pop("media_id", None)
    row = media.add_hold(current_user, case_id, int(media_id) if media_id is not None else None, data)
    return jsonify({"id": row.id, "case_id": row.case_id, "media_id": row.media_id, "trigger": row.trigger}), 201


@bp.post("/requests")
def new_request() -> Any:
    return jsonify(media_access.request_json(media_access.request(current_user, _body()))), 201


@bp.post("/requests/<int:request_id>/decision")
def decide(request_id: int) -> Any:
    data = _body()
    if not isinstance(data.get("approve"), bool):
        raise Invalid("请用 approve: true/false 表明是否批准", fields={"approve": ["必填项"]})
    row = media_access.decide(current_user, request_id, data["approve"], str(data.get("note") or ""))
    return jsonify(media_access.request_json(row))


@bp.post("/exports")
def export() -> Any:
    return jsonify(media_access.export_json(media_access.export(current_user, _body()))), 201


@bp.get("/exports/<int:export_id>/package")
def export_package(export_id: int) -> Any:
    row = media_access.export_package(current_user, export_id)
    return send_stored(row.package_sha256, mimetype="application/zip",
                       download_name=f"case{row.case_id}-export{row.id}.zip")


@bp.get("/figures")
def figures() -> Any:
    if not current_user.has_any(*EXPORT_APPROVER_ROLES):
        raise Forbidden("只有审核、法制审核、负责人或管理员可以查看监督数据")
    return jsonify(media.figures(current_user.agency_id))
