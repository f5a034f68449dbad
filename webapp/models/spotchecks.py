"""Tables of the 检查台账 (spot checks of recordings and case files) and of 司法局 supervision scopes.

Both are append-only (ORM listeners here, database triggers in the migration): a follow-up check
(复查) is a new row pointing at the check it follows up, and revoking a supervision scope is a new
row too, so the ledger shows every check and every grant as it was made.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Model
from webapp.models.base import UTCDateTime, append_only, utc_now


class SpotCheck(Model):
    """One entry of the 检查台账 (naiman-culture 第十四条): who checked which recording or case file, what, and the finding."""

    __tablename__ = "spot_checks"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    media_id: Mapped[int | None] = mapped_column(ForeignKey("media_items.id"), index=True)
    checker_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    aspects: Mapped[list] = mapped_column(JSON)
    finding: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text)
    rectification: Mapped[str | None] = mapped_column(Text)
    follow_up_of: Mapped[int | None] = mapped_column(ForeignKey("spot_checks.id"), unique=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)

    __table_args__ = (Index("ix_spot_checks_ledger", "agency_id", "at"),)


class SupervisionScope(Model):
    """A 司法局 supervisor's assignment to (or removal from) one agency's figures (lishui-city 第五条); newest row wins."""

    __tablename__ = "supervision_scopes"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    action: Mapped[str] = mapped_column(String(10))  # grant | revoke
    reason: Mapped[str] = mapped_column(Text)
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)


append_only(SpotCheck, SupervisionScope)
