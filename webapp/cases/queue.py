"""Open tasks of a user's roles — the inbox, the approvals queue, ``GET /api/tasks`` — counted and paged in SQL.

An agency with 100,000 cases has thousands of open tasks; loading them all (and each case's workflow
state with them) to show twenty was what made the inbox slow.  Here the database counts, sorts and
returns one page, with only the case columns a list shows; a partial index on the ready tasks
(migration ``9c1e5a7d3b20``) keeps that cheap however many completed tasks the agency has.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import load_only

from handlers import clock
from webapp.db import db
from webapp.models import Case, CaseTask, User
from webapp.paging import clamp


@dataclass
class TaskPage:
    """One page of open tasks (task, case with id/title/party only), the total and how many are overdue."""

    items: list[tuple[CaseTask, Case]]
    page: int
    pages: int
    total: int
    overdue: int


def _ready(user: User, roles: Sequence[str] | None) -> Select[Any]:
    wanted = [r for r in (user.roles or []) if roles is None or r in roles]
    return select(CaseTask).where(CaseTask.agency_id == user.agency_id, CaseTask.state == "ready",
                                  CaseTask.role.in_(wanted))


def open_tasks(user: User, roles: Sequence[str] | None = None, *, only_overdue: bool = False,
               limit: int | None = None, offset: int = 0) -> list[tuple[CaseTask, Case]]:
    """Ready tasks of the user's roles (narrowed to ``roles``), soonest due first, with their cases' list columns."""
    query = _ready(user, roles)
    if only_overdue:
        query = query.where(CaseTask.due_at < clock.now())
    query = (query.add_columns(Case).join(Case, Case.id == CaseTask.case_id)
             .options(load_only(Case.id, Case.title, Case.party_name, Case.status))
             .order_by(CaseTask.due_at.is_(None), CaseTask.due_at, CaseTask.ready_at, CaseTask.pk)
             .offset(offset).limit(limit))
    return [(t, c) for t, c in db.session.execute(query)]


def counts(user: User, roles: Sequence[str] | None = None) -> tuple[int, int]:
    """How many open tasks the user's roles have, and how many of them are overdue (one grouped query)."""
    sub = _ready(user, roles).with_only_columns(CaseTask.due_at).subquery()
    total, late = db.session.execute(select(func.count(), func.count().filter(sub.c.due_at < clock.now()))
                                     .select_from(sub)).one()
    return total, late


def page_of(user: User, roles: Sequence[str] | None, page: int, per_page: int, only_overdue: bool = False) -> TaskPage:
    """The ``page``-th page (from 1, clamped to the last) of :func:`open_tasks`."""
    total, late = counts(user, roles)
    shown = late if only_overdue else total
    page, pages = clamp(page, shown, per_page)
    items = open_tasks(user, roles, only_overdue=only_overdue, limit=per_page, offset=(page - 1) * per_page)
    return TaskPage(items, page, pages, shown, late)
