"""What every JSON blueprint under ``/api`` shares: errors as JSON, and a signed-in caller.

Token-only access to ``/api/`` is app-wide (``webapp.api.register``), the CSRF exemption for it is in
``webapp.views``; this module keeps each JSON blueprint from writing its own copy of the rest.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from webapp.errors import Invalid, ServiceError, Unauthorized

HTTP_CODES = {403: "forbidden", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}
HTTP_MESSAGES = {403: "您的角色无权执行此操作", 404: "接口不存在", 405: "接口不支持此请求方法"}

LOGIN_HINT = "请先登录（POST /api/login 取得令牌，随后以 Authorization: Bearer 令牌 调用）"


def install(bp: Blueprint, *, public: tuple[str, ...] = ()) -> Blueprint:
    """Give ``bp`` JSON error responses and require a caller on every endpoint not in ``public``."""
    bp.register_error_handler(ServiceError, _service_error)
    bp.register_error_handler(RequestEntityTooLarge, _too_large)

    @bp.before_request
    def _require_login() -> None:
        if request.endpoint not in public and not current_user.is_authenticated:
            raise Unauthorized(LOGIN_HINT)

    return bp


def body() -> dict[str, Any]:
    """The request's JSON object, or a clear 422."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("请求体须为 JSON 对象")
    return data


def _service_error(exc: ServiceError) -> Any:
    return jsonify(exc.to_json()), exc.status


def _too_large(_: Exception, hint: str = "（分段上传请用更小的分段）") -> Any:
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    return jsonify({"error": "too_large", "message": f"上传内容超过上限 {limit} 字节{hint}"}), 413


def is_api_request() -> bool:
    """JSON callers: any ``…/api/…`` path (``/api/`` and ``/oversight/api/``), or a request that sends JSON."""
    return "/api/" in request.path or request.is_json or request.accept_mimetypes.best == "application/json"


def error_json(exc: Exception) -> Any:
    """The JSON answer to an error outside a JSON blueprint's own handlers (unknown paths, 403, 413…)."""
    if isinstance(exc, ServiceError):
        return _service_error(exc)
    if isinstance(exc, RequestEntityTooLarge):
        return _too_large(exc, hint="")
    code = exc.code if isinstance(exc, HTTPException) and exc.code else 400
    return jsonify({"error": HTTP_CODES.get(code, "bad_request"), "message": HTTP_MESSAGES.get(code, "请求无效")}), code
