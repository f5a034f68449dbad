"""Signing in to the API (等保 2.0 身份鉴别): a token per device, expiring, listed and revocable; the caller's own
password; the sign-in throttled per address (Flask-Limiter) and the account locked after repeated failures."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from flask_login import current_user

from webapp import accounts, oidc
from webapp.api import common as json_api
from webapp.api import schemas as s
from webapp.api.contract import op
from webapp.db import db
from webapp.errors import Forbidden
from webapp.models import User

bp = Blueprint("api_auth", __name__, url_prefix="/api")
PUBLIC = ("api_auth.login", "api_auth.login_sso")  # the sign-ins: no token yet
json_api.install(bp, public=PUBLIC)


def user_json(user: Any) -> dict[str, Any]:
    return {"id": user.id, "username": user.username, "display_name": user.display_name,
            "roles": user.roles, "agency_id": user.agency_id, "password_change_required": accounts.password_due(user)}


@bp.post("/login")
@accounts.limiter.limit(accounts.login_limit, deduct_when=accounts.login_failed)
@accounts.limiter.limit(accounts.account_limit, key_func=accounts.account_key, deduct_when=accounts.login_failed)
@op("登录：为本设备签发令牌（按 LIUHEN_TOKEN_HOURS 过期）", body=s.LoginIn, answer=s.TokenOut, public=True,
    errors=(401, 423), tag="登录")
def login(data: dict[str, Any]) -> Any:
    user = accounts.authenticate(data["username"], data["password"])
    return _token_for(user, data.get("device") or "")


@bp.post("/login/sso")
@accounts.limiter.limit(accounts.login_limit)
@op("统一身份认证登录：以统一身份认证平台签发给本系统的 ID 令牌换取本设备的令牌", body=s.SsoLoginIn, answer=s.TokenOut,
    public=True, errors=(401, 403, 404, 423), tag="登录")
def login_sso(data: dict[str, Any]) -> Any:
    """Token exchange for devices that sign in at the 统一身份认证 provider themselves (mobile apps, field tablets)."""
    return _token_for(oidc.id_token_user(data["id_token"]), data.get("device") or "", method="oidc")


def _token_for(user: User, device: str, method: str = "password") -> Any:
    token = accounts.start_session(user, "api", device, method=method)
    row = accounts.session_of(token)
    return jsonify({"token": token, "token_id": row.id, "expires_at": row.expires_at.isoformat(),
                    "user": user_json(user)})


@bp.post("/logout")
@op("退出登录：注销本令牌", answer=s.MessageOut, tag="登录")
def logout() -> Any:
    row = accounts.current_session()
    if row is not None:
        accounts.end_session(row, "logout")
        db.session.commit()
    return jsonify({"message": "已退出登录，本令牌已失效"})


@bp.get("/tokens")
@op("我的登录设备（令牌与浏览器会话）；机构管理员可加 ?user_id= 查看本机构用户的", query=s.TokensQuery,
    answer=s.TokenRow, many=True, errors=(403,), tag="登录")
def tokens(query: dict[str, Any]) -> Any:
    user = current_user
    if query.get("user_id") not in (None, current_user.id):
        other = db.session.get(User, query["user_id"])
        if not current_user.has_role("admin") or other is None or other.agency_id != current_user.agency_id:
            raise Forbidden("只能查看自己的登录设备；查看他人的须由本机构管理员操作")
        user = other
    return jsonify([accounts.session_json(r) for r in accounts.sessions_of(user)])


@bp.delete("/tokens/<int:token_id>")
@op("注销一个登录设备（本人，或本机构管理员）", answer=s.TokenRow, errors=(403,), tag="登录")
def revoke(token_id: int) -> Any:
    return jsonify(accounts.session_json(accounts.revoke(current_user, token_id)))


@bp.post("/password")
@op("修改本人密码（随后所有设备须重新登录）", body=s.PasswordIn, answer=s.MessageOut, errors=(401,), tag="登录")
def password(data: dict[str, Any]) -> Any:
    accounts.change_password(current_user, data["old_password"], data["new_password"])
    return jsonify({"message": "密码已修改，请重新登录"})
