"""Sign-in to the API (等保 2.0 身份鉴别, issue 16 points 3 and 4): lockout after repeated failures and per-address
throttling, both audited; the password policy and the user's own change; tokens per device, expiring, listed,
revocable by their owner and the administrator, and ended by logout, password change and lockout."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from handlers.audit_actions import Action
from webapp.accounts import create_user
from webapp.db import db
from webapp.models import Agency, AuditEntry, User, UserSession

STRONG = "Liuhen-2026-ok"


@pytest.fixture()
def person(app, agency):
    """A user of the test agency with a policy-conforming password."""
    with app.app_context():
        user = create_user(db.session.get(Agency, agency.id), f"person-{agency.id}", "测试（承办人）", ["officer"], STRONG)
        db.session.commit()
        return user.username


def _login(client, username, password=STRONG, device="", **kw):
    return client.post("/api/login", json={"username": username, "password": password, "device": device}, **kw)


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def _actions(app, agency_id):
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.agency_id == agency_id)))


def test_five_failures_lock_the_account_for_fifteen_minutes_and_each_is_audited(app, client, agency, person, clock):
    first = _login(client, person, device="手机")
    assert first.status_code == 200
    for n in range(5):
        res = _login(client, person, "wrong")
        assert res.status_code == 401 and res.get_json()["message"] == "用户名或密码错误", n
    locked = _login(client, person)  # the right password, but locked
    assert locked.status_code == 423 and locked.get_json()["error"] == "locked" and "锁定" in locked.get_json()["message"]
    assert client.get("/api/me", headers=_bearer(first.get_json()["token"])).status_code == 401  # lockout ends tokens
    actions = _actions(app, agency.id)
    assert actions.count(Action.LOGIN_FAILED) == 5 and actions.count(Action.ACCOUNT_LOCKED) == 1
    assert actions.count(Action.LOGIN_REFUSED_LOCKED) == 1
    clock.advance(minutes=16)
    assert _login(client, person).status_code == 200


def test_failures_from_one_address_are_throttled(app, client, agency, person, monkeypatch):
    monkeypatch.setitem(app.config, "LIUHEN_LOGIN_LIMIT", "3 per minute")
    monkeypatch.setitem(app.config, "LIUHEN_LOCKOUT_ATTEMPTS", 100)
    env = {"REMOTE_ADDR": "10.16.0.1"}
    assert [_login(client, person, "wrong", environ_base=env).status_code for _ in range(3)] == [401, 401, 401]
    res = _login(client, person, environ_base=env)
    assert res.status_code == 429 and res.get_json()["error"] == "too_many_requests" and "频繁" in res.get_json()["message"]
    assert _login(client, person, environ_base={"REMOTE_ADDR": "10.16.0.2"}).status_code == 200  # another address


def test_failures_for_one_account_are_throttled_whatever_the_address(app, client, agency, monkeypatch):
    monkeypatch.setitem(app.config, "LIUHEN_LOGIN_ACCOUNT_LIMIT", "2 per minute")
    name = f"no-such-user-{agency.id}"  # an unknown name cannot be locked, so only the throttle stops guessing
    codes = [_login(client, name, "guess", environ_base={"REMOTE_ADDR": f"10.17.0.{i}"}).status_code for i in range(3)]
    assert codes == [401, 401, 429]


def test_each_device_has_its_own_expiring_token_and_logout_ends_only_that_one(app, client, person, clock):
    phone, laptop = (_login(client, person, device=d).get_json() for d in ("手机", "笔记本"))
    assert phone["token"] != laptop["token"]
    assert client.get("/api/me", headers=_bearer(phone["token"])).status_code == 200
    assert client.get("/api/me", headers=_bearer(laptop["token"])).status_code == 200  # a second login keeps the first
    listed = client.get("/api/tokens", headers=_bearer(phone["token"])).get_json()
    assert {t["device"] for t in listed} >= {"手机", "笔记本"} and [t["current"] for t in listed].count(True) == 1
    assert client.post("/api/logout", headers=_bearer(phone["token"])).status_code == 200
    assert client.get("/api/me", headers=_bearer(phone["token"])).status_code == 401
    assert client.get("/api/me", headers=_bearer(laptop["token"])).status_code == 200
    with app.app_context():  # stored hashed: the token itself is nowhere in the table
        stored = set(db.session.scalars(select(UserSession.secret_hash)))
        assert laptop["token"] not in stored and len(next(iter(stored))) == 64


def test_tokens_expire_after_the_configured_hours(app, client, person, clock, monkeypatch):
    monkeypatch.setitem(app.config, "LIUHEN_TOKEN_HOURS", 12)
    token = _login(client, person).get_json()["token"]
    clock.advance(hours=11, minutes=59)
    assert client.get("/api/me", headers=_bearer(token)).status_code == 200
    clock.advance(minutes=2)
    res = client.get("/api/me", headers=_bearer(token))
    assert res.status_code == 401 and res.get_json()["error"] == "unauthorized"


def test_owner_and_administrator_revoke_tokens_others_cannot(app, client, agency, person):
    mine = _login(client, person, device="平板").get_json()
    tid = mine["token_id"]
    other = client.delete(f"/api/tokens/{tid}", headers=_bearer(agency.tokens["officer2"]))
    assert other.status_code == 403
    seen = client.get(f"/api/tokens?user_id={mine['user']['id']}", headers=_bearer(agency.tokens["admin1"]))
    assert tid in [t["id"] for t in seen.get_json()]
    assert client.get(f"/api/tokens?user_id={mine['user']['id']}",
                      headers=_bearer(agency.tokens["officer2"])).status_code == 403
    assert client.delete(f"/api/tokens/{tid}", headers=_bearer(agency.tokens["admin1"])).status_code == 200
    assert client.get("/api/me", headers=_bearer(mine["token"])).status_code == 401
    assert Action.SESSION_REVOKED in _actions(app, agency.id)


def test_changing_the_password_checks_the_policy_and_ends_every_token(app, client, agency, person):
    a, b = (_login(client, person, device=d).get_json()["token"] for d in ("甲", "乙"))
    for weak, why in (("12345678", "至少 10 个字符"), ("abcdefghijkl", "至少 3 类"), (f"X1-{person}", "用户名")):
        res = client.post("/api/password", headers=_bearer(a), json={"old_password": STRONG, "new_password": weak})
        assert res.status_code == 422 and why in res.get_json()["message"], weak
    wrong_old = client.post("/api/password", headers=_bearer(a), json={"old_password": "x", "new_password": "Neu-Pass-2027"})
    assert wrong_old.status_code == 401
    ok = client.post("/api/password", headers=_bearer(a), json={"old_password": STRONG, "new_password": "Neu-Pass-2027"})
    assert ok.status_code == 200
    assert all(client.get("/api/me", headers=_bearer(t)).status_code == 401 for t in (a, b))
    assert _login(client, person).status_code == 401 and _login(client, person, "Neu-Pass-2027").status_code == 200
    assert Action.PASSWORD_CHANGED in _actions(app, agency.id)


def test_a_password_set_by_the_administrator_must_be_changed_first(app, client, agency):
    with app.app_context():
        user = create_user(db.session.get(Agency, agency.id), f"newbie-{agency.id}", "新人", ["officer"], STRONG,
                           must_change=True)
        db.session.commit()
        name = user.username
    body = _login(client, name).get_json()
    assert body["user"]["password_change_required"] is True
    res = client.get("/api/tasks", headers=_bearer(body["token"]))
    assert res.status_code == 403 and res.get_json()["error"] == "password_change_required"
    assert client.post("/api/password", headers=_bearer(body["token"]),
                       json={"old_password": STRONG, "new_password": "Mine-own-2027"}).status_code == 200
    token = _login(client, name, "Mine-own-2027").get_json()["token"]
    assert client.get("/api/tasks", headers=_bearer(token)).status_code == 200


def test_an_expired_password_must_be_changed(app, client, person, clock, monkeypatch):
    monkeypatch.setitem(app.config, "LIUHEN_PASSWORD_MAX_AGE_DAYS", 90)
    token = _login(client, person).get_json()["token"]
    assert client.get("/api/tasks", headers=_bearer(token)).status_code == 200
    with app.app_context():  # set 91 days ago (the shared test clock is not moved by months)
        user = db.session.scalar(select(User).where(User.username == person))
        user.password_changed_at = clock.now() - dt.timedelta(days=91)
        db.session.commit()
    assert client.get("/api/tasks", headers=_bearer(token)).get_json()["error"] == "password_change_required"
