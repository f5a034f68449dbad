"""The JSON API: blueprints under ``/api`` (bearer tokens only) and ``/oversight/api`` (the oversight pages' JSON)."""
from __future__ import annotations

from flask import Flask, request

from webapp.api import cases, documents, media, oversight
from webapp.api.common import error_json, is_api_request
from webapp.errors import Unauthorized

BLUEPRINTS = (cases.bp, documents.bp, media.bp, oversight.bp)

__all__ = ["register", "error_json", "is_api_request"]


def register(app: Flask) -> None:
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    app.before_request(_by_token_only)


def _by_token_only() -> None:
    """Every /api/ endpoint but login takes a bearer token; a session cookie alone never acts there."""
    if request.path.startswith("/api/") and request.endpoint != "api.login" \
            and not request.headers.get("Authorization", "").startswith("Bearer "):
        raise Unauthorized("接口须以令牌调用（Authorization: Bearer 令牌）")
