"""The case 台账 of an agency for a period (year, quarter, month or any range of 立案 dates), and the period
filter the supervision pages share.

A 司法局 supervisor reads it for the agencies assigned to him (lishui-city 第五条、第二十二条): case number, 案由,
procedure, status, dates, the periods missed and the 案卷评查 score — the register, not the case file.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from handlers import clock
from webapp.db import db
from webapp.engine.diagrams import procedure_title
from webapp.models import Case, CaseScore, Deadline

LIMIT = 5000
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


def rows(agency_id: int, period: Period | None) -> list[tuple[Any, ...]]:
    """The 台账: one row per case started in ``period``, newest first (at most :data:`LIMIT`)."""
    late = (select(Deadline.case_id, func.count().label("n")).where(
        Deadline.agency_id == agency_id,
        (Deadline.status == "late") | ((Deadline.status == "open") & (Deadline.due_at < clock.now())))
        .group_by(Deadline.case_id).subquery())
    query = (select(Case.id, Case.title, Case.party_name, Case.process_id, Case.status, Case.created_at,
                    Case.updated_at, late.c.n, CaseScore.score)
             .outerjoin(late, late.c.case_id == Case.id).outerjoin(CaseScore, CaseScore.case_id == Case.id)
             .where(Case.agency_id == agency_id).order_by(Case.id.desc()).limit(LIMIT))
    if period is not None:
        start, end = period.bounds()
        query = query.where(Case.created_at >= start, Case.created_at < end)
    return [(cid, title, party, procedure_title(pid), STATUSES.get(status, status), clock.local_text(created),
             clock.local_text(updated), n or 0, "—" if score is None else round(score, 1))
            for cid, title, party, pid, status, created, updated, n, score in db.session.execute(query)]
