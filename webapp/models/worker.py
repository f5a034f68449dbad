"""The worker service's own bookkeeping: scheduled jobs (one row each, claimed by advancing its next run), the
outbox of acts a request asked for and the worker performs (an electronic sending), and the heartbeat of each running
worker process — operational state, updated in place, never evidence (the evidence is the records they append)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Model
from webapp.models.base import UTCDateTime


class ScheduledJob(Model):
    """A periodic job (``tick``, ``purge-uploads``, ``verify`` …): whichever worker first locks the row when it is
    due moves ``next_run_at`` on and runs it; a failure sets a back-off and keeps its error for the admin page."""

    __tablename__ = "scheduled_jobs"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    next_run_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ok: Mapped[bool | None] = mapped_column(Boolean)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str | None] = mapped_column(String(1000))
    last_error: Mapped[str | None] = mapped_column(String(1000))
    worker: Mapped[str | None] = mapped_column(String(100))


class WorkerHeartbeat(Model):
    """One running worker process (host:pid), its last beat and what it is doing."""

    __tablename__ = "worker_heartbeats"
    worker: Mapped[str] = mapped_column(String(100), primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    beat_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    doing: Mapped[str | None] = mapped_column(String(200))
    jobs_done: Mapped[int] = mapped_column(Integer, default=0)
    jobs_failed: Mapped[int] = mapped_column(Integer, default=0)


class OutboxJob(Model):
    """An act outside the system that a request asked for — today an electronic sending (``kind`` =
    ``electronic_service``) — stored in the request's transaction with the record that asks for it
    (``record_id``), so a request that rolls back leaves no job and sends nothing.  The worker claims it like a
    render job (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a lease, back-off), performs it, and in one transaction
    appends the outcome as a new version of the record (``outcome_id``) and sets ``done_at``."""

    __tablename__ = "outbox_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(50))
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"))
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    not_before: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))

    #: the queue is the open rows only
    __table_args__ = (Index("ix_outbox_jobs_open", "id", postgresql_where=text("done_at IS NULL"),
                            sqlite_where=text("done_at IS NULL")),)
