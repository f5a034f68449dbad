"""The SQLAlchemy handle, and the SQLite settings that make concurrent writers wait, not fail."""
from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any, cast

import orjson
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, Table, event, insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "ck": "ck_%(table_name)s_%(constraint_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
          "pk": "pk_%(table_name)s"}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


#: orjson reads an integer beyond 64 bits as a float, losing its last digits, where it should refuse it (one of 19
#: digits may already be below −2⁶³): a text holding a run of 19 digits — in a string too, read slower, never wrongly —
#: goes to the standard library.  The run is found by mapping every digit to 0 and every other byte to a space (a
#: regular expression took seven times orjson's own time on a workflow state)
_DIGITS = bytes(48 if 48 <= i <= 57 else 32 for i in range(256))
_LONG = b"0" * 19


def json_loads(text: str | bytes) -> Any:
    """JSON read off the database — the records, the agency's 20–55 KB profile snapshot, a case's workflow state — by
    orjson, at a fraction of the standard library's time, except what orjson would misread (a long integer: read as a
    float) or refuses (``NaN``): those the standard library reads as before."""
    if _LONG in (text.encode() if isinstance(text, str) else text).translate(_DIGITS):
        return json.loads(text)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


# SQLite's JSON columns through SQLAlchemy, PostgreSQL's through psycopg's loader (SQLAlchemy sets it on each connection)
db = SQLAlchemy(model_class=Base, engine_options={"json_deserializer": json_loads})
migrate = Migrate()

if TYPE_CHECKING:
    import flask_sqlalchemy.model

    class Model(flask_sqlalchemy.model.Model, Base):
        """What ``db.Model`` is at run time; Flask-SQLAlchemy types it too loosely to subclass."""

else:
    Model = db.Model


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API objects
    """Foreign keys on; a writer waits up to 30 s for another instead of failing at once.

    Write-ahead logging with full sync: a commit is one fsync of the log instead of the rollback
    journal's several, readers do not block the writer, and a committed record survives a power cut.
    """
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()


def table(model: Any) -> Table:
    """A mapped class's table, typed as one (``__table__`` is typed as any FROM clause): a statement on the table
    skips the ORM's bookkeeping where no mapped object is written or returned."""
    return cast(Table, model.__table__)


def insert_now(obj: Any) -> None:
    """INSERT a new mapped object's values at once, on its table, without adding it to the session: for a row the
    transaction writes and never reads back (a step's review, an audit entry), the unit of work's bookkeeping at
    flush cost more than the INSERT itself.  The object stays transient (no ``id``)."""
    t = table(obj)
    db.session.execute(_insert(t), {c.key: getattr(obj, c.key) for c in t.columns if c.key in vars(obj)})


@functools.cache
def _insert(t: Table) -> Any:
    """One INSERT statement per table, its values passed as parameters: built and keyed for the cache once."""
    return insert(t)
