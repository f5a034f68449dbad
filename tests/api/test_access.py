"""Roles and agencies: only the lane's role, and only within the case's agency."""
from __future__ import annotations

from tests.support.app import make_agency
from tests.support.walker import Walker
from webapp.accounts import create_agency, create_user
from webapp.engine.diagrams import PROCEDURES


def test_wrong_role_is_refused_with_the_role_named(walker):
    cid = walker.create_case()["id"]
    task = walker.task(cid, "t_filing")
    res = walker.complete(cid, task, user="approver1")
    assert res.status_code == 403
    assert "承办人" in res.get_json()["message"] and "负责人" in res.get_json()["message"]
    assert walker.add(cid, task, "case_filing", user="reviewer1").status_code == 403
    assert walker.case(cid)["records"] == []


def test_a_record_for_a_done_or_unknown_task_is_refused_and_nothing_is_stored(walker):
    """A record is accepted only while its task is open (the task index says so under the case lock; where it does not,
    the workflow gives the refusal)."""
    cid = walker.create_case()["id"]
    task = walker.task(cid, "t_filing")
    assert walker.add(cid, task, "case_filing").status_code == 201
    assert walker.complete(cid, task).status_code == 200
    stored = walker.case(cid)["records"]
    late = walker.add(cid, task, "case_filing")
    assert late.status_code == 409 and "已办结或尚未就绪" in late.get_json()["message"]
    unknown = walker.add(cid, {**task, "id": "00000000-0000-0000-0000-000000000000"}, "case_filing")
    assert unknown.status_code == 404 and "没有任务" in unknown.get_json()["message"]
    assert walker.case(cid)["records"] == stored


def test_only_officers_start_cases(walker):
    res = walker.call("post", "/api/cases", "reviewer1", json={"title": "案由", "party_name": "当事人"})
    assert res.status_code == 403 and "承办人" in res.get_json()["message"]


def test_another_agency_cannot_see_or_touch_the_case(walker, client, app):
    cid = walker.create_case()["id"]
    task = walker.task(cid, "t_filing")
    other = Walker(client, make_agency(app).tokens)
    for res in (other.call("get", f"/api/cases/{cid}", "officer1"),
                other.add(cid, task, "case_filing"), other.complete(cid, task)):
        assert res.status_code == 403 and "不属于您所在的机构" in res.get_json()["message"]
    assert all(t["case_id"] != cid for t in other.call("get", "/api/tasks", "officer1").get_json())


def test_inbox_lists_only_my_roles_tasks(walker):
    cid = walker.create_case()["id"]
    officer = walker.call("get", "/api/tasks", "officer1").get_json()
    reviewer = walker.call("get", "/api/tasks", "reviewer1").get_json()
    assert [t["name"] for t in officer if t["case_id"] == cid] == ["t_filing"]
    assert [t for t in reviewer if t["case_id"] == cid] == []


def test_requests_without_a_valid_token_are_refused(client):
    assert client.get("/api/tasks").status_code == 401
    res = client.get("/api/tasks", headers={"Authorization": "Bearer not-a-token"})
    assert res.status_code == 401 and "登录" in res.get_json()["message"]


def test_login_issues_a_token(client, app):
    from webapp.db import db

    with app.app_context():
        agency = create_agency("login-test", "登录测试队", PROCEDURES)
        create_user(agency, "login-officer", "测试", ["officer"], "correct horse")
        db.session.commit()
    assert client.post("/api/login", json={"username": "login-officer", "password": "wrong"}).status_code == 401
    res = client.post("/api/login", json={"username": "login-officer", "password": "correct horse"})
    assert res.status_code == 200
    me = client.get("/api/me", headers={"Authorization": f"Bearer {res.get_json()['token']}"})
    assert me.get_json()["roles"] == ["officer"]
