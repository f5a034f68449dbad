"""Column types and the append-only guard every table module shares."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event
from sqlalchemy.types import DateTime, TypeDecorator

from handlers import clock


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC) if value is not None else None

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utc_now() -> dt.datetime:
    return clock.now()


class AppendOnlyViolation(RuntimeError):
    pass


def _refuse(mapper: Any, connection: Any, target: Any) -> None:
    raise AppendOnlyViolation(f"{target.__tablename__} 只能追加，不能修改或删除（更正请追加新版本）")


def append_only(*models: type) -> None:
    """Refuse in-place changes and deletions of these tables in the ORM (migrations add database triggers)."""
    for model in models:
        event.listen(model, "before_update", _refuse)
        event.listen(model, "before_delete", _refuse)
