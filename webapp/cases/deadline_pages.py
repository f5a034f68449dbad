"""The overdue and about-to-end lists (``/oversight/deadlines`` and ``/oversight/api/deadlines``), a page at a time.

Each list is ordered by due moment, then id; a page starts after (or ends before) the period named by its id
(``?after=`` / ``?before=``), found through the open periods' index (agency, status, due moment), so the 50th page
costs what the first does and a page reads ``per_page + 1`` rows however many periods an agency let run out.  The
lists count nothing: counting the late periods grew with them (issue 15 point 5); how many periods are open is the
running count the triggers keep (``status_counts``), the overdue figure is on the supervision page.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, select

from handlers import clock
from handlers.roles import OVERDUE_QUEUE_ROLES
from webapp.cases import deadlines
from webapp.db import db
from webapp.models import Agency, Deadline, StatusCount, User
from webapp.paging import Key, keyset, keyset_rows

#: the lists, in the order a page shows them: the user's roles' own, then (managers) the agency's queue
LISTS = ("mine", "mine_soon", "queue", "queue_soon")
ORDER = (Deadline.due_at, Deadline.id)


@dataclass
class DeadlinePage:
    """One page of a list: (period, case title) rows, and the ids the previous and the next page are keyed on."""

    name: str
    items: list[tuple[Deadline, str]]
    before_id: int | None = None
    after_id: int | None = None


def visible(user: User) -> tuple[str, ...]:
    """The lists the user sees: everyone their roles' own; reviewers, legal reviewers, approvers and administrators
    the agency's queue as well."""
    return LISTS if user.has_any(*OVERDUE_QUEUE_ROLES) else LISTS[:2]


def _listed(user: User, name: str, now: dt.datetime) -> Select[Deadline, str]:
    query = deadlines.with_title().where(Deadline.agency_id == user.agency_id, Deadline.status == "open")
    if name.endswith("_soon"):
        agency = db.session.get(Agency, user.agency_id)
        hours = agency.settings.deadline_warning_hours if agency else 0
        query = query.where(Deadline.due_at >= now, Deadline.due_at <= now + dt.timedelta(hours=hours))
    else:
        query = query.where(Deadline.due_at < now)
    if name.startswith("mine"):
        query = query.where(Deadline.role.in_(tuple(user.roles or ())))
    return query


def page(user: User, name: str, key: Key, per_page: int) -> DeadlinePage:
    """The page of list ``name`` after (or before) the period of ``key`` (the first page without one); a period that
    has since been closed still marks its place."""
    at = db.session.execute(select(*ORDER).where(Deadline.id == (key.after or key.before))).one_or_none() \
        if key.given else None
    key = key if at is not None else Key()
    query = _listed(user, name, clock.now())
    if at is not None:  # the index's range starts at the key's due moment; the pair then orders the ties
        query = query.where(Deadline.due_at <= at[0] if key.before is not None else Deadline.due_at >= at[0])
    rows, earlier, later = keyset_rows(db.session.execute(keyset(query, ORDER, at, key, per_page)).all(), key,
                                       per_page)
    items = [(d, title) for d, title in rows]
    return DeadlinePage(name, items, items[0][0].id if earlier and items else None,
                        items[-1][0].id if later and items else None)


def open_count(agency_id: int) -> int:
    """How many periods of the agency are open: the running count, one row, however long the history."""
    return int(db.session.scalar(select(StatusCount.n).where(
        StatusCount.agency_id == agency_id, StatusCount.subject == "deadline", StatusCount.status == "open")) or 0)
