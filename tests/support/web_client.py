"""A signed-in browser stand-in for the Flask test client: one client (cookie jar) per user, CSRF read from the page."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from werkzeug.datastructures import MultiDict

META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class WebUser:
    def __init__(self, app: Any, username: str, password: str = "pw") -> None:
        self.client = app.test_client()
        self.username = username
        self.password = password

    def csrf(self, path: str = "/login") -> str:
        page = self.client.get(path)
        match = META_CSRF.search(page.get_data(as_text=True))
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self) -> WebUser:
        res = self.client.post("/login", data={"username": self.username, "password": self.password,
                                               "csrf_token": self.csrf()})
        assert res.status_code == 302, res.get_data(as_text=True)[:500]
        return self

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, **kw)

    def text(self, path: str, status: int = 200) -> str:
        res = self.client.get(path)
        assert res.status_code == status, (path, res.status_code, res.get_data(as_text=True)[:800])
        return res.get_data(as_text=True)

    def post(self, path: str, data: Any = None, csrf_from: str | None = None, **kw: Any) -> Any:
        data = dict(data or {}) if not hasattr(data, "getlist") else data
        if csrf_from is not False:
            token = self.csrf(csrf_from or "/cases")
            if hasattr(data, "add"):
                data.add("csrf_token", token)
            else:
                data["csrf_token"] = token
        return self.client.post(path, data=data, **kw)


def web(app: Any, agency: Any, who: str) -> WebUser:
    return WebUser(app, agency.usernames[who]).login()


class _Submitted(HTMLParser):
    """What a browser submits from one form of a page: each named input (checkboxes and radios only when checked),
    textarea and select (its selected option, else its first)."""

    def __init__(self, form: str) -> None:
        super().__init__()
        self.form, self.data = form, MultiDict[str, str]()
        self._in_form = False
        self._select: str | None = None
        self._first: str | None = None
        self._chosen = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._in_form = self.form in (a.get("id", ""), *a.get("class", "").split())
        if not self._in_form or ("name" not in a and tag != "option") or "disabled" in a:
            return
        if tag == "input" and (a.get("type") not in ("checkbox", "radio") or "checked" in a):
            if a["name"] != "csrf_token" and a.get("type") != "submit":
                self.data.add(a["name"], a.get("value", ""))
        elif tag == "select":
            self._select, self._first, self._chosen = a["name"], None, False
        elif tag == "option" and self._select:
            self._first = a.get("value", "") if self._first is None else self._first
            if "selected" in a:
                self.data.add(self._select, a.get("value", ""))
                self._chosen = True
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select:
            if not self._chosen and self._first is not None:
                self.data.add(self._select, self._first)
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data.add(self._textarea, self._text)
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def submitted(page: str, form: str) -> MultiDict[str, str]:
    """The fields a browser would send from the form whose id or class is ``form`` as the page stands."""
    parser = _Submitted(form)
    parser.feed(page)
    return parser.data
