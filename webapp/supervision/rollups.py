"""Supervision roll-ups: the figures that read an agency's whole history, counted by the worker and read back.

Counting cases by stage, 案卷评查 scores, A/V coverage and the accountability list means reading every open task,
case score and step review of the agency, so a page doing it grows with the agency's history.  The worker
(``supervision`` job, every ``LIUHEN_SUPERVISION_MINUTES``) counts them with the live functions of
:mod:`webapp.supervision.figures` and stores the result per agency (``supervision_rollups``); a page reads that
row and shows its time.  The figures that move with the clock (periods about to end, overdue items) are read live
from the running deadline counts and the open deadlines' index.

A stored row is served while nothing it counts has happened since (the newest audit entry id is unchanged —
every event it counts appends one, so the figures are exact), or while it is younger than
``LIUHEN_SUPERVISION_STALE_MINUTES``; otherwise the request counts once and stores the result.  A period's
figures (``?year=`` …) are rolled up the same way under the period's bounds, on first use.
"""
from __future__ import annotations

import datetime as dt
import functools
import time
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from handlers import clock
from webapp.db import db
from webapp.models import Agency, AuditEntry, Deadline, SupervisionRollup, Window
from webapp.supervision import figures as live

ALL = ""


def key(window: Window | None) -> str:
    return ALL if window is None else f"{window[0].isoformat()}/{window[1].isoformat()}"


def watermark() -> int:
    """The newest audit entry id (one primary-key lookup): unchanged means nothing a roll-up counts has happened."""
    return db.session.scalar(select(func.max(AuditEntry.id))) or 0


def refresh(agency_id: int, window: Window | None = None) -> SupervisionRollup:
    """Count the history figures live and store them (replacing the agency's row for ``window``)."""
    mark, started, now = watermark(), time.perf_counter(), clock.now()
    values = {"agency_id": agency_id, "window": key(window), "figures": live.history(agency_id, window),
              "watermark": mark, "as_of": now, "seconds": time.perf_counter() - started}
    db.session.execute(_upsert(db.session.get_bind().dialect.name), values)
    return SupervisionRollup(**values)


@functools.cache
def _upsert(dialect: str) -> Any:
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(SupervisionRollup)
    return stmt.on_conflict_do_update(index_elements=["agency_id", "window"], set_={
        c: stmt.excluded[c] for c in ("figures", "watermark", "as_of", "seconds")})


def _usable(row: SupervisionRollup | None) -> bool:
    if row is None:
        return False
    stale = dt.timedelta(minutes=float(current_app.config.get("LIUHEN_SUPERVISION_STALE_MINUTES", 15)))
    return clock.now() - row.as_of < stale or row.watermark == watermark()


def history(agency_id: int, window: Window | None = None) -> SupervisionRollup:
    """The agency's stored history figures if usable, else counted now and stored (committed: a page may store it)."""
    row = db.session.get(SupervisionRollup, (agency_id, key(window)))
    if _usable(row):
        assert row is not None  # _usable says so
        return row
    fresh = refresh(agency_id, window)
    db.session.commit()
    return fresh


def figures(agency_id: int, window: Window | None = None,
            overdue: list[tuple[Deadline, str]] | None = None) -> dict[str, Any]:
    """What the supervision pages and exports show: the history figures from the roll-up with its time
    (``as_of``), and the clock's figures live — the same keys as :func:`webapp.supervision.figures.figures`
    (``overdue``: the most overdue items, :data:`~webapp.supervision.figures.OVERDUE_LISTED`, if already read)."""
    row = history(agency_id, window)
    return {"at": clock.now().isoformat(), **row.figures, **live.current(agency_id, window, overdue),
            "as_of": row.as_of.astimezone(dt.UTC).isoformat(), "refresh_minutes": current_app.config.get("LIUHEN_SUPERVISION_MINUTES")}


def refresh_all() -> str:
    """The worker's job: every agency's all-time figures counted afresh; a period's row is dropped once stale
    (counted again when next asked for), so arbitrary periods do not pile up."""
    stale = clock.now() - dt.timedelta(minutes=float(current_app.config.get("LIUHEN_SUPERVISION_STALE_MINUTES", 15)))
    db.session.execute(delete(SupervisionRollup).where(SupervisionRollup.window != ALL, SupervisionRollup.as_of < stale))
    rows = [refresh(agency_id) for agency_id in db.session.scalars(select(Agency.id).order_by(Agency.id))]
    db.session.commit()
    return f"已汇总 {len(rows)} 个机构的执法监督数据，用时 {sum(r.seconds for r in rows):.1f} 秒"
