"""Agencies and their users: created here (the administrator's page, ``seed-demo`` and the CLI alike); signing in
(等保 2.0 身份鉴别: lockout after repeated failures, the password policy, expiring per-device sessions); and who is
calling: a browser session or an API token (``Authorization: Bearer …``), both rows of ``user_sessions``.

A session's secret is 32 random bytes: an API token is shown once at login, a browser's is kept in its signed,
HttpOnly cookie; only the SHA-256 is stored, so a leaked database does not leak sessions.  Passwords are hashed
with Werkzeug (scrypt).  Every failure, lockout, sign-in, sign-out and revocation is in the agency's audit chain.
"""
from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from flask import Flask, Request, current_app, g, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from handlers import clock
from handlers.audit_actions import Action
from handlers.hashing import sha256_bytes
from handlers.passwords import Policy
from webapp.db import db
from webapp.errors import Forbidden, Invalid, Locked, Unauthorized
from webapp.models import Agency, User, UserSession
from webapp.store import audit

login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
SESSION_KEY = "liuhen_sid"
WRONG = "用户名或密码错误"
TOUCH_EVERY = dt.timedelta(minutes=1)


def install(app: Flask) -> None:
    login_manager.init_app(app)
    limiter.init_app(app)
    app.before_request(_touch)


def login_limit() -> str:
    """Failed sign-ins allowed per address (Flask-Limiter); the per-account lockout is in :func:`authenticate`."""
    return str(current_app.config["LIUHEN_LOGIN_LIMIT"])


def account_limit() -> str:
    """Failed sign-ins allowed per account name, whatever the address (names that do not exist cannot lock)."""
    return str(current_app.config["LIUHEN_LOGIN_ACCOUNT_LIMIT"])


def account_key() -> str:
    """The account a sign-in names (form or JSON), as the throttling key; unreadable bodies share one key."""
    name = request.form.get("username")
    if name is None and request.is_json:
        try:
            data = json.loads(request.get_data(cache=True) or b"null")
        except (ValueError, RecursionError):
            data = None
        name = data.get("username") if isinstance(data, dict) else None
    return f"account:{str(name or '')[:64]}"


def login_failed(response: Any) -> bool:
    return response.status_code in (Unauthorized.status, Locked.status)


def token_hash(token: str) -> str:
    return sha256_bytes(token)


def policy() -> Policy:
    c = current_app.config
    return Policy(c["LIUHEN_PASSWORD_MIN_LENGTH"], c["LIUHEN_PASSWORD_CLASSES"], c["LIUHEN_PASSWORD_MAX_AGE_DAYS"])


# --------------------------------------------------------------------------- who is calling


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    row = _live(session.get(SESSION_KEY), "web")
    return row.user if row is not None and str(row.user_id) == user_id else None


@login_manager.request_loader
def _from_token(req: Request) -> User | None:
    header = req.headers.get("Authorization", "")
    return row.user if header.startswith("Bearer ") and (row := _live(header[7:].strip(), "api")) else None


def _live(secret: str | None, kind: str) -> UserSession | None:
    """The session behind ``secret`` if it is still good: not revoked, not expired, not idle (browser), user active."""
    if not secret:
        return None
    row = db.session.scalar(select(UserSession).where(UserSession.secret_hash == token_hash(secret),
                                                      UserSession.kind == kind))
    now = clock.now()
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.user.active:
        return None
    if kind == "web" and now - row.last_used_at > dt.timedelta(minutes=current_app.config["LIUHEN_IDLE_MINUTES"]):
        end_session(row, "idle")
        db.session.commit()
        return None
    g.liuhen_session = row
    return row


def session_of(secret: str) -> UserSession:
    """The row of a secret just issued."""
    return db.session.execute(select(UserSession).where(UserSession.secret_hash == token_hash(secret))).scalar_one()


def current_session() -> UserSession | None:
    """The caller's session row (browser or token), once the caller is known."""
    return g.get("liuhen_session") if current_user.is_authenticated else None


def _touch() -> None:
    """Know the caller before any view runs, and note the time of use (at most once a minute) for the idle timeout."""
    row = current_session()
    if row is not None and clock.now() - row.last_used_at >= TOUCH_EVERY:
        row.last_used_at = clock.now()
        db.session.commit()


# --------------------------------------------------------------------------- signing in and out


