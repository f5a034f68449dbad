"""JSON API for audio/video evidence (README “音像记录”).  Thin: parse, call the service, shape JSON."""
from __future__ import annotations

import re
from typing import Any, BinaryIO, cast

from flask import Blueprint, jsonify, request
from flask_login import current_user

from handlers.records.media import Explanation, UploadMeta
from handlers.roles import EXPORT_APPROVER_ROLES
from webapp.api import common as json_api
from webapp.api import schemas as s
from webapp.api.contract import op
from webapp.errors import Forbidden, Invalid
from webapp.evidence import access as media_access
from webapp.evidence import media
from webapp.store.downloads import send_stored

bp = Blueprint("media_api", __name__, url_prefix="/api/media")
_RANGE = re.compile(r"bytes (\d+)-\d+/(\d+|\*)")


json_api.install(bp)


@bp.post("/uploads")
@op("开始移交音像记录（可续传上传）", body=UploadMeta, load=False, answer=s.UploadOut, status=201, errors=(403, 404),
    tag="音像记录")
def start_upload(data: dict[str, Any]) -> Any:
    session = media.start_upload(current_user, data)
    return jsonify(media.upload_json(session)), 201


@bp.get("/uploads/<upload_id>")
@op("上传进度（从何处续传）", answer=s.UploadOut, errors=(404,), tag="音像记录")
def upload_status(upload_id: str) -> Any:
    return jsonify(media.upload_status(current_user, upload_id))


@bp.put("/uploads/<upload_id>")
@op("上传一段（?offset= 或 Content-Range）", query=s.ChunkQuery, consumes="application/octet-stream",
    answer=s.UploadOut, errors=(404, 409), tag="音像记录")
def put_chunk(upload_id: str, query: dict[str, Any]) -> Any:
    offset = query.get("offset")
    if offset is None and (m := _RANGE.fullmatch(request.headers.get("Content-Range", ""))):
        offset = int(m.group(1))
    if offset is None:
        raise Invalid("请用 ?offset=起始字节 或 Content-Range: bytes 起-止/总 指明分段位置")
    stream = cast(BinaryIO, request.stream)  # werkzeug types the request body as IO[bytes]; it is a binary stream
    return jsonify(media.put_chunk(current_user, upload_id, int(offset), stream))


@bp.post("/uploads/<upload_id>/finish")
@op("完成上传：核对、入库、审计", answer=s.MediaOut, status=201, errors=(403, 404, 409), tag="音像记录")
def finish(upload_id: str) -> Any:
    item, repeated = media.finish_upload(current_user, upload_id)
    return jsonify({**media.item_json(item), "repeated": repeated}), 200 if repeated else 201


@bp.get("/<int:media_id>")
@op("音像记录的元数据", answer=s.MediaOut, errors=(403, 404), tag="音像记录")
def get_item(media_id: int) -> Any:
    item = media.media_item(current_user, media_id)
    media_access.check_view(current_user, item)
    return jsonify(media.item_json(item))


@bp.get("/<int:media_id>/content")
@op("音像记录文件（查看或下载，均审计；支持 Range）", query=s.ContentQuery, produces="*/*",
    errors=(403, 404, 409), tag="音像记录")
def content(media_id: int, query: dict[str, Any]) -> Any:
    download = query.get("download") in ("1", "true")
    item = media_access.open_content(current_user, media_id, download)
    return send_stored(item.sha256, mimetype=item.content_type, as_attachment=download, download_name=item.file_name)


@bp.post("/<int:media_id>/explanations")
@op("工作情况说明", body=Explanation, load=False, answer=s.ExplanationOut, status=201, errors=(403, 404),
    tag="音像记录")
def explain(media_id: int, data: dict[str, Any]) -> Any:
    row = media.add_explanation(current_user, media_id, data)
    return jsonify({"id": row.id, "media_id": row.media_id, "form": row.form}), 201


@bp.get("/cases/<int:case_id>")
@op("案件的音像记录", answer=s.CaseMediaOut, errors=(403, 404), tag="音像记录")
def case_media(case_id: int) -> Any:
    return jsonify(media.case_media(current_user, case_id))


@bp.post("/cases/<int:case_id>/holds")
@op("长期保存（pishan-culture 第二十条）", body=s.HoldIn, answer=s.HoldOut, status=201, errors=(403, 404),
    tag="音像记录")
def hold(case_id: int, data: dict[str, Any]) -> Any:
    media_id = data.pop("media_id", None)
    row = media.add_hold(current_user, case_id, media_id, data)
    return jsonify({"id": row.id, "case_id": row.case_id, "media_id": row.media_id, "trigger": row.trigger}), 201


@bp.post("/requests")
@op("向负责人申请：销毁、相关部门调取复制、查阅涉密", body=s.MediaRequestIn, answer=s.MediaRequestOut, status=201,
    errors=(403, 404, 409), tag="音像记录")
def new_request(data: dict[str, Any]) -> Any:
    return jsonify(media_access.request_json(media_access.request(current_user, data))), 201


@bp.post("/requests/<int:request_id>/decision")
@op("负责人审批申请", body=s.DecisionIn, answer=s.MediaRequestOut, errors=(403, 404, 409), tag="音像记录")
def decide(request_id: int, data: dict[str, Any]) -> Any:
    row = media_access.decide(current_user, request_id, data["approve"], data["note"])
    return jsonify(media_access.request_json(row))


@bp.post("/exports")
@op("导出（刻制）音像记录包", body=s.ExportIn, answer=s.ExportOut, status=201, errors=(403, 404, 409),
    tag="音像记录")
def export(data: dict[str, Any]) -> Any:
    return jsonify(media_access.export_json(media_access.export(current_user, data))), 201


@bp.get("/exports/<int:export_id>/package")
@op("导出包（zip，审计）", produces="application/zip", errors=(403, 404), tag="音像记录")
def export_package(export_id: int) -> Any:
    row = media_access.export_package(current_user, export_id)
    return send_stored(row.package_sha256, mimetype="application/zip",
                       download_name=f"case{row.case_id}-export{row.id}.zip")


@bp.get("/figures")
@op("音像记录监督数据", answer=s.MediaFiguresOut, errors=(403,), tag="音像记录")
def figures() -> Any:
    if not current_user.has_any(*EXPORT_APPROVER_ROLES):
        raise Forbidden("只有审核、法制审核、负责人或管理员可以查看监督数据")
    return jsonify(media.figures(current_user.agency_id))
