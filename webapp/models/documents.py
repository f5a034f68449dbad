"""Tables of the 文书: the 文号 counters and the sealed documents.

A document row is append-only (re-rendering adds a version that supersedes the last); its PDF is a
stored file named by its SHA-256.  A counter row holds the last 文号 issued per agency, series and
year; it is the only row here that is ever updated, always by ``last = last + 1`` in the
transaction that stores the document, so a rolled-back render gives its number back.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Model
from webapp.models.base import UTCDateTime, append_only, utc_now


class DocumentCounter(Model):
    __tablename__ = "document_counters"
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    series: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, nullable=False)


class Document(Model):
    """One rendered version of a 文书, linked to the task and records it was made from."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("agency_id", "number", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(100))
    number: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    sha256: Mapped[str] = mapped_column(ForeignKey("stored_files.sha256"))
    size: Mapped[int] = mapped_column(Integer)
    sources: Mapped[list] = mapped_column(JSON)
    made_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    made_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)


class RenderJob(Model):
    """A document a completed task calls for, queued in the completion's transaction and rendered after it.

    Rendering takes a tenth of a second or more; doing it after commit keeps the completion short and the
    SQLite write lock free.  A job left pending (crash, render error) is retried by ``flask liuhen
    render-pending``; nothing is lost because the job row commits with the task.
    """

    __tablename__ = "render_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    task_title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50))
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: the worker holding the claim (host:pid); a claim older than the lease is free again (a killed worker)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    #: after a failure, not retried before this moment (back-off doubling per attempt)
    not_before: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    last_error: Mapped[str | None] = mapped_column(String(1000))

    #: the queue is the pending rows only, however many 文书 were ever made
    __table_args__ = (Index("ix_render_jobs_pending", "id", postgresql_where=text("document_id IS NULL"),
                            sqlite_where=text("document_id IS NULL")),)


append_only(Document)