def authenticate(username: str, password: str) -> User:
    """The user, if the password is right and the account not locked; a failure counts towards the lockout
    (``LIUHEN_LOCKOUT_ATTEMPTS`` in a row lock it for ``LIUHEN_LOCKOUT_MINUTES``), and is audited."""
    user = db.session.scalar(select(User).where(User.username == username))
    now = clock.now()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        audit.append(user.agency_id, Action.LOGIN_REFUSED_LOCKED, actor_id=user.id, detail=_who())
        db.session.commit()
        raise Locked(f"账号已因连续登录失败被锁定，请于 {clock.local_text(user.locked_until)} 后再试或联系机构管理员")
    if user is not None and not user.agency.settings.local_passwords:
        raise Unauthorized("本机构已停用本地密码登录，请使用统一身份认证（单点登录）")
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        if user is not None:
            _failed(user, now)
        raise Unauthorized(WRONG)
    user.failed_logins, user.locked_until = 0, None
    return user


def _failed(user: User, now: dt.datetime) -> None:
    user.failed_logins = (user.failed_logins or 0) + 1
    audit.append(user.agency_id, Action.LOGIN_FAILED, actor_id=user.id, detail={**_who(), "count": user.failed_logins})
    limit = current_app.config["LIUHEN_LOCKOUT_ATTEMPTS"]
    if user.failed_logins >= limit:
        user.locked_until = now + dt.timedelta(minutes=current_app.config["LIUHEN_LOCKOUT_MINUTES"])
        user.failed_logins = 0
        end_all(user, "lockout")
        audit.append(user.agency_id, Action.ACCOUNT_LOCKED, actor_id=user.id,
                     detail={**_who(), "attempts": limit, "until": user.locked_until.isoformat()})
    db.session.commit()


def _who() -> dict[str, str]:
    return {"address": request.remote_addr or "", "via": "api" if request.path.startswith("/api/") else "web"}


def start_session(user: User, kind: str, device: str = "", method: str = "password") -> str:
    """A new session for one device: its secret (shown once); the sign-in is audited."""
    secret = secrets.token_urlsafe(32)
    hours = current_app.config["LIUHEN_TOKEN_HOURS" if kind == "api" else "LIUHEN_SESSION_HOURS"]
    now = clock.now()
    row = UserSession(user_id=user.id, kind=kind, secret_hash=token_hash(secret), device=device[:100],
                      address=(request.remote_addr or "")[:64] if request else "", created_at=now,
                      last_used_at=now, expires_at=now + dt.timedelta(hours=hours))
    db.session.add(row)
    db.session.flush()
    audit.append(user.agency_id, Action.USER_SIGNED_IN, actor_id=user.id,
                 detail={"via": kind, "method": method, "session_id": row.id, "device": row.device,
                         "address": row.address})
    db.session.commit()
    return secret


def issue_token(user: User, device: str = "") -> str:
    """An API token for one device, expiring after ``LIUHEN_TOKEN_HOURS``; other devices keep theirs."""
    return start_session(user, "api", device)


def end_session(row: UserSession, reason: str, by: User | None = None) -> None:
    if row.revoked_at is not None:
        return
    row.revoked_at, row.revoked_reason = clock.now(), reason
    audit.append(row.user.agency_id, Action.USER_SIGNED_OUT if reason == "logout" else Action.SESSION_REVOKED,
                 actor_id=(by or row.user).id,
                 detail={"user_id": row.user_id, "session_id": row.id, "via": row.kind, "reason": reason})


def end_all(user: User, reason: str) -> None:
    """End every session of ``user`` (password change, lockout, administrator): each device must sign in again."""
    rows = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                        UserSession.revoked_at.is_(None)))
    for row in rows:
        end_session(row, reason)


def sessions_of(user: User) -> list[UserSession]:
    now = clock.now()
    return list(db.session.scalars(select(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None), UserSession.expires_at > now)
        .order_by(UserSession.id)))


