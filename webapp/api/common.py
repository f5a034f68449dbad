"""What every JSON blueprint under ``/api`` shares: errors as JSON, and a signed-in caller.

Token-only access to ``/api/`` is app-wide (``webapp.api.register``), the CSRF exemption for it is in
``webapp.views``; this module keeps each JSON blueprint from writing its own copy of the rest.
"""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from webapp.errors import Invalid, ServiceError, Unauthorized

HTTP_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 413: "too_large",
              429: "too_many_requests", 500: "internal_error"}
HTTP_MESSAGES = {400: "请求无效", 403: "您的角色无权执行此操作", 404: "接口不存在", 405: "接口不支持此请求方法",
                 429: "尝试过于频繁，请稍后再试", 500: "系统内部出错，本次操作未完成，请稍后重试"}

MAX_DEPTH = 20
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
    """The request's JSON object, or a clear 422: parsed here (not ``get_json``) so that nesting beyond
    :data:`MAX_DEPTH`, lone surrogates and NUL characters are refused before any service or database sees them."""
    try:
        data = json.loads(request.get_data(cache=True) or b"null")
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        raise Invalid("请求体须为 JSON 对象")
    if problem := unsafe(data):
        raise Invalid(f"请求体无效：{problem}")
    return data


def unsafe(value: Any, depth: int = 0) -> str | None:
    """Why ``value`` cannot be stored alike on both databases (too deep, a lone surrogate, NUL), or ``None``."""
    if depth > MAX_DEPTH:
        return f"嵌套超过 {MAX_DEPTH} 层"
    if isinstance(value, str):
        return bad_text(value)
    if isinstance(value, dict):
        return next((p for k, v in value.items() if (p := bad_text(k) or unsafe(v, depth + 1))), None)
    if isinstance(value, list):
        return next((p for v in value if (p := unsafe(v, depth + 1))), None)
    return None


def bad_text(text: str) -> str | None:
    """NUL (PostgreSQL stores none) and lone UTF-16 surrogates (not encodable as UTF-8) in a string."""
    if "\x00" in text:
        return "文本含有空字符（\\u0000）"
    if not text.isascii() and any("\ud800" <= ch <= "\udfff" for ch in text):
        return "文本含有无效的 Unicode 代理字符"
    return None


def check_arguments() -> None:
    """Query values, path parts and form fields are text too: the same characters are refused there (422), on the
    pages as in the API (a NUL in a form field would otherwise reach PostgreSQL)."""
    form = request.form.values() if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data") \
        else ()
    values = [*request.args.keys(), *request.args.values(), *form,
              *(v for v in (request.view_args or {}).values() if isinstance(v, str))]
    if problem := next((p for v in values if (p := bad_text(v))), None):
        raise Invalid(f"请求参数无效：{problem}")


def _service_error(exc: ServiceError) -> Any:
    return jsonify(_cited(exc.to_json())), exc.status


def _cited(value: Any) -> Any:
    """Every message of an error answer with its code-form articles cited by real title, for the caller's agency only:
    the record catalogue's validation messages name articles in code form (``fushun-culture 第九条``), as the task
    page shows them through the same :meth:`handlers.law.cite.Citer.prose`.  A ``basis`` stays in code form: it is
    the machine's reference, and ``cited`` beside it already gives the titles."""
    if not current_user.is_authenticated:
        return value
    citer = current_user.agency.settings.citer()
    return _each_text(value, citer.prose)


def _each_text(value: Any, change: Any) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {k: v if k == "basis" else _each_text(v, change) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_each_text(v, change) for v in value]
    return value


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
