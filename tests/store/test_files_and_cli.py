"""Uploads into the content-addressed store, and the CLI's refusal text."""
from __future__ import annotations

import io

from sqlalchemy import select

from tests.support.app import adopt_regulation
from webapp import create_app
from webapp.db import db
from webapp.models import User


def test_same_bytes_are_stored_once(walker, app):
    a = walker.upload(b"identical bytes")
    b = walker.upload(b"identical bytes", name="copy.mp4")
    assert a == b
    store = app.extensions["liuhen.files"]
    assert store.path(a).read_bytes() == b"identical bytes"
    assert not store.path(a).stat().st_mode & 0o222


def test_empty_and_oversize_uploads_are_refused(walker):
    res = walker.call("post", "/api/files", "officer1", data={"file": (io.BytesIO(b""), "empty.mp4")},
                      content_type="multipart/form-data")
    assert res.status_code == 422 and "为空" in res.get_json()["message"]
    big = io.BytesIO(b"x" * (5 * 1024 * 1024 + 1))
    res = walker.call("post", "/api/files", "officer1", data={"file": (big, "big.mp4")},
                      content_type="multipart/form-data")
    assert res.status_code == 413 and "上限" in res.get_json()["message"]


def test_cli_complete_refuses_with_the_gate_text(walker, app, agency):
    adopt_regulation(app, agency.id)
    cid = walker.create_case()["id"]
    task = walker.task(cid, "t_filing")
    api = walker.complete(cid, task).get_json()["message"]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["liuhen", "complete", str(cid), task["id"], "--user", agency.usernames["officer1"]])
    assert result.exit_code == 2
    assert api in result.output and "《抚顺县文化市场综合执法全过程记录实施办法》第七条" in result.output
    walker.add(cid, task, "case_filing")
    result = runner.invoke(args=["liuhen", "complete", str(cid), task["id"], "--user", agency.usernames["officer1"]])
    assert result.exit_code == 0, result.output
    assert [t["name"] for t in walker.ready(cid)] == ["t_unit_opinion"]


def test_cli_lists_a_users_tasks(walker, app, agency):
    cid = walker.create_case()["id"]
    result = app.test_cli_runner().invoke(args=["liuhen", "tasks", "--user", agency.usernames["officer1"]])
    assert result.exit_code == 0 and f'"case_id": {cid}' in result.output and "填写立案审批表" in result.output


def test_seed_demo_is_idempotent(app):
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["liuhen", "seed-demo"])
        assert result.exit_code == 0 and "抚顺县文化市场综合行政执法队" in result.output
    with app.app_context():
        names = set(db.session.scalars(select(User.username)))
    assert {"officer1", "reviewer1", "legal1", "approver1", "designer1", "admin1"} <= names


def test_a_command_on_a_database_never_migrated_says_so_in_chinese(tmp_path):
    """An operator who runs a command before ``db upgrade`` reads what to do, not a SQLAlchemy traceback."""
    bare = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite'}",
                       "LIUHEN_FILE_STORE": str(tmp_path / "files"), "SECRET_KEY": "test",
                       "LIUHEN_RENDER_AT_START": False})
    result = bare.test_cli_runner().invoke(args=["liuhen", "verify"])
    assert result.exit_code == 1 and "数据库尚未建表" in result.output and "db upgrade heads" in result.output
    assert "Traceback" not in result.output
