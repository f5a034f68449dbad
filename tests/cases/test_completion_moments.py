"""When the case's tasks ended is read with the completion's one read under the lock, as text (an aggregate of all
of them): the text must parse whatever the database session's DateStyle and TimeZone are, or a period that runs
from an earlier step's end would start at the wrong moment or fail the completion."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, literal, select, text

from webapp.cases.completion import FIELD, _ended, _moment_text
from webapp.db import db


def test_an_end_moment_reads_back_the_same_under_any_session_datestyle_and_time_zone(app):
    moment = dt.datetime(2026, 3, 2, 2, 0, 5, 123456, tzinfo=dt.UTC)
    with app.app_context():
        dialect = db.engine.dialect.name
        if dialect == "postgresql":  # what an installation may set; SQLite has neither setting
            db.session.execute(text("SET LOCAL DateStyle = 'SQL, DMY'"))
            db.session.execute(text("SET LOCAL TIME ZONE 'Asia/Shanghai'"))
        shown = db.session.scalar(select(_moment_text(literal(moment, DateTime(timezone=True)), dialect)))
        db.session.rollback()
    assert _ended(f"t_approval{FIELD}{shown}") == {"t_approval": moment}, shown
