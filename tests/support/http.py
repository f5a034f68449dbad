"""A client with the Flask test client's shape (``get``/``post`` → ``status_code``, ``get_json()``) over real HTTP,
so the JSON-API walker and the shared flows drive a server running in another process (gunicorn)."""
from __future__ import annotations

import socket
from typing import Any

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Response:
    def __init__(self, res: requests.Response) -> None:
        self.res, self.status_code, self.headers = res, res.status_code, res.headers

    def get_json(self) -> Any:
        return self.res.json()

    def get_data(self, as_text: bool = False) -> Any:
        return self.res.text if as_text else self.res.content


class HttpClient:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.session = requests.Session()

    def open(self, method: str, url: str, **kw: Any) -> Response:
        return Response(self.session.request(method, self.base + url, timeout=60, **kw))

    def get(self, url: str, **kw: Any) -> Response:
        return self.open("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> Response:
        return self.open("POST", url, **kw)
