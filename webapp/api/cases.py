"""The JSON API (documented in README.md).  Thin: parse the request, call the service, shape JSON."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request, url_for
from flask_login import current_user

from handlers.catalogue import CATALOGUE
from webapp.accounts import authenticate, issue_token
from webapp.api import common as json_api
from webapp.cases import queue as task_queue
from webapp.cases import service as cases
from webapp.cases import timeline
from webapp.errors import Invalid

bp = Blueprint("api", __name__, url_prefix="/api")
TASKS_PER_PAGE = 100


json_api.install(bp, public=("api.login",))
_body = json_api.body


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
    """My open tasks, soonest due first, a page at a time (``?page=``, ``?per_page=`` up to 500, default 100);
    the total is in the ``X-Total-Count`` header and the next page in ``Link``."""
    per_page = min(max(request.args.get("per_page", TASKS_PER_PAGE, type=int) or TASKS_PER_PAGE, 1), 500)
    tp = task_queue.page_of(current_user, None, request.args.get("page", 1, type=int) or 1, per_page)
    res = jsonify([timeline.task_json(t, c.title) for t, c in tp.items])
    res.headers["X-Total-Count"] = str(tp.total)
    if tp.page < tp.pages:
        res.headers["Link"] = f'<{url_for("api.my_tasks", page=tp.page + 1, per_page=per_page)}>; rel="next"'
    return res


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
    sha, size = cases.store_upload(current_user, upload.stream, upload.filename, upload.mimetype)
    return jsonify({"sha256": sha, "size": size}), 201
