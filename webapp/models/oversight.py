"""Tables of deadlines and compliance exceptions.

Deadlines live in the database, not in memory, so none is lost when the server restarts: the
service writes a row when a period starts and closes it when the step is done; "overdue" is a
query against the clock.  Compliance exceptions are append-only (granting and revoking are both
new rows, each sealed in the audit chain).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Model
from webapp.models.base import UTCDateTime, append_only, utc_now


class Deadline(Model):
    """One period running on a case: a task's deadline (补报, 一次性告知, 催告, decision, service, archive)."""

    __tablename__ = "deadlines"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    spec_name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(30))
    counting: Mapped[str] = mapped_column(String(200))
    basis: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="open")
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)

    __table_args__ = (Index("ix_deadlines_open", "agency_id", "status", "due_at"),
                      # a role's own open periods in due order (the overdue lists' 我的 page), not the agency's all
                      Index("ix_deadlines_open_role", "agency_id", "role", "due_at", "id",
                            postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")))


class ComplianceException(Model):
    """An administrator's recorded exception to one profile rule (or its revocation), with the reason."""

    __tablename__ = "compliance_exceptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    rule_id: Mapped[str] = mapped_column(String(64))
    basis: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(10))  # grant | revoke
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)


append_only(ComplianceException)
