"""Agencies and their users."""
from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import JSON, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from handlers.settings import Settings
from webapp.db import Model
from webapp.models.base import UTCDateTime, utc_now


class Agency(Model):
    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    profile: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)

    @property
    def settings(self) -> Settings:
        """The profile's settings, typed (the only reader of ``profile``)."""
        return Settings.of(self.profile)


class User(UserMixin, Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    badge_no: Mapped[str | None] = mapped_column(String(40), unique=True)  # 执法证号, matched at single sign-on
    badge_valid_until: Mapped[dt.date | None] = mapped_column(Date)  # 执法证有效期（含当日）
    email: Mapped[str | None] = mapped_column(String(200))  # where notifications go (webapp.cases.notifications)
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    agency: Mapped[Agency] = relationship()

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def has_role(self, role: str) -> bool:
        return role in (self.roles or [])

    def has_any(self, *roles: str) -> bool:
        """Holds at least one of ``roles`` (a role group from :mod:`handlers.roles`)."""
        return any(r in (self.roles or []) for r in roles)


class UserSession(Model):
    """One signed-in device: an API token (``kind='api'``) or a browser session (``kind='web'``).

    Only the SHA-256 of its secret is stored.  It ends when it expires, when it is idle too long (browser),
    when its owner signs out on it, or for every device at once on a password change, a lockout or by the
    administrator; an ended row is kept (``revoked_at``, ``revoked_reason``) as the sign-in history.
    """

    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_used_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(20))
    user: Mapped[User] = relationship()
