"""The JSON API: blueprints under ``/api`` (bearer tokens only) and ``/oversight/api`` (the oversight pages' JSON)."""
from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

from webapp.accounts import password_due
from webapp.api import auth, cases, contract, documents, media, oversight
from webapp.api.common import check_arguments, error_json, is_api_request
from webapp.errors import PasswordChangeRequired, Unauthorized

BLUEPRINTS = (auth.bp, cases.bp, documents.bp, media.bp, oversight.bp, contract.bp)
PUBLIC = (*auth.PUBLIC, *contract.PUBLIC)
#: what a user whose password must change may still do
BEFORE_PASSWORD = ("api_auth.password", "api_auth.logout", "api.me")

__all__ = ["register", "error_json", "is_api_request"]


def register(app: Flask) -> None:
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    app.before_request(check_arguments)
    app.before_request(_by_token_only)


def _by_token_only() -> None:
    """Every /api/ endpoint but login and the description takes a bearer token; a session cookie alone never acts
    there.  A user whose password must change (first sign-in, reset, expired) may only change it."""
    if not request.path.startswith("/api/") or request.endpoint in PUBLIC:
        return
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        raise Unauthorized("接口须以令牌调用（Authorization: Bearer 令牌）")
    if current_user.is_authenticated and request.endpoint not in BEFORE_PASSWORD and password_due(current_user):
        raise PasswordChangeRequired("请先修改密码（POST /api/password），再使用其他接口")
