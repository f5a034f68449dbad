"""Abandoned uploads: a resumable upload that stops arriving would keep its partial bytes forever.

``flask liuhen purge-uploads`` removes the partial bytes of open uploads idle longer than
``LIUHEN_UPLOAD_EXPIRY_DAYS`` (default 7) and marks them expired, one audit entry each.  Only open
uploads are touched: a finished recording lives in the store under its hash, not in the spool.
"""
from __future__ import annotations

import datetime as dt
import os

from flask import current_app
from sqlalchemy import select

from handlers import clock
from handlers.audit_actions import Action
from webapp import store
from webapp.db import db
from webapp.models import UploadSession
from webapp.store import audit
from webapp.store.files import UPLOAD_DIGESTS

DEFAULT_EXPIRY_DAYS = 7.0


def expiry_days() -> float:
    return float(current_app.config.get("LIUHEN_UPLOAD_EXPIRY_DAYS") or os.environ.get("LIUHEN_UPLOAD_EXPIRY_DAYS")
                 or DEFAULT_EXPIRY_DAYS)


def expired_message(s: UploadSession) -> str:
    return (f"上传 {s.id} 已过期：超过 {expiry_days():g} 天未续传，已接收的部分已于 "
            f"{clock.local_text(s.updated_at)} 清除；请重新发起上传")


def purge(days: float | None = None) -> list[tuple[str, int]]:
    """Expire every open upload idle for more than ``days``; return (upload id, bytes removed) of each."""
    limit = expiry_days() if days is None else days
    if limit <= 0:
        raise ValueError("过期天数须大于 0")
    cutoff = clock.now() - dt.timedelta(days=limit)
    ids = list(db.session.scalars(select(UploadSession.id).where(UploadSession.state == "open",
                                                                 UploadSession.updated_at < cutoff)))
    db.session.rollback()
    return [done for upload_id in ids if (done := _expire(upload_id, cutoff, limit)) is not None]


def _expire(upload_id: str, cutoff: dt.datetime, limit: float) -> tuple[str, int] | None:
    """Under the upload's lock, so a chunk arriving at this moment either lands first (and the upload
    is no longer idle) or finds the upload expired."""
    partial = store.current().partial(upload_id)
    with partial.locked():
        s = db.session.get(UploadSession, upload_id, with_for_update=True, populate_existing=True)
        if s is None or s.state != "open" or s.updated_at >= cutoff:
            db.session.rollback()
            return None
        removed, idle_since = partial.size(), s.updated_at
        s.state, s.updated_at = "expired", clock.now()
        audit.append(s.agency_id, Action.MEDIA_UPLOAD_EXPIRED, case_id=s.case_id,
                     detail={"upload_id": s.id, "received": s.received, "size": s.size, "bytes_removed": removed,
                             "idle_since": idle_since.isoformat(), "expiry_days": limit})
        db.session.commit()
        partial.discard()
    UPLOAD_DIGESTS.drop(upload_id)
    return upload_id, removed
