"""Tables.  Records, audit entries, stored files and diagram versions are append-only;
cases carry the workflow state and a revision number that makes concurrent completion detectable.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import DateTime, TypeDecorator

from handlers import clock

from .db import db


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.timezone.utc) if value is not None else None

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


def _now() -> dt.datetime:
    return clock.now()


class Agency(db.Model):
    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    profile: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)


class User(UserMixin, db.Model):
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


class DiagramVersion(db.Model):
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
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Deployment(db.Model):
    """Which diagram version new cases of an agency use; the newest row wins, older rows are history."""

    __tablename__ = "deployments"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(100))
    diagram_version_id: Mapped[int] = mapped_column(ForeignKey("diagram_versions.id"))
    deployed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)
    deployed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Case(db.Model):
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
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)
    diagram: Mapped[DiagramVersion] = relationship()

    __mapper_args__ = {"version_id_col": revision}
    # covers the counts by status and procedure, and the open cases' versions and ids (supervision figures)
    __table_args__ = (Index("ix_cases_agency_status", "agency_id", "status", "process_id", "diagram_version_id", "id"),)


_READY = text("state = 'ready'")


class CaseTask(db.Model):
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
    ready_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (Index("ix_case_tasks_inbox", "agency_id", "role", "state"),
                      # open tasks only (a few per open case, whatever the history): inboxes and stage counts
                      Index("ix_case_tasks_ready_role", "agency_id", "role", "due_at", postgresql_where=_READY,
                            sqlite_where=_READY),
                      Index("ix_case_tasks_ready_case", "agency_id", "case_id", "spec_name", postgresql_where=_READY,
                            sqlite_where=_READY))


class Record(db.Model):
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
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)
    content_hash: Mapped[str] = mapped_column(String(64))


class StoredFile(db.Model):
    """A file in the content-addressed store; the same bytes are stored once."""

    __tablename__ = "stored_files"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))  # recordings pass 2 GiB
    content_type: Mapped[str] = mapped_column(String(100))
    original_name: Mapped[str] = mapped_column(String(300))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_now)


class AuditHead(db.Model):
    """The newest entry of an agency's audit chain; updating it serialises appends to the chain."""

    __tablename__ = "audit_heads"
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (UniqueConstraint("agency_id", "seq"),)
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


APPEND_ONLY = (Record, AuditEntry, StoredFile, DiagramVersion, Deployment)


class AppendOnlyViolation(RuntimeError):
    pass


def _refuse(mapper: Any, connection: Any, target: Any) -> None:
    raise AppendOnlyViolation(f"{target.__tablename__} 只能追加，不能修改或删除（更正请追加新版本）")


for _model in APPEND_ONLY:
    event.listen(_model, "before_update", _refuse)
    event.listen(_model, "before_delete", _refuse)
