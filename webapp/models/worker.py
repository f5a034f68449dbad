"""The worker service's own bookkeeping: scheduled jobs (one row each, claimed by advancing its next run) and
the heartbeat of each running worker process — operational state, updated in place, never evidence."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Integer, String
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
