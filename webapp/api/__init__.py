"""The JSON API: blueprints under ``/api`` (bearer tokens only) and ``/oversight/api`` (the oversight pages' JSON)."""
from __future__ import annotations

from flask import Flask, request
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from webapp.accounts import password_due
from webapp.api import auth, cases, contract, documents, media, oversight
from webapp.api.common import check_arguments, error_json, is_api_request
from webapp.errors import PasswordChangeRequired, Unauthorized

BLUEPRINTS = (auth.bp, cases.bp, documents.bp, media.bp, oversight.bp, contract.bp)
PUBLIC = (*auth.PUBLIC, *contract.PUBLIC)
#: what a user whose password must change may still do
BEFORE_PASSWORD = ("api_auth.password", "api_auth.logout", "api.me")
#: the task page's resumable A/V handover: the signed-in browser calls these with its CSRF token (X-CSRFToken)
BROWSER = ("media_api.start_upload", "media_api.upload_status", "media_api.put_chunk", "media_api.finish")

__all__ = ["register", "error_json", "is_api_request"]


def register(app: Flask) -> None:
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    app.before_request(check_arguments)
    app.before_request(_by_token_only)


def _by_token_only() -> None:
    """Every /api/ endpoint but login and the description takes a bearer token; a session cookie alone never acts
    there (the task page's resumable upload brings its CSRF token with it, :func:`_browser_upload`).  A user whose
    password must change (first sign-in, reset, expired) may only change it."""
    if not request.path.startswith("/api/") or request.endpoint in PUBLIC:
        return
    if not request.headers.get("Authorization", "").startswith("Bearer ") and not _browser_upload():
        raise Unauthorized("接口须以令牌调用（Authorization: Bearer 令牌）")
    if current_user.is_authenticated and request.endpoint not in BEFORE_PASSWORD and password_due(current_user):
        raise PasswordChangeRequired("请先修改密码（POST /api/password），再使用其他接口")


def _browser_upload() -> bool:
    """A page's own call to the resumable upload: a session cookie alone is not enough, the page's CSRF token
    (which another site cannot read) must come with it, as for every form."""
    if request.endpoint not in BROWSER or request.headers.get("Authorization"):
        return False
    try:
        validate_csrf(request.headers.get("X-CSRFToken"))
    except ValidationError:
        return False
    return True
