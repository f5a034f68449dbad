"""Tables of the supervision figures that must not be recomputed per request: 案卷评查 facts and integrity checks.

- ``step_reviews``: one append-only row per completed step, written in the completing transaction, with
  every check of :mod:`handlers.case_review` and the step's A/V outcome; the A/V coverage figure and the
  per-case review page read these rows, grouped in SQL.
- ``case_scores``: the running totals of each case (checks, passed, score), working state updated in the
  same transaction (the case's row lock serialises it), so the agency's average and worst cases are one
  indexed query over cases rather than a sum over every step.
- ``supervision_rollups``: the figures that read an agency's whole history (stages, procedures, A/V, 案卷评查,
  检查台账, accountability), computed by the worker every few minutes and shown with their time, so a page
  costs the same at 10,000 and at 1,000,000 cases; working state, replaced at each refresh.
- ``integrity_checks``: the findings of the latest ``flask liuhen verify`` per agency (audit chain, record
  and A/V hashes, the file store, and leaks seen in exports and views); append-only, each sealed by an
  audit entry, so the supervision page shows them with their time without re-running the costly check.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Model
from webapp.models.base import UTCDateTime, append_only, utc_now


class StepReview(Model):
    __tablename__ = "step_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36), unique=True)
    spec_name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    completed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    av_outcome: Mapped[str | None] = mapped_column(String(10))  # recorded | reason | neither; None: not required
    av_basis: Mapped[str | None] = mapped_column(Text)
    checks: Mapped[int] = mapped_column(Integer)
    passed: Mapped[int] = mapped_column(Integer)
    missing_records: Mapped[int] = mapped_column(Integer)
    items: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)

    __table_args__ = (Index("ix_step_reviews_av", "agency_id", "av_outcome", "title", "av_basis"),
                      Index("ix_step_reviews_missing", "agency_id", "missing_records"))


class CaseScore(Model):
    __tablename__ = "case_scores"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    steps: Mapped[int] = mapped_column(Integer, default=0)
    checks: Mapped[int] = mapped_column(Integer, default=0)
    passed: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[float] = mapped_column(Float, default=100.0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)

    __table_args__ = (Index("ix_case_scores_agency_score", "agency_id", "score"),)


class IntegrityCheck(Model):
    __tablename__ = "integrity_checks"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    problems: Mapped[int] = mapped_column(Integer)
    findings: Mapped[list] = mapped_column(JSON)

    __table_args__ = (Index("ix_integrity_checks_agency", "agency_id", "id"),)


class SupervisionRollup(Model):
    """``window`` is '' for all time, else the period's UTC bounds; ``watermark`` the newest audit entry id when
    the figures were counted (every event they count appends one), so an unchanged watermark means exact figures."""

    __tablename__ = "supervision_rollups"
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    window: Mapped[str] = mapped_column(String(80), primary_key=True)
    figures: Mapped[dict] = mapped_column(JSON)
    watermark: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    as_of: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    seconds: Mapped[float] = mapped_column(Float)


append_only(StepReview, IntegrityCheck)
