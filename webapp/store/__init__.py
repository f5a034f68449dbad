"""The file store: one backend per app (local directory or S3 bucket), and the table of what it holds.

Every caller reaches the store through :func:`current` and records a stored file with :func:`register`,
so the backend and the bookkeeping of stored files each have one home.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import current_app

from handlers import clock
from webapp.db import db
from webapp.models import StoredFile
from webapp.store.files import FileStore, LocalStore
from webapp.store.s3 import S3Store


def open_store(config: Mapping[str, Any]) -> FileStore:
    """The backend named by ``LIUHEN_STORAGE``: ``local`` (default) or ``s3://bucket/prefix``.

    ``LIUHEN_FILE_STORE`` is the local directory: the store itself, or the S3 backend's spool.
    """
    spec = str(config.get("LIUHEN_STORAGE") or "local")
    if spec == "local":
        return LocalStore(config["LIUHEN_FILE_STORE"])
    if spec.startswith("s3://"):
        return S3Store.from_config(spec, config)
    raise ValueError(f"LIUHEN_STORAGE 只能是 local 或 s3://存储桶/前缀，收到 {spec!r}")


def current() -> FileStore:
    """The file store of the running app."""
    store: FileStore = current_app.extensions["liuhen.files"]
    return store


def register(sha256: str, size: int, *, content_type: str, name: str, agency_id: int, user_id: int,
             at: dt.datetime | None = None) -> StoredFile:
    """Record that the store holds ``sha256`` (once: the same bytes are one row), flushed at once.

    The flush matters: rows that name the file (a 文书, a recording, an export) are inserted after it,
    and SQLAlchemy orders inserts of tables without a relationship by module name, not by foreign key.
    """
    row = db.session.get(StoredFile, sha256)
    if row is None:
        row = StoredFile(sha256=sha256, size=size, content_type=content_type, original_name=name,
                         agency_id=agency_id, uploaded_by=user_id, uploaded_at=at or clock.now())
        db.session.add(row)
        db.session.flush()
    return row
