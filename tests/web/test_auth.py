"""Sign-in, sessions, CSRF, sign-out and the 403 page of the web application."""
from __future__ import annotations

import pytest

from tests.support.web_client import WebUser, web


def test_sign_in_lands_on_the_role_home_and_sign_out_ends_the_session(app, agency):
    user = WebUser(app, agency.usernames["officer1"])
    assert user.get("/inbox").status_code == 302  # anonymous → sign-in page
    assert "/login" in user.get("/inbox").headers["Location"]
    res = user.client.post("/login", data={"username": user.username, "password": "pw", "csrf_token": user.csrf()})
    assert res.status_code == 302 and res.headers["Location"].endswith("/inbox")
    assert "我的待办" in user.text("/inbox")
    assert user.post("/logout", csrf_from="/inbox").status_code == 302
    assert user.get("/inbox").status_code == 302


@pytest.mark.parametrize("who,home", [("designer1", "/designer"), ("admin1", "/admin/users"),
                                      ("approver1", "/inbox")])
def test_each_role_lands_on_its_workspace(app, agency, who, home):
    user = WebUser(app, agency.usernames[who])
    res = user.client.post("/login", data={"username": user.username, "password": "pw", "csrf_token": user.csrf()})
    assert res.headers["Location"].endswith(home)


def test_wrong_password_is_refused_in_chinese(app, agency):
    user = WebUser(app, agency.usernames["officer1"], password="wrong")
    res = user.client.post("/login", data={"username": user.username, "password": "wrong", "csrf_token": user.csrf()})
    assert res.status_code == 401 and "用户名或密码错误" in res.get_data(as_text=True)
    assert user.get("/inbox").status_code == 302


def test_inactive_user_cannot_sign_in(app, agency, ctx):
    from webapp.db import db
    from webapp.models import User

    db.session.get(User, agency.user_ids["officer2"]).active = False
    db.session.commit()
    user = WebUser(app, agency.usernames["officer2"])
    res = user.client.post("/login", data={"username": user.username, "password": "pw", "csrf_token": user.csrf()})
    assert res.status_code == 401


def test_forms_without_csrf_token_are_refused(app, agency):
    user = WebUser(app, agency.usernames["officer1"])
    res = user.client.post("/login", data={"username": user.username, "password": "pw"})
    assert res.status_code == 400 and "CSRF" in res.get_data(as_text=True)
    user.login()
    res = user.client.post("/cases", data={"title": "案", "party_name": "人", "process_id": "general_procedure"})
    assert res.status_code == 400
    res = user.client.post("/logout")
    assert res.status_code == 400 and user.get("/inbox").status_code == 200


def test_sign_in_does_not_redirect_off_site(app, agency):
    user = WebUser(app, agency.usernames["officer1"])
    res = user.client.post("/login?next=https://evil.example/", data={
        "username": user.username, "password": "pw", "csrf_token": user.csrf()})
    assert res.headers["Location"].endswith("/inbox")


@pytest.mark.parametrize("who,path", [
    ("officer1", "/designer"), ("officer1", "/admin/users"), ("officer1", "/admin/profile"),
    ("officer1", "/approvals"), ("designer1", "/inbox"), ("admin1", "/designer/general_procedure"),
    ("reviewer1", "/admin/users/new"), ("approver1", "/admin/worker"),
])
def test_pages_of_other_roles_show_the_403_page(app, agency, who, path):
    res = web(app, agency, who).get(path)
    assert res.status_code == 403
    assert "无权访问" in res.get_data(as_text=True)


def test_the_json_api_refuses_a_session_cookie(app, agency):
    user = web(app, agency, "officer1")
    res = user.client.post("/api/cases", json={"title": "案由", "party_name": "当事人"})
    assert res.status_code == 401 and res.get_json()["error"] == "unauthorized"
    token = agency.tokens["officer1"]
    ok = user.client.post("/api/cases", json={"title": "案由", "party_name": "当事人"},
                          headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 201


def test_passwords_are_hashed_by_the_configured_method_scrypt_by_default(app, agency, monkeypatch):
    from webapp.accounts import create_user
    from webapp.config import security
    from webapp.db import db
    from webapp.models import Agency

    assert security()["LIUHEN_PASSWORD_HASH"] == "scrypt"  # production's default; the tests configure a cheaper one
    monkeypatch.setitem(app.config, "LIUHEN_PASSWORD_HASH", "scrypt")
    with app.app_context():
        user = create_user(db.session.get(Agency, agency.id), f"hash{id(monkeypatch)}", "哈希", ["officer"],
                           "Liuhen-hash-2026")
        db.session.commit()
        assert user.password_hash.startswith("scrypt:")
        name = user.username
        db.session.remove()
    signed = WebUser(app, name, password="Liuhen-hash-2026")
    res = signed.client.post("/login", data={"username": name, "password": "Liuhen-hash-2026",
                                             "csrf_token": signed.csrf()})
    assert res.status_code == 302
