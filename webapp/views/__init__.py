"""The server-rendered web application (Chinese) for officers, managers, designers and administrators.

Sessions come from Flask-Login (cookie), alongside the API's bearer tokens.  Every unsafe request
is checked for Flask-WTF's CSRF token unless it carries an ``Authorization`` header (a browser never
adds one to a cross-site form, so such a request cannot be forged that way) or goes to an exempted
token-only blueprint; the JSON API refuses a bare session cookie, so a cookie alone never acts there.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import Forbidden as HTTPForbidden
from werkzeug.exceptions import NotFound as HTTPNotFound
from werkzeug.exceptions import RequestEntityTooLarge

from webapp.errors import ServiceError, StorageUnavailable, Unauthorized
from webapp.store.s3 import STORAGE_ERRORS, unavailable_message
from webapp.views import admin, auth, cases, common, designer, inbox, tasks

csrf = CSRFProtect()


def register(app: Flask) -> None:
    from webapp.accounts import login_manager

    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 12 * 3600)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    app.before_request(_csrf_unless_token)
    login_manager.login_view = "web_auth.login"
    login_manager.login_message = "请先登录"
    for module in (auth, inbox, tasks, cases, designer, admin):
        app.register_blueprint(module.bp)
    common.install(app)
    app.before_request(_api_by_token_only)
    app.register_error_handler(ServiceError, _service_error)
    for storage_error in STORAGE_ERRORS:
        app.register_error_handler(storage_error, _storage_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPForbidden, _forbidden)
    app.register_error_handler(HTTPNotFound, _not_found)
    app.register_error_handler(RequestEntityTooLarge, _too_large)


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _csrf_unless_token() -> None:
    if not request.headers.get("Authorization") and not _is_api():
        csrf.protect(apply_exemptions=True)


def _api_by_token_only() -> None:
    """Every /api/ endpoint but login takes a bearer token; a session cookie alone never acts there."""
    if _is_api() and request.endpoint != "api.login" \
            and not request.headers.get("Authorization", "").startswith("Bearer "):
        raise Unauthorized("接口须以令牌调用（Authorization: Bearer 令牌）")


def _service_error(exc: ServiceError) -> Any:
    """JSON for any ``…/api/…`` path (``/api/`` and ``/oversight/api/``), the error page elsewhere."""
    if "/api/" in request.path:
        return jsonify(exc.to_json()), exc.status
    return render_template("error.html", status=exc.status, message=exc.message), exc.status


def _storage_error(exc: Exception) -> Any:
    return _service_error(StorageUnavailable(unavailable_message(exc)))


def _csrf_error(exc: CSRFError) -> Any:
    return render_template("error.html", status=400,
                           message="表单已过期或来源不明（CSRF 校验未通过），请返回并刷新页面后重试。"), 400


def _forbidden(_: Exception) -> Any:
    return render_template("error.html", status=403, message="您的角色无权访问此页面。"), 403


def _not_found(_: Exception) -> Any:
    if request.path.startswith("/api/"):
        return jsonify({"error": "not_found", "message": "接口不存在"}), 404
    return render_template("error.html", status=404, message="页面不存在。"), 404


def _too_large(_: Exception) -> Any:
    from flask import current_app, jsonify

    limit = current_app.config["MAX_CONTENT_LENGTH"]
    message = f"上传内容超过上限 {limit} 字节"
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        return jsonify({"error": "too_large", "message": message}), 413
    return render_template("error.html", status=413, message=message), 413


__all__ = ["register", "csrf", "current_user"]
