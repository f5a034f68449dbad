"""The case 台账 of an agency for a period (year, quarter, month or any range of 立案 dates), and the period
filter the supervision pages share.

A 司法局 supervisor reads it for the agencies assigned to him (lishui-city 第五条、第二十二条): case number, 案由,
procedure, status, dates, the periods missed and the 案卷评查 score — the register, not the case file.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from handlers import clock
from webapp.db import db
from webapp.engine.diagrams import procedure_title
from webapp.models import Case, CaseScore, Deadline, StatusCount
from webapp.paging import Key, keyset, keyset_rows

LIMIT = 5000  # rows of the exported 台账
PAGE = 100  # rows of a page of the 台账 on screen
STATUSES = {"open": "办理中", "closed": "已结案"}
HEADERS = ("编号", "案由", "当事人", "执法程序", "状态", "启动时间", "最后办理时间", "逾期环节", "案卷评查得分")


@dataclass(frozen=True)
class Period:
    """A half-open range of local dates [start, end) and how people name it (2026年、2026年第1季度 …)."""

    start: dt.date
    end: dt.date
    label: str

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The range in UTC instants (the local days' midnights, China time)."""
        def at(day: dt.date) -> dt.datetime:
            return dt.datetime.combine(day, dt.time(), clock.CHINA).astimezone(dt.UTC)
        return at(self.start), at(self.end)


def period_of(args: Any) -> Period | None:
    """``?year=2026`` [``&quarter=1..4`` | ``&month=1..12``], or ``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (inclusive); none
    given (or not readable) is every case."""
    try:
        if args.get("from") and args.get("to"):
            start, last = dt.date.fromisoformat(args["from"]), dt.date.fromisoformat(args["to"])
            return Period(start, last + dt.timedelta(days=1), f"{start:%Y-%m-%d} 至 {last:%Y-%m-%d}") \
                if start <= last else None
        if not args.get("year"):
            return None
        year = int(args["year"])
        if args.get("quarter"):
            q = int(args["quarter"])
            if not 1 <= q <= 4:
                return None
            return Period(dt.date(year, 3 * q - 2, 1), _month_after(year, 3 * q), f"{year}年第{q}季度")
        if args.get("month"):
            m = int(args["month"])
            if not 1 <= m <= 12:
                return None
            return Period(dt.date(year, m, 1), _month_after(year, m), f"{year}年{m}月")
        return Period(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), f"{year}年")
    except ValueError:
        return None


def window_of(args: Any) -> tuple[dt.datetime, dt.datetime] | None:
    """The supervision figures' window from a period filter (``?year=…&quarter=…``, ``?from=…&to=…``), or all time."""
    period = period_of(args)
    return period.bounds() if period else None


def _month_after(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1)


#: a 台账 row as read: id, 案由, party, procedure, status, started, last handled, 案卷评查 score
Listed = Select[int, str, str, str, str, dt.datetime, dt.datetime, float]


def _listed(agency_id: int, period: Period | None) -> Listed:
    query = (select(Case.id, Case.title, Case.party_name, Case.process_id, Case.status, Case.created_at,
                    Case.updated_at, CaseScore.score)
             .outerjoin(CaseScore, CaseScore.case_id == Case.id).where(Case.agency_id == agency_id))
    if period is not None:
        start, end = period.bounds()
        query = query.where(Case.created_at >= start, Case.created_at < end)
    return query


def _rows(found: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The listed cases as 台账 rows, with their late or overdue steps counted for these cases only."""
    ids = [r[0] for r in found]
    late = dict(db.session.execute(select(Deadline.case_id, func.count()).where(
        Deadline.case_id.in_(ids),
        (Deadline.status == "late") | ((Deadline.status == "open") & (Deadline.due_at < clock.now())))
        .group_by(Deadline.case_id)).all()) if ids else {}
    return [(cid, title, party, procedure_title(pid), STATUSES.get(status, status), clock.local_text(created),
             clock.local_text(updated), late.get(cid, 0), "—" if score is None else round(score, 1))
            for cid, title, party, pid, status, created, updated, score in found]


def rows(agency_id: int, period: Period | None) -> list[tuple[Any, ...]]:
    """The 台账: one row per case started in ``period``, newest first (at most :data:`LIMIT`; the export)."""
    return _rows(db.session.execute(_listed(agency_id, period).order_by(Case.id.desc()).limit(LIMIT)).all())


def page(agency_id: int, period: Period | None, key: Key, per_page: int = PAGE) -> tuple[list[tuple[Any, ...]], bool, bool]:
    """One page of the 台账 after (or before) the case id of ``key``, newest first: its rows, and whether a page
    comes before and after it (the page costs the same however many cases the agency has)."""
    at = (key.after or key.before,) if key.given else None
    found = db.session.execute(keyset(_listed(agency_id, period), (Case.id,), at, key, per_page, descending=True)).all()
    shown, earlier, later = keyset_rows(found, key, per_page)
    return _rows(shown), earlier, later


def count(agency_id: int, period: Period | None) -> int:
    """How many cases the 台账 holds: the running counts for all time, else the cases started in the period."""
    if period is None:
        return int(db.session.scalar(select(func.coalesce(func.sum(StatusCount.n), 0)).where(
            StatusCount.agency_id == agency_id, StatusCount.subject == "case")) or 0)  # numeric on PostgreSQL
    start, end = period.bounds()
    return db.session.scalar(select(func.count()).select_from(Case).where(
        Case.agency_id == agency_id, Case.created_at >= start, Case.created_at < end)) or 0
