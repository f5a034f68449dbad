"""``flask liuhen backup`` of a running instance with a case, ``restore`` into an empty instance elsewhere, and
``verify`` passes there: the same cases, audit chains, 文书 and files."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from tests.support.app import make_agency, migrated_app, private_database
from tests.support.walker import Walker
from webapp import create_app
from webapp.db import db
from webapp.loadgen.flows import file_case
from webapp.models import Document


@pytest.fixture()
def instance(tmp_path_factory, clock):
    """An instance of its own (verify reads every agency, and other tests tamper with theirs on purpose)."""
    with private_database(tmp_path_factory) as url, migrated_app(url, tmp_path_factory, clock) as app:
        yield app


def _restored_url(source_url: str, tmp_path) -> tuple[str, str | None]:
    if source_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.sqlite'}", None
    # PostgreSQL: a new database; the dump recreates its schema there
    base = sa.engine.make_url(os.environ["LIUHEN_TEST_DATABASE_URL"])
    name = f"liuhen_restore_{os.getpid()}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    engine.dispose()
    options = source_url[source_url.index("?"):]
    return base.set(database=name).render_as_string(hide_password=False) + options, name


def test_backup_a_running_instance_restore_it_elsewhere_and_verify_passes_there(instance, tmp_path, clock):
    agency = make_agency(instance)
    walker = Walker(instance.test_client(), agency.tokens)
    cid = file_case(walker)
    runner = instance.test_cli_runner()
    assert runner.invoke(args=["liuhen", "verify"]).exit_code == 0
    result = runner.invoke(args=["liuhen", "backup", str(tmp_path / "backup")])
    assert result.exit_code == 0 and "案件 1 件" in result.output, result.output
    with instance.app_context():
        docs = [(d.number, d.sha256) for d in db.session.scalars(select(Document).where(Document.case_id == cid))]
        db.session.remove()
    assert docs

    url, created = _restored_url(instance.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    restored = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "LIUHEN_FILE_STORE": str(tmp_path / "files2"),
                           "LIUHEN_STORAGE": "local", "SECRET_KEY": "other", "LIUHEN_CLOCK": clock,
                           # the signing key is backed up apart from the database, and given to the restored instance
                           "LIUHEN_SIGNING_KEY_FILE": instance.config["LIUHEN_SIGNING_KEY_FILE"]})
    try:
        again = restored.test_cli_runner()
        result = again.invoke(args=["liuhen", "restore", str(tmp_path / "backup")])
        assert result.exit_code == 0, result.output
        result = again.invoke(args=["liuhen", "verify"])
        assert result.exit_code == 0 and "校验通过" in result.output, result.output
        case = Walker(restored.test_client(), agency.tokens).case(cid)
        assert [t["name"] for t in case["tasks"] if t["state"] == "ready"] == ["t_plan"]
        with restored.app_context():
            assert [(d.number, d.sha256) for d in db.session.scalars(
                select(Document).where(Document.case_id == cid))] == docs
            db.session.remove()
        refused = again.invoke(args=["liuhen", "restore", str(tmp_path / "backup")])
        assert refused.exit_code != 0 and "不是空的" in refused.output
    finally:
        with restored.app_context():
            db.engine.dispose()
        if created:
            engine = sa.create_engine(os.environ["LIUHEN_TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {created}"))
            engine.dispose()
