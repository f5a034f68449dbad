"""Real databases and apps for the tests: SQLite in a file, or a private PostgreSQL schema; agencies made as
an administrator would make them (one user per role, the base diagrams deployed)."""
from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from handlers.clock import FixedClock
from handlers.hashing import sha256_bytes
from webapp import create_app
from webapp.accounts import create_agency, create_user, issue_token
from webapp.db import db
from webapp.demo import DEMO_USERS
from webapp.engine.deployment import deploy_base
from webapp.engine.diagrams import PROCEDURES

_agency_numbers = itertools.count(1)


@contextmanager
def private_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite in a temporary file, or a private schema of LIUHEN_TEST_DATABASE_URL, dropped afterwards.

    A schema per test run lets several runs share one PostgreSQL database without meeting.
    """
    url = os.environ.get("LIUHEN_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        return
    schema = f"liuhen_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


@contextmanager
def migrated_app(database_url: str, tmp_path_factory: pytest.TempPathFactory, clock: FixedClock,
                 **config: object) -> Iterator[Flask]:
    """The test app on a migrated database, files in the local store unless ``config`` says otherwise."""
    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "LIUHEN_STORAGE": "local",
        "LIUHEN_FILE_STORE": str(tmp_path_factory.mktemp("files")), "LIUHEN_CLOCK": clock,
        "SECRET_KEY": "test", "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
        # one key per database, as in production: an app restarted on the same database signs with the same key
        "LIUHEN_SIGNING_KEY_FILE": str(tmp_path_factory.getbasetemp() / "keys" / f"{sha256_bytes(database_url)[:16]}.pem"),
        "LIUHEN_RENDER_AT_START": False, **config,
    })
    with app.app_context():
        upgrade(revision="heads")
    yield app
    with app.app_context():
        db.engine.dispose()


def make_agency(app) -> SimpleNamespace:
    """A fresh agency with one user per role and the base diagrams deployed."""
    n = next(_agency_numbers)
    with app.app_context():
        agency = create_agency(f"test-{os.getpid()}-{n}", f"测试执法队{n}", PROCEDURES)
        users = {username: create_user(agency, f"{username}-{os.getpid()}-{n}", name, roles, "pw")
                 for username, name, roles in DEMO_USERS}
        deploy_base(agency, PROCEDURES)
        db.session.commit()
        tokens = {k: issue_token(u) for k, u in users.items()}
        out = SimpleNamespace(id=agency.id, code=agency.code, user_ids={k: u.id for k, u in users.items()},
                              usernames={k: u.username for k, u in users.items()}, tokens=tokens)
        db.session.remove()
    return out
