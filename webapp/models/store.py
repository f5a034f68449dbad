"""Stored files and the audit chain: append-only."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Model
from webapp.models.base import UTCDateTime, append_only, utc_now


class StoredFile(Model):
    """A file in the content-addressed store; the same bytes are stored once."""

    __tablename__ = "stored_files"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))  # recordings pass 2 GiB
    content_type: Mapped[str] = mapped_column(String(100))
    original_name: Mapped[str] = mapped_column(String(300))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)


class AuditHead(Model):
    """The newest entry of an agency's audit chain; updating it serialises appends to the chain."""

    __tablename__ = "audit_heads"
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))
    #: the Merkle tree's compact range (roots of its perfect subtrees, hex), so a root costs log n hashes
    frontier: Mapped[list | None] = mapped_column(JSON)


class AuditEntry(Model):
    __tablename__ = "audit_entries"
    #: by action: verify finds quarantined strays, re-anchorings, its watermarks and access entries without a full read
    __table_args__ = (UniqueConstraint("agency_id", "seq"), Index("ix_audit_entries_action_agency", "action", "agency_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    seq: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(50))
    detail: Mapped[dict] = mapped_column(JSON)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    #: "key id:HMAC-SHA256 of hash" under the signing key kept outside the database (absent before issue 14)
    mac: Mapped[str | None] = mapped_column(String(100))


append_only(StoredFile, AuditEntry)
