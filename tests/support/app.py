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
from sqlalchemy import select

from handlers.clock import FixedClock
from handlers.hashing import sha256_bytes
from webapp import create_app
from webapp.accounts import create_agency, create_user, issue_token
from webapp.db import db
from webapp.demo import DEMO_USERS
from webapp.engine.deployment import deploy_base
from webapp.engine.diagrams import PROCEDURES
from webapp.engine.profiles import apply_profile, load_profile
from webapp.models import Agency
from webapp.supervision.scopes import assign

_agency_numbers = itertools.count(1)
#: tests move the clock by days and sign in from one address many times: sessions outlive that and the
#: per-address limit is high, unless a test of expiry, idle timeout or throttling sets its own (monkeypatch)
LONG_SESSIONS = {"LIUHEN_TOKEN_HOURS": 24 * 365 * 20, "LIUHEN_SESSION_HOURS": 24 * 365 * 20,
                 "LIUHEN_IDLE_MINUTES": 60 * 24 * 365 * 20, "LIUHEN_LOGIN_LIMIT": "10000 per minute",
                 "LIUHEN_LOGIN_ACCOUNT_LIMIT": "10000 per minute"}


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
        "SECRET_KEY": "test", "MAX_CONTENT_LENGTH": 5 * 1024 * 1024, **LONG_SESSIONS,
        # one key per database, as in production: an app restarted on the same database signs with the same key
        "LIUHEN_SIGNING_KEY_FILE": str(tmp_path_factory.getbasetemp() / "keys" / f"{sha256_bytes(database_url)[:16]}.pem"),
        "LIUHEN_DOCUMENT_CERTS": str(tmp_path_factory.getbasetemp() / "document_certs" / sha256_bytes(database_url)[:16]),
        # tests read a case's 文书 right after completing its task: render in the request, not in a worker
        "LIUHEN_RENDER_AT_START": False, "LIUHEN_RENDER_INLINE": True,
        # tests read the supervision figures right after a step: a roll-up serves only while nothing has happened since
        "LIUHEN_SUPERVISION_STALE_MINUTES": 0,
        # scrypt costs 76 ms a user and the walks create hundreds; a real but cheap hash (the sign-in tests still check it)
        "LIUHEN_PASSWORD_HASH": "pbkdf2:sha256:1000", **config,
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


def judicial_supervisor(app, *supervised: SimpleNamespace) -> SimpleNamespace:
    """A 司法局 with one 司法局执法监督 user, assigned the given agencies."""
    with app.app_context():
        n = db.session.scalar(select(db.func.count()).select_from(Agency))
        justice = create_agency(f"justice-{os.getpid()}-{n}", f"测试司法局{n}", PROCEDURES)
        user = create_user(justice, f"judicial-{os.getpid()}-{n}", "周正（司法局执法监督）", ["judicial"], "pw")
        for a in supervised:
            assign(user, db.session.get(Agency, a.id), "行政区域内的执法机关")
        db.session.commit()
        return SimpleNamespace(id=user.id, username=user.username, token=issue_token(user), agency_id=justice.id)


_profiled_numbers = itertools.count(1)


def profiled(app, code: str) -> SimpleNamespace:
    """A fresh agency (code unique to the test run) with one user per role, made from profile ``code``."""
    n = next(_profiled_numbers)
    with app.app_context():
        agency = create_agency(f"{code}-t{os.getpid()}-{n}", code, PROCEDURES)
        users = {u: create_user(agency, f"{u}-p{os.getpid()}-{n}", name, roles, "pw") for u, name, roles in DEMO_USERS}
        apply_profile(agency, load_profile(code))
        db.session.commit()
        out = SimpleNamespace(id=agency.id, code=agency.code, profile=dict(agency.profile), settings=agency.settings,
                              user_ids={k: u.id for k, u in users.items()},
                              usernames={k: u.username for k, u in users.items()},
                              tokens={k: issue_token(u) for k, u in users.items()})
        db.session.remove()
    return out


def adopt_regulation(app, agency_id: int, code: str = "fushun-culture") -> str:
    """Give a test agency the code and regulation of a shipped profile, with the regulation's ``record`` rules (the
    articles the gate cites for a missing record come from them, not from the shared diagram), so its articles are
    cited to it by title; its recording and period rules stay out, so the agency walks as before.  Returns the
    regulation's title.  The rules on a recording's own acts (its handover, a gap's explanation: 音像记录.*) come too:
    they only name the article behind what the agency already checks."""
    with app.app_context():
        prof = load_profile(code)
        regulation = prof.data["regulation"]
        agency = db.session.get(Agency, agency_id)
        agency.profile = {**(agency.profile or {}), "code": code, "regulation": regulation,
                          "rules": [r.to_json() for r in prof.rules
                                    if r.kind == "record" or any(a.startswith("音像记录.") for a in r.acts)]}
        db.session.commit()
    return regulation
