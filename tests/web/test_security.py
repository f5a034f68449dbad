"""Browser sessions (等保 2.0, issue 16 point 3): cookie flags, security headers on every response, a Content
Security Policy the pages keep (no inline script anywhere), idle timeout and absolute lifetime, sign-out that a
replayed cookie cannot undo, lockout on the sign-in page, and the user's own password change."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.media import upload
from tests.support.web_client import WebUser, web

TEMPLATES = Path(__file__).resolve().parents[2] / "webapp" / "templates"
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_the_session_cookie_is_httponly_and_samesite_lax(app, agency):
    user = WebUser(app, agency.usernames["officer1"])
    res = user.client.post("/login", data={"username": user.username, "password": "pw", "csrf_token": user.csrf()})
    cookie = res.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_the_cookie_is_secure_when_the_deployment_says_it_is_served_over_https(app, agency, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    user = WebUser(app, agency.usernames["officer1"])
    res = user.client.post("/login", data={"username": user.username, "password": "pw", "csrf_token": user.csrf()},
                           base_url="https://localhost")
    assert "Secure" in res.headers["Set-Cookie"]
    assert res.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("path", ["/login", "/api/openapi.json", "/api/tasks", "/no-such-page", "/static/css/app.css"])
def test_every_response_carries_the_security_headers(client, path):
    res = client.get(path)
    csp = res.headers["Content-Security-Policy"]
    script = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert "frame-ancestors 'none'" in csp
    assert res.headers["X-Content-Type-Options"] == "nosniff"
    assert res.headers["Referrer-Policy"] == "same-origin" and res.headers["X-Frame-Options"] == "DENY"


def test_no_template_has_inline_script_or_event_handlers():
    """The CSP forbids inline script, so a template that had some would break silently in the browser."""
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (path.name, tag)
        assert not INLINE_HANDLER.search(text), path.name
        assert "javascript:" not in text, path.name


def test_an_idle_session_ends_after_the_configured_minutes(app, agency, clock, monkeypatch):
    monkeypatch.setitem(app.config, "LIUHEN_IDLE_MINUTES", 30)
    user = web(app, agency, "officer1")
    clock.advance(minutes=20)
    assert user.get("/inbox").status_code == 200  # use keeps it alive
    clock.advance(minutes=29)
    assert user.get("/inbox").status_code == 200
    clock.advance(minutes=31)
    res = user.get("/inbox")
    assert res.status_code == 302 and "/login" in res.headers["Location"]


def test_a_session_ends_at_its_absolute_lifetime_however_busy(app, agency, clock, monkeypatch):
    monkeypatch.setitem(app.config, "LIUHEN_SESSION_HOURS", 1)
    monkeypatch.setitem(app.config, "LIUHEN_IDLE_MINUTES", 30)
    user = web(app, agency, "officer1")
    for _ in range(3):
        clock.advance(minutes=19)
        assert user.get("/inbox").status_code == 200
    clock.advance(minutes=19)
    assert user.get("/inbox").status_code == 302


def test_signing_out_ends_the_session_on_the_server_so_a_copied_cookie_is_useless(app, agency):
    user = web(app, agency, "officer1")
    copied = user.client.get_cookie("session").value
    assert user.post("/logout", csrf_from="/inbox").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    res = thief.get("/inbox")
    assert res.status_code == 302 and "/login" in res.headers["Location"]


def test_the_sign_in_page_locks_the_account_after_five_failures(app, agency):
    user = WebUser(app, agency.usernames["officer2"], password="wrong")
    for _ in range(5):
        res = user.client.post("/login", data={"username": user.username, "password": "wrong",
                                               "csrf_token": user.csrf()})
        assert res.status_code == 401
    res = user.client.post("/login", data={"username": user.username, "password": "pw", "csrf_token": user.csrf()})
    assert res.status_code == 423 and "锁定" in res.get_data(as_text=True)


def test_a_user_changes_the_own_password_on_the_page(app, agency):
    user = web(app, agency, "reviewer1")
    res = user.post("/account/password", {"old_password": "pw", "new_password": "short", "confirm": "short"},
                    csrf_from="/account/password")
    assert res.status_code == 422 and "至少 10 个字符" in res.get_data(as_text=True)
    res = user.post("/account/password", {"old_password": "pw", "new_password": "Wang-fang-2027",
                                          "confirm": "Wang-fang-2027"}, csrf_from="/account/password")
    assert res.status_code == 302
    assert user.get("/inbox").status_code == 302  # signed out everywhere
    assert WebUser(app, agency.usernames["reviewer1"], "Wang-fang-2027").login().get("/inbox").status_code == 200


def test_a_designer_opens_no_case_page_and_no_recording(app, agency, walker):
    """Least privilege: a process designer sees diagrams, never case data or recordings."""
    cid = walker.create_case()["id"]
    item = upload(walker, cid, seed=1621)  # bytes no other test stores (files are per agency by hash)
    designer = web(app, agency, "designer1")
    for path in ("/cases", f"/cases/{cid}", f"/files/{item['sha256']}", f"/oversight/cases/{cid}/review"):
        assert designer.get(path).status_code == 403, path
    assert designer.get("/designer").status_code == 200
    assert web(app, agency, "officer1").get(f"/files/{item['sha256']}").status_code == 200


def test_a_nul_character_in_a_form_is_refused_on_the_page(app, agency):
    """PostgreSQL stores no NUL; the page refuses it in Chinese (422) instead of failing with a 500."""
    user = web(app, agency, "officer1")
    res = user.post("/cases", {"title": "星光\x00网吧", "party_name": "当事人", "process_id": "general_procedure"})
    assert res.status_code == 422 and "空字符" in res.get_data(as_text=True)


def test_a_user_lists_the_own_devices_and_ends_one_and_the_administrator_can_too(app, agency):
    office, tablet = web(app, agency, "legal1"), web(app, agency, "legal1")
    page = office.text("/account/sessions")
    assert page.count("浏览器") >= 2 and "（本会话）" in page
    ids = [int(i) for i in re.findall(r"/account/sessions/(\d+)/end", page)]
    here = int(re.search(r"（本会话）.*?/account/sessions/(\d+)/end", page, re.S).group(1))
    other = max(ids)  # the tablet signed in last
    assert here != other
    assert office.post(f"/account/sessions/{other}/end", csrf_from="/account/sessions").status_code == 302
    assert tablet.get("/inbox").status_code == 302 and office.get("/inbox").status_code == 200
    admin = web(app, agency, "admin1")
    edit = f"/admin/users/{agency.user_ids['legal1']}"
    mine = [int(i) for i in re.findall(r"/account/sessions/(\d+)/end", admin.text(edit))]
    assert here in mine and other not in mine
    assert admin.post(f"/account/sessions/{here}/end", csrf_from=edit).status_code == 302
    assert office.get("/inbox").status_code == 302
    stranger = web(app, agency, "officer1")
    res = stranger.post(f"/account/sessions/{min(ids)}/end", csrf_from="/account/sessions")
    assert res.status_code == 403
