"""Diagram versions (immutable) and which one an agency's new cases use."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Model
from webapp.models.base import UTCDateTime, append_only, utc_now


class DiagramVersion(Model):
    """One immutable version of a procedure: its BPMN sources and its parsed spec, stored once."""

    __tablename__ = "diagram_versions"
    __table_args__ = (UniqueConstraint("process_id", "agency_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    version: Mapped[int] = mapped_column(Integer)
    sources: Mapped[dict] = mapped_column(JSON)
    sources_sha256: Mapped[str] = mapped_column(String(64), index=True)
    spec: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Deployment(Model):
    """Which diagram version new cases of an agency use; the newest row wins, older rows are history."""

    __tablename__ = "deployments"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(100))
    diagram_version_id: Mapped[int] = mapped_column(ForeignKey("diagram_versions.id"))
    deployed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    deployed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


append_only(DiagramVersion, Deployment)
