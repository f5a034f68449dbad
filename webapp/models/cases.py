"""Cases, the index of their user tasks, and their records (append-only: a correction is a new version).

Cases carry the workflow state and a revision number that makes concurrent completion detectable.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import flag_modified

from webapp.db import Model
from webapp.models.base import UTCDateTime, append_only, utc_now
from webapp.models.diagrams import DiagramVersion

#: a period of the supervision figures, [start, end) in UTC
Window = tuple[dt.datetime, dt.datetime]


class Case(Model):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(100))
    diagram_version_id: Mapped[int] = mapped_column(ForeignKey("diagram_versions.id"))
    title: Mapped[str] = mapped_column(String(300))
    party_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    state: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    diagram: Mapped[DiagramVersion] = relationship()

    __mapper_args__ = {"version_id_col": revision}
    # covers the counts by status and procedure, and the open cases' versions and ids (supervision figures)
    __table_args__ = (Index("ix_cases_agency_status", "agency_id", "status", "process_id", "diagram_version_id", "id"),)

    def touch(self, at: dt.datetime) -> None:
        """Mark the case written at ``at``, bumping its revision even where ``at`` equals the last write (a fixed
        clock): every request that writes under the case lock must move the revision, which a completion's read
        compares to see whether it met a commit made after its snapshot (:func:`webapp.cases.completion._settled`)."""
        self.updated_at = at
        flag_modified(self, "updated_at")

    @staticmethod
    def started_in(window: Window | None) -> list[Any]:
        """The conditions for a case started (立案) in ``window`` [start, end), the supervision figures' period;
        none for all time."""
        return in_window(Case.created_at, window)


def in_window(column: Any, window: Window | None) -> list[Any]:
    """The conditions for ``column`` in ``window`` [start, end); none for all time (the supervision figures' period:
    cases by when they started, steps, checks and handovers by when they happened)."""
    return [] if window is None else [column >= window[0], column < window[1]]


_READY = text("state = 'ready'")
_NEVER_DUE = text("coalesce(due_at, '9999-01-01 00:00:00+00')")  # webapp.cases.queue.NEVER


class CaseTask(Model):
    """Index of the case's user tasks (ready and done) for inboxes; derived from the workflow state."""

    __tablename__ = "case_tasks"
    pk: Mapped[int] = mapped_column(primary_key=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    spec_name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default="ready")
    ready_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (Index("ix_case_tasks_inbox", "agency_id", "role", "state"),
                      # open tasks only (a few per open case, whatever the history): inboxes and stage counts
                      Index("ix_case_tasks_ready_role", "agency_id", "role", "due_at", postgresql_where=_READY,
                            sqlite_where=_READY),
                      Index("ix_case_tasks_ready_case", "agency_id", "case_id", "spec_name", postgresql_where=_READY,
                            sqlite_where=_READY),
                      # the lists' order (webapp.cases.queue: soonest due, no due time last, longest waiting): a page
                      # of the inbox is read off it instead of sorting every open task of the role with its case
                      Index("ix_case_tasks_ready_order", "agency_id", "role", _NEVER_DUE, "ready_at", "pk",
                            postgresql_where=_READY, sqlite_where=_READY),
                      # the case list's stage filter: the open tasks' titles, one index probe each
                      Index("ix_case_tasks_ready_title", "agency_id", "title", postgresql_where=_READY,
                            sqlite_where=_READY))


class Record(Model):
    """A record (文书 data, 笔录, A/V metadata).  Append-only: a correction is a new version."""

    __tablename__ = "records"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36), index=True)
    task_name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(50))
    version: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    payload: Mapped[dict] = mapped_column(JSON)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    content_hash: Mapped[str] = mapped_column(String(64))

    # a version is taken once: two records racing for the same number cannot both be stored
    __table_args__ = (Index("uq_records_task_kind_version", "task_id", "kind", "version", unique=True),)


append_only(Record)
