"""The JSON API (documented in README.md).  Thin: parse the request, call the service, shape JSON."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request, url_for
from flask_login import current_user

from handlers.catalogue import CATALOGUE
from webapp.api import common as json_api
from webapp.api import schemas as s
from webapp.api.auth import user_json
from webapp.api.contract import op
from webapp.cases import queue as task_queue
from webapp.cases import service as cases
from webapp.cases import timeline
from webapp.errors import Invalid
from webapp.paging import Key

bp = Blueprint("api", __name__, url_prefix="/api")
TASKS_PER_PAGE = 100


json_api.install(bp)


@bp.get("/me")
@op("当前用户", answer=s.UserOut, tag="登录")
def me() -> Any:
    return jsonify(user_json(current_user))


@bp.get("/catalogue")
@op("记录种类目录：每种记录的字段、依据（以记录种类代码为键）", answer=s.RecordKindOut, keyed=True, tag="案件")
def catalogue() -> Any:
    return jsonify({code: k.describe() for code, k in CATALOGUE.items()})


@bp.get("/tasks")
@op("我的待办，最早到期在前", query=s.PageQuery, answer=s.TaskOut, many=True)
def my_tasks(query: dict[str, Any]) -> Any:
    """My open tasks, soonest due first, a page at a time (``?per_page=`` up to 500, default 100): follow the ``Link``
    header (``rel="next"``: the page after the last task shown, ``?after=``), which costs the same however deep;
    ``?page=`` alone picks a page by position.  The total is in the ``X-Total-Count`` header."""
    per_page = query["per_page"]
    tp = task_queue.page_of(current_user, None, query["page"], per_page, key=Key(query.get("after"), query.get("before")))
    res = jsonify([timeline.task_json(t, c.title) for t, c in tp.items])
    res.headers["X-Total-Count"] = str(tp.total)
    links = [f'<{url_for("api.my_tasks", before=tp.before_id, per_page=per_page)}>; rel="prev"'] \
        if tp.before_id is not None else []
    if tp.after_id is not None:
        links.append(f'<{url_for("api.my_tasks", after=tp.after_id, per_page=per_page)}>; rel="next"')
    if links:
        res.headers["Link"] = ", ".join(links)
    return res


@bp.post("/cases")
@op("立案：在本机构已部署的流程上启动案件", body=s.CaseIn, answer=s.CaseOut, status=201, errors=(403, 404))
def create_case(data: dict[str, Any]) -> Any:
    case = cases.create_case(current_user, data["title"], data["party_name"], data["process_id"] or "general_procedure",
                             data["emergency"])
    return jsonify(timeline.case_json(current_user, case.id)), 201


@bp.get("/cases/<int:case_id>")
@op("案件：任务、记录、审计", answer=s.CaseOut, errors=(403, 404))
def get_case(case_id: int) -> Any:
    return jsonify(timeline.case_json(current_user, case_id))


@bp.get("/cases/<int:case_id>/tasks/<task_id>")
@op("任务：要求的记录及其格式、已有记录、尚缺什么", answer=s.TaskView, errors=(403, 404))
def get_task(case_id: int, task_id: str) -> Any:
    return jsonify(cases.task_view(current_user, case_id, task_id))


@bp.post("/cases/<int:case_id>/tasks/<task_id>/records")
@op("添加记录（同种记录再次提交即新版本）", body=s.RecordIn, answer=s.RecordOut, status=201, errors=(403, 404, 409))
def add_record(case_id: int, task_id: str, data: dict[str, Any]) -> Any:
    record = cases.submit_record(current_user, case_id, task_id, data["kind"], data["payload"])
    return jsonify(cases.record_json(record)), 201


@bp.post("/cases/<int:case_id>/tasks/<task_id>/complete")
@op("办结任务：先过关卡，再推进流程", answer=s.CaseOut, errors=(403, 404, 409))
def complete(case_id: int, task_id: str) -> Any:
    cases.complete_task(current_user, case_id, task_id)
    return jsonify(timeline.case_json(current_user, case_id))


@bp.post("/files")
@op("上传文件（按 SHA-256 保存）", body=s.FileIn, consumes="multipart/form-data", answer=s.FileOut, status=201)
def upload() -> Any:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid("请选择要上传的文件（表单字段 file）")
    sha, size = cases.store_upload(current_user, upload.stream, upload.filename, upload.mimetype)
    return jsonify({"sha256": sha, "size": size}), 201
