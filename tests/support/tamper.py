"""Tampering as an attacker with direct database access would: around the append-only triggers."""
from __future__ import annotations

from typing import Any

from sqlalchemy import text

from webapp.db import db


def tamper(sql: str, **params: Any) -> int:
    """Run ``sql`` with the append-only triggers bypassed; return the number of rows changed."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
        count = db.session.execute(text(sql), params).rowcount
    else:
        triggers = db.session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
        for name, _ in triggers:
            db.session.execute(text(f"DROP TRIGGER {name}"))
        count = db.session.execute(text(sql), params).rowcount
        for _, ddl in triggers:
            db.session.execute(text(ddl))
    db.session.commit()
    return count
