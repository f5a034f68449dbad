"""The SQLAlchemy handle, and the SQLite settings that make concurrent writers wait, not fail."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "ck": "ck_%(table_name)s_%(constraint_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
          "pk": "pk_%(table_name)s"}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
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
