"""Agencies and their users: created here (the administrator's page, ``seed-demo`` and the CLI alike), and who is
calling: API tokens (``Authorization: Bearer …``) through Flask-Login's request loader.

A token is 32 random bytes shown once at login; only its SHA-256 is stored, so a leaked database
does not leak sessions.  Passwords are hashed with Werkzeug (scrypt).
"""
from __future__ import annotations

import secrets

from flask import Request
from flask_login import LoginManager
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from handlers.audit_actions import Action
from handlers.hashing import sha256_bytes
from webapp.db import db
from webapp.errors import Unauthorized
from webapp.models import Agency, User
from webapp.store import audit

login_manager = LoginManager()


def token_hash(token: str) -> str:
    return sha256_bytes(token)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


@login_manager.request_loader
def _from_token(request: Request) -> User | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    user = db.session.scalar(select(User).where(User.api_token_hash == token_hash(header[7:].strip())))
    return user if user is not None and user.active else None


def authenticate(username: str, password: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        raise Unauthorized("用户名或密码错误")
    return user


def issue_token(user: User) -> str:
    token = secrets.token_urlsafe(32)
    user.api_token_hash = token_hash(token)
    db.session.commit()
    return token


def create_agency(code: str, name: str, procedures: tuple[str, ...] = ()) -> Agency:
    """A new agency with its audit chain started; its profile (and so its procedures) is applied separately."""
    agency = Agency(code=code, name=name, profile={"procedures": list(procedures)})
    db.session.add(agency)
    db.session.flush()
    audit.start_chain(agency.id)
    db.session.flush()
    audit.append(agency.id, Action.AGENCY_CREATED, detail={"code": code, "name": name})
    return agency


def create_user(agency: Agency, username: str, display_name: str, roles: list[str], password: str) -> User:
    user = User(agency_id=agency.id, username=username, display_name=display_name, roles=roles,
                password_hash=generate_password_hash(password))
    db.session.add(user)
    db.session.flush()
    audit.append(agency.id, Action.USER_CREATED, detail={"user_id": user.id, "username": username, "roles": roles})
    return user