def revoke(actor: User, session_id: int) -> UserSession:
    """The owner, or the administrator of the owner's agency, ends one session."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user.agency_id != actor.agency_id:
        raise Invalid(f"登录设备 {session_id} 不存在")
    if row.user_id != actor.id and not actor.has_role("admin"):
        raise Forbidden("只能注销自己的登录设备；注销他人的须由机构管理员操作")
    end_session(row, "logout" if row.user_id == actor.id else "admin", by=actor)
    db.session.commit()
    return row


def session_json(row: UserSession) -> dict[str, Any]:
    mine = g.get("liuhen_session")
    return {"id": row.id, "kind": row.kind, "device": row.device, "address": row.address,
            "created_at": row.created_at.isoformat(), "expires_at": row.expires_at.isoformat(),
            "last_used_at": row.last_used_at.isoformat(), "current": mine is not None and mine.id == row.id}


def sso_user(claims: dict[str, Any]) -> User:
    """The user a 统一身份认证 (OpenID Connect) sign-in names: by username (``LIUHEN_OIDC_USERNAME_CLAIM``) or by
    执法证号 (``LIUHEN_OIDC_BADGE_CLAIM``, matched to ``users.badge_no``); roles stay those kept here."""
    c = current_app.config
    username, badge = claims.get(c["LIUHEN_OIDC_USERNAME_CLAIM"]), claims.get(c["LIUHEN_OIDC_BADGE_CLAIM"])
    user = None
    if isinstance(badge, str) and badge:
        user = db.session.scalar(select(User).where(User.badge_no == badge))
    if user is None and isinstance(username, str) and username:
        user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise Forbidden("统一身份认证的账号在本系统中没有对应的启用用户（按用户名或执法证号对应），请联系机构管理员")
    if user.locked_until is not None and user.locked_until > clock.now():
        raise Locked(f"账号已被锁定，请于 {clock.local_text(user.locked_until)} 后再试或联系机构管理员")
    return user


# --------------------------------------------------------------------------- passwords


def password_due(user: User) -> bool:
    """The user must set a new password before anything else: first sign-in, after a reset, or expired."""
    if not user.agency.settings.local_passwords:
        return False  # signed in through 统一身份认证 only: no local password to change
    if user.must_change_password:
        return True
    days = current_app.config["LIUHEN_PASSWORD_MAX_AGE_DAYS"]
    changed = user.password_changed_at
    return bool(days) and changed is not None and clock.now() - changed > dt.timedelta(days=days)


def check_password(password: str, username: str) -> None:
    if problems := policy().problems(password, username):
        raise Invalid("密码不符合要求：" + "；".join(problems), fields={"new_password": problems})


def change_password(user: User, old: str, new: str) -> None:
    """The user's own change: the old password first, then the policy; every session of the user ends."""
    if not check_password_hash(user.password_hash, old):
        raise Unauthorized("原密码不正确")
    if old == new:
        raise Invalid("新密码不能与原密码相同", fields={"new_password": ["与原密码相同"]})
    check_password(new, user.username)
    set_password(user, new, by=user)
    db.session.commit()


def _hash(password: str) -> str:
    """The stored hash, by the configured method (werkzeug's ``scrypt`` unless ``LIUHEN_PASSWORD_HASH`` names another,
    e.g. ``pbkdf2:sha256:600000`` where only FIPS algorithms are allowed); old hashes keep verifying either way."""
    return generate_password_hash(password, method=current_app.config.get("LIUHEN_PASSWORD_HASH", "scrypt"))


def set_password(user: User, password: str, by: User) -> None:
    """Store a new password; set by an administrator it must be changed at the next sign-in.  Ends every session."""
    user.password_hash = _hash(password)
    user.password_changed_at = clock.now()
    user.must_change_password = by.id != user.id
    user.failed_logins, user.locked_until = 0, None
    end_all(user, "password")
    audit.append(user.agency_id, Action.PASSWORD_CHANGED, actor_id=by.id,
                 detail={"user_id": user.id, "by_admin": by.id != user.id})


# --------------------------------------------------------------------------- agencies and users


def create_agency(code: str, name: str, procedures: tuple[str, ...] = ()) -> Agency:
    """A new agency with its audit chain started; its profile (and so its procedures) is applied separately."""
    agency = Agency(code=code, name=name, profile={"procedures": list(procedures)})
    db.session.add(agency)
    db.session.flush()
    audit.start_chain(agency.id)
    db.session.flush()
    audit.append(agency.id, Action.AGENCY_CREATED, detail={"code": code, "name": name})
    return agency


def create_user(agency: Agency, username: str, display_name: str, roles: list[str], password: str,
                must_change: bool = False) -> User:
    """A user; ``must_change`` (an administrator chose the password) makes the first sign-in ask for a new one."""
    user = User(agency_id=agency.id, username=username, display_name=display_name, roles=roles,
                password_hash=_hash(password), password_changed_at=clock.now(),
                must_change_password=must_change, failed_logins=0)
    db.session.add(user)
    db.session.flush()
    audit.append(agency.id, Action.USER_CREATED, detail={"user_id": user.id, "username": username, "roles": roles})
    return user
