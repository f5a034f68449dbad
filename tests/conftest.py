"""Fixtures: one real database per test session (SQLite file, or PostgreSQL when
LIUHEN_TEST_DATABASE_URL is set), migrated with Alembic; one fresh agency per test."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from handlers.clock import FixedClock
from tests.support.app import make_agency, migrated_app, private_database
from tests.support.walker import Walker
from webapp.db import db
from webapp.worker.sealing import render_pending


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory):
    with private_database(tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="session")
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture(scope="module", autouse=True)
def clock_at_start(clock: FixedClock) -> None:
    """Each test module begins on the same day: periods are judged against the shared clock, and a module that
    walked cases months ahead must not leave a later module judging its walk late (it did, three times)."""
    clock.set(FixedClock().now())


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory, clock: FixedClock):
    with migrated_app(database_url, tmp_path_factory, clock) as app:
        yield app


@pytest.fixture()
def ctx(app):
    """An app context for tests that read or write the database directly.

    API calls must not run inside it: Flask-Login keeps the caller in ``g``, which lives as long as
    the app context, so use ``app.app_context()`` blocks in tests that do both.
    """
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture()
def agency(app) -> SimpleNamespace:
    return make_agency(app)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def walker(client, agency) -> Walker:
    return Walker(client, agency.tokens)


@pytest.fixture()
def drain_render_queue(app):
    """For tests that leave 文书 queued on purpose: render them afterwards (after the test's monkeypatches are undone),
    so that the next test's ``verify`` on the shared database does not meet them as stale."""
    yield
    with app.app_context():
        render_pending()
        db.session.remove()
