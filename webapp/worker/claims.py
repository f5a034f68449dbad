"""Claiming a queued job (a 文书 to render, an outbox act to perform) so that exactly one worker does it.

A job row has ``claimed_at``/``claimed_by`` (a lease: a claim older than :data:`CLAIM_TIMEOUT` is free again, its
worker was killed mid-job and its transaction rolled back), ``not_before`` (the back-off after a failure) and
``attempts``.  The render queue (:mod:`.sealing`) and the outbox (:mod:`.outbox`) claim the same way.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any, cast

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.engine import CursorResult

from handlers import clock
from webapp.db import db

#: a claim older than this is free again: the worker that held it was killed mid-job (its transaction rolled back)
CLAIM_TIMEOUT = dt.timedelta(minutes=5)
#: the first retry after a failure waits this long, doubling per attempt up to BACKOFF_MAX
BACKOFF = dt.timedelta(seconds=30)
BACKOFF_MAX = dt.timedelta(hours=1)


def backoff(attempts: int) -> dt.timedelta:
    return min(BACKOFF * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def claimable(model: Any, open_: ColumnElement[bool], now: dt.datetime, ignore_backoff: bool) -> list[Any]:
    """The conditions of a job ``model`` (a mapped class with the claim columns) that is open, free and due."""
    conditions = [open_, or_(model.claimed_at.is_(None), model.claimed_at < now - CLAIM_TIMEOUT)]
    if not ignore_backoff:
        conditions.append(or_(model.not_before.is_(None), model.not_before <= now))
    return conditions


def claim(model: Any, open_: ColumnElement[bool], worker: str, case_id: int | None = None,
          ignore_backoff: bool = False, skip: Collection[int] = ()) -> int | None:
    """Claim the oldest job of ``model`` that is open, free and due, in a short transaction of its own.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED`` lets several workers take different jobs at once without waiting
    on each other; the conditional UPDATE then makes the claim (and is what guards SQLite, which has no row
    locks).  Returns None when nothing is free."""
    for _attempt in range(5):  # on SQLite another worker may claim the row between our SELECT and UPDATE
        now = clock.now()
        conditions = claimable(model, open_, now, ignore_backoff)
        query = select(model.id).where(*conditions).order_by(model.id).limit(1)
        if case_id is not None:
            query = query.where(model.case_id == case_id)
        if skip:
            query = query.where(model.id.not_in(skip))
        job_id = db.session.scalar(query.with_for_update(skip_locked=True))
        if job_id is None:
            db.session.rollback()
            return None
        # DML executes to a CursorResult, which has the rowcount; Session.execute is typed as returning a plain Result
        claimed = cast("CursorResult[Any]", db.session.execute(
            update(model).where(model.id == job_id, *conditions)
            .values(claimed_at=now, claimed_by=worker, attempts=model.attempts + 1)
            .execution_options(synchronize_session=False)))
        db.session.commit()
        if claimed.rowcount == 1:
            return cast(int, job_id)
    return None
