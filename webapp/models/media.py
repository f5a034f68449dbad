"""Tables of audio/video evidence: uploads in progress, recordings' metadata, explanations of gaps,
long-term holds, requests awaiting the head's approval, disposals and export packages.

Metadata, explanations, holds, disposals and exports are append-only (ORM listeners here, database
triggers in the migration): a disposal is a new row, never a change to the recording's row, so the
metadata and the hash survive the bytes (pishan-culture 第二十条).  Upload sessions and requests are
working state, like a case, and their decisions are sealed in the audit chain.
"""
from __future__ import annotations

import datetime as dt
from typing import TypeVar

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from handlers.hashing import sha256_of
from webapp.db import Model
from webapp.models.base import UTCDateTime, append_only, utc_now


class UploadSession(Model):
    """A resumable upload: how many bytes have arrived, and the metadata to store when it finishes."""

    __tablename__ = "media_uploads"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    meta: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20), default="open")
    media_id: Mapped[int | None] = mapped_column(ForeignKey("media_items.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)


class MediaItem(Model):
    """One recording's metadata (naiman-culture 第十条: time, place, officers, subject), bound to its bytes by SHA-256."""

    __tablename__ = "media_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    sha256: Mapped[str] = mapped_column(ForeignKey("stored_files.sha256"), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(100))
    media_kind: Mapped[str] = mapped_column(String(10))
    file_name: Mapped[str] = mapped_column(String(300))
    cause: Mapped[str] = mapped_column(String(300))
    recorded_by: Mapped[str] = mapped_column(String(100))
    officers: Mapped[list] = mapped_column(JSON)
    device_id: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300))
    confidentiality: Mapped[str] = mapped_column(String(20))
    protected_persons: Mapped[bool] = mapped_column(Boolean)
    interruptions: Mapped[list] = mapped_column(JSON)
    incomplete: Mapped[bool] = mapped_column(Boolean)
    remote_reason: Mapped[str | None] = mapped_column(Text)
    returned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    handover_due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    handover_rule: Mapped[str] = mapped_column(String(100))
    late: Mapped[bool] = mapped_column(Boolean)
    retention_months: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    row_hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_media_items_agency_late", "agency_id", "late", "uploaded_at"),)


class MediaExplanation(Model):
    """工作情况说明 or a voice note explaining an interrupted or incomplete recording
    (naiman-culture 第十条, pishan-culture 第十九条（2）)."""

    __tablename__ = "media_explanations"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_items.id"), index=True)
    form: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    voice_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_files.sha256"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    row_hash: Mapped[str] = mapped_column(String(64))


class RetentionHold(Model):
    """A reason for long-term retention, on one recording or on every recording of a case (pishan-culture 第二十条)."""

    __tablename__ = "media_holds"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    media_id: Mapped[int | None] = mapped_column(ForeignKey("media_items.id"))
    trigger: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    row_hash: Mapped[str] = mapped_column(String(64))


class MediaRequest(Model):
    """Something that needs the head's approval: disposal, copying for another department, viewing a secret."""

    __tablename__ = "media_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    sha256: Mapped[str | None] = mapped_column(String(64))
    media_ids: Mapped[list] = mapped_column(JSON)
    department: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)


class FileDisposal(Model):
    """The approved removal of a file's bytes; the file's row, metadata and hash stay."""

    __tablename__ = "file_disposals"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    sha256: Mapped[str] = mapped_column(ForeignKey("stored_files.sha256"), unique=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("media_requests.id"))
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    retention_until: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    disposed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    row_hash: Mapped[str] = mapped_column(String(64))


class MediaExport(Model):
    """An export package (刻制光盘): which recordings, for what, made by whom, and the package's hash."""

    __tablename__ = "media_exports"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    department: Mapped[str | None] = mapped_column(String(200))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("media_requests.id"))
    extractor: Mapped[str] = mapped_column(String(200))
    producer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    media_ids: Mapped[list] = mapped_column(JSON)
    package_sha256: Mapped[str] = mapped_column(ForeignKey("stored_files.sha256"))
    size: Mapped[int] = mapped_column(BigInteger)
    manifest: Mapped[dict] = mapped_column(JSON)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    row_hash: Mapped[str] = mapped_column(String(64))


MEDIA_APPEND_ONLY = (MediaItem, MediaExplanation, RetentionHold, FileDisposal, MediaExport)
#: the append-only rows, each of which carries a ``row_hash``
_Sealed = TypeVar("_Sealed", MediaItem, MediaExplanation, RetentionHold, FileDisposal, MediaExport)


def row_hash(row: Model) -> str:
    """The hash of every column but the id and the hash itself; the audit entry that adds the row seals it."""
    return sha256_of({c.name: getattr(row, c.key) for c in row.__table__.columns if c.name not in ("id", "row_hash")})


def seal(row: _Sealed) -> _Sealed:
    row.row_hash = row_hash(row)
    return row


append_only(*MEDIA_APPEND_ONLY)
