"""The server-rendered web application (Chinese) for officers, managers, designers and administrators.

Sessions come from Flask-Login (cookie), alongside the API's bearer tokens.  Every unsafe request
is checked for Flask-WTF's CSRF token unless it carries an ``Authorization`` header (a browser never
adds one to a cross-site form, so such a request cannot be forged that way) or goes to a JSON path;
the JSON API refuses a bare session cookie, so a cookie alone never acts there.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from webapp import oidc
from webapp.accounts import login_manager
from webapp.errors import ServiceError
from webapp.views import admin, auth, cases, common, designer, inbox, ops, sso, tasks
from webapp.views.oversight import compliance, review, supervision

csrf = CSRFProtect()
BLUEPRINTS = (auth.bp, sso.bp, inbox.bp, tasks.bp, cases.bp, designer.bp, admin.bp, compliance.bp, supervision.bp, review.bp,
              ops.bp)
HTTP_MESSAGES = {400: "请求无效。", 403: "您的角色无权访问此页面。", 404: "页面不存在。", 405: "此页面不支持这种操作。",
                 429: "尝试过于频繁，请稍后再试。", 500: "系统内部出错，本次操作未完成。请稍后重试；如仍出错，请联系本机构管理员。"}


def register(app: Flask) -> None:
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 12 * 3600)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.config["WTF_I18N_ENABLED"] = False  # WTForms' own zh catalogue (views.forms.Form), not Flask-Babel's
    csrf.init_app(app)
    app.before_request(_csrf_unless_token)
    app.before_request(auth.require_password_change)
    login_manager.login_view = "web_auth.login"
    login_manager.login_message = "请先登录"
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    common.install(app)
    oidc.install(app)


def _csrf_unless_token() -> None:
    if not request.headers.get("Authorization") and not request.path.startswith("/api/"):
        csrf.protect(apply_exemptions=True)


def error_page(exc: Exception) -> Any:
    """The Chinese error page for a failed page request."""
    if isinstance(exc, ServiceError):
        status, message = exc.status, exc.message
    elif isinstance(exc, CSRFError):
        status, message = 400, "表单已过期或来源不明（CSRF 校验未通过），请返回并刷新页面后重试。"
    elif isinstance(exc, RequestEntityTooLarge):
        status, message = 413, f"上传内容超过上限 {current_app.config['MAX_CONTENT_LENGTH']} 字节"
    else:
        status = exc.code if isinstance(exc, HTTPException) and exc.code else 400
        message = HTTP_MESSAGES.get(status, "请求无效。")
    return render_template("error.html", status=status, message=message), status
