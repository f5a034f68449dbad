"""The JSON API (documented in README.md).  Thin: parse the request, call the service, shape JSON."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from handlers.catalogue import CATALOGUE

from . import audit, cases, timeline
from .auth import authenticate, issue_token
from .db import db
from .errors import Invalid, ServiceError, Unauthorized
from .models import StoredFile

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError) -> Any:
    return jsonify(exc.to_json()), exc.status


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_: Exception) -> Any:
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    return jsonify({"error": "too_large", "message": f"上传内容超过上限 {limit} 字节"}), 413


@bp.before_request
def _require_login() -> None:
    if request.endpoint != "api.login" and not current_user.is_authenticated:
        raise Unauthorized("请先登录（POST /api/login 取得令牌，随后以 Authorization: Bearer 令牌 调用）")


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("请求体须为 JSON 对象")
    return data


@bp.post("/login")
def login() -> Any:
    data = _body()
    user = authenticate(str(data.get("username", "")), str(data.get("password", "")))
    return jsonify({"token": issue_token(user), "user": _user_json(user)})


def _user_json(user: Any) -> dict[str, Any]:
    return {"id": user.id, "username": user.username, "display_name": user.display_name,
            "roles": user.roles, "agency_id": user.agency_id}


@bp.get("/me")
def me() -> Any:
    return jsonify(_user_json(current_user))


@bp.get("/catalogue")
def catalogue() -> Any:
    return jsonify({code: k.describe() for code, k in CATALOGUE.items()})


@bp.get("/tasks")
def my_tasks() -> Any:
    return jsonify([timeline.task_json(t, c.title) for t, c in cases.open_tasks(current_user)])


@bp.post("/cases")
def create_case() -> Any:
    data = _body()
    case = cases.create_case(current_user, str(data.get("title", "")), str(data.get("party_name", "")),
                             str(data.get("process_id") or "general_procedure"), bool(data.get("emergency", False)))
    return jsonify(timeline.case_json(current_user, case.id)), 201


@bp.get("/cases/<int:case_id>")
def get_case(case_id: int) -> Any:
    return jsonify(timeline.case_json(current_user, case_id))


@bp.get("/cases/<int:case_id>/tasks/<task_id>")
def get_task(case_id: int, task_id: str) -> Any:
    return jsonify(cases.task_view(current_user, case_id, task_id))


@bp.post("/cases/<int:case_id>/tasks/<task_id>/records")
def add_record(case_id: int, task_id: str) -> Any:
    data = _body()
    record = cases.submit_record(current_user, case_id, task_id, str(data.get("kind", "")), data.get("payload"))
    return jsonify(cases.record_json(record)), 201


@bp.post("/cases/<int:case_id>/tasks/<task_id>/complete")
def complete(case_id: int, task_id: str) -> Any:
    cases.complete_task(current_user, case_id, task_id)
    return jsonify(timeline.case_json(current_user, case_id))


@bp.post("/files")
def upload() -> Any:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid("请选择要上传的文件（表单字段 file）")
    try:
        sha, size = cases.store().put(upload.stream, current_app.config["MAX_CONTENT_LENGTH"])
    except ValueError as exc:
        raise Invalid(str(exc)) from exc
    if db.session.get(StoredFile, sha) is None:
        db.session.add(StoredFile(sha256=sha, size=size, content_type=upload.mimetype or "application/octet-stream",
                                  original_name=upload.filename, agency_id=current_user.agency_id,
                                  uploaded_by=current_user.id))
    audit.append(current_user.agency_id, "file.uploaded", actor_id=current_user.id,
                 detail={"sha256": sha, "size": size, "name": upload.filename})
    db.session.commit()
    return jsonify({"sha256": sha, "size": size}), 201
