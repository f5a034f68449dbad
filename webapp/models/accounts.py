"""Agencies and their users."""
from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String
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
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list] = mapped_column(JSON, default=list)
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    agency: Mapped[Agency] = relationship()

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def has_role(self, role: str) -> bool:
        return role in (self.roles or [])

    def has_any(self, *roles: str) -> bool:
        """Holds at least one of ``roles`` (a role group from :mod:`handlers.roles`)."""
        return any(r in (self.roles or []) for r in roles)
