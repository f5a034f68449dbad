"""Running counts of cases (per procedure) and deadlines in each status, per agency.

Supervision shows these counts on every page view; counting 100,000 cases and 150,000 deadlines each
time cost tens of milliseconds per figure.  Database triggers (migration ``9c1e5a7d3b20``) keep the
counts as rows are inserted, change status or are deleted, whatever code does it (the case service,
timers, the bulk generator).  On PostgreSQL the triggers are deferred to commit, when the transaction
already holds its agency's audit-chain head, so two transactions never take the same locks in opposite
orders.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Model


class StatusCount(Model):
    """``subject`` is ``case`` (``process_id`` = the procedure) or ``deadline`` (``process_id`` = '')."""

    __tablename__ = "status_counts"
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    subject: Mapped[str] = mapped_column(String(20), primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
