"""A signed-in browser stand-in for the Flask test client: one client (cookie jar) per user, CSRF read from the page."""
from __future__ import annotations

import re
from typing import Any

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
