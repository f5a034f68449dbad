"""Single sign-on (issue 16, point 6): OpenID Connect through Authlib against a provider the test starts on
127.0.0.1; claims name an existing user by 执法证号 or username, roles stay Liuhen's; a token signed with
another key, an unknown person or a disabled user is refused; an agency may switch local passwords off."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import select

from tests.support.app import migrated_app
from tests.support.oidc import CLIENT_ID, CLIENT_SECRET, running_provider
from tests.support.web_client import WebUser
from webapp.db import db
from webapp.models import Agency, AuditEntry, User

pytestmark = pytest.mark.xdist_group("sso")  # its module fixture is built once, on one worker


@pytest.fixture(scope="module")
def provider():
    with running_provider() as p:
        yield p


@pytest.fixture(scope="module")
def sso_app(database_url, tmp_path_factory, clock, provider):
    """The app on the same database, configured for the provider (as a deployment would be, by environment)."""
    with migrated_app(database_url, tmp_path_factory, clock, LIUHEN_OIDC_ISSUER=provider.issuer,
                      LIUHEN_OIDC_CLIENT_ID=CLIENT_ID, LIUHEN_OIDC_CLIENT_SECRET=CLIENT_SECRET) as app:
        yield app


def _sign_in(app, provider, **claims):
    """The browser's round trip: Liuhen → provider (signs in the named person) → Liuhen's callback."""
    provider.claims = {"sub": "x-1", **claims}
    client = app.test_client()
    start = client.get("/login/sso")
    assert start.status_code == 302 and start.headers["Location"].startswith(provider.issuer)
    back = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    callback = urlsplit(back.headers["Location"])
    return client, client.get(f"{callback.path}?{callback.query}")


def test_the_login_page_offers_single_sign_on(sso_app):
    assert "统一身份认证登录" in sso_app.test_client().get("/login").get_data(as_text=True)


def test_a_person_is_mapped_by_username_and_keeps_the_roles_kept_here(sso_app, agency, provider):
    client, res = _sign_in(sso_app, provider, preferred_username=agency.usernames["approver1"], roles=["admin"])
    assert res.status_code == 302 and res.headers["Location"].endswith("/inbox")
    assert client.get("/approvals").status_code == 200
    assert client.get("/admin/users").status_code == 403  # a role claimed by the provider is not taken
    with sso_app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.agency_id == agency.id,
                                                            AuditEntry.action == "user.signed_in")
                                   .order_by(AuditEntry.seq.desc())).first()
        assert entry.detail["method"] == "oidc"


def test_a_person_is_mapped_by_the_enforcement_certificate_number(sso_app, agency, provider):
    with sso_app.app_context():
        db.session.get(User, agency.user_ids["officer2"]).badge_no = f"21000020260{agency.id:04d}"
        db.session.commit()
    client, res = _sign_in(sso_app, provider, preferred_username="someone-else", badge_no=f"21000020260{agency.id:04d}")
    assert res.status_code == 302
    assert client.get("/inbox").status_code == 200 and "李强" in client.get("/inbox").get_data(as_text=True)


def test_unknown_people_forged_tokens_and_disabled_users_are_refused(sso_app, agency, provider):
    _, res = _sign_in(sso_app, provider, preferred_username="nobody-here")
    assert res.status_code == 403 and "没有对应的启用用户" in res.get_data(as_text=True)
    provider.tamper = True
    try:
        _, res = _sign_in(sso_app, provider, preferred_username=agency.usernames["officer1"])
    finally:
        provider.tamper = False
    assert res.status_code == 401 and "统一身份认证未通过" in res.get_data(as_text=True)
    with sso_app.app_context():
        db.session.get(User, agency.user_ids["legal1"]).active = False
        db.session.commit()
    _, res = _sign_in(sso_app, provider, preferred_username=agency.usernames["legal1"])
    assert res.status_code == 403


def test_an_agency_can_switch_local_passwords_off(sso_app, agency, provider):
    with sso_app.app_context():
        row = db.session.get(Agency, agency.id)
        row.profile = {**row.profile, "local_passwords": False}
        db.session.commit()
    user = WebUser(sso_app, agency.usernames["reviewer1"])
    res = user.client.post("/login", data={"username": user.username, "password": "pw", "csrf_token": user.csrf()})
    assert res.status_code == 401 and "停用本地密码登录" in res.get_data(as_text=True)
    api = sso_app.test_client().post("/api/login", json={"username": user.username, "password": "pw"})
    assert api.status_code == 401
    client, res = _sign_in(sso_app, provider, preferred_username=agency.usernames["reviewer1"])
    assert res.status_code == 302 and client.get("/inbox").status_code == 200


def test_a_device_exchanges_its_id_token_for_an_api_token(sso_app, agency, provider):
    """Token exchange (issue 16, point 6, for the JSON API): a tablet signs in at the provider itself and hands its ID
    token to ``POST /api/login/sso``; a forged, foreign-audience or expired token, or an unknown person, gets JSON."""
    api = sso_app.test_client()
    id_token = provider.device_sign_in(preferred_username=agency.usernames["officer1"])
    res = api.post("/api/login/sso", json={"id_token": id_token, "device": "执法记录平板 3 号"})
    assert res.status_code == 200, res.get_json()
    body = res.get_json()
    assert body["user"]["username"] == agency.usernames["officer1"] and body["token"]
    me = api.get("/api/tasks", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    sessions = api.get("/api/tokens", headers={"Authorization": f"Bearer {body['token']}"}).get_json()
    assert any(r.get("device") == "执法记录平板 3 号" for r in sessions), sessions
    refused = {
        "foreign audience": provider.id_token({"sub": "d", "aud": "another-system",
                                               "preferred_username": agency.usernames["officer1"]}),
        "expired": provider.id_token({"sub": "d", "iat": 1_000_000_000, "exp": 1_000_000_300,
                                      "preferred_username": agency.usernames["officer1"]}),
        "not a JWT": "not-a-token",
    }
    for why, token in refused.items():
        res = api.post("/api/login/sso", json={"id_token": token})
        assert res.status_code == 401 and res.is_json and "统一身份认证未通过" in res.get_json()["message"], why
    provider.tamper = True
    try:
        forged = provider.id_token({"sub": "d", "preferred_username": agency.usernames["officer1"]})
    finally:
        provider.tamper = False
    assert api.post("/api/login/sso", json={"id_token": forged}).status_code == 401
    res = api.post("/api/login/sso", json={"id_token": provider.id_token({"sub": "d", "preferred_username": "nobody"})})
    assert res.status_code == 403 and "没有对应的启用用户" in res.get_json()["message"]


def test_without_a_provider_the_api_says_so_in_json(client):
    res = client.post("/api/login/sso", json={"id_token": "x"})
    assert res.status_code == 404 and res.get_json()["message"] == "本系统未配置统一身份认证"
