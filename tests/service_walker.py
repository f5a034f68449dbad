"""The same walk as :class:`tests.walker.Walker`, through the service layer instead of HTTP.

Used by the benchmark, which must time the service (gate + engine step + persist + audit) without
the HTTP stack around it; ``tests/flows.py`` drives either walker.
"""
from __future__ import annotations

import io
import time
from typing import Any, Callable

from webapp import cases, timeline
from webapp.db import db
from webapp.models import StoredFile, User

from .payloads import payload
from .walker import ROLE_USER


class ServiceWalker:
    def __init__(self, users: dict[str, User], on_complete: Callable[[str, float, dict], None] | None = None) -> None:
        self.users = users
        self.on_complete = on_complete

    def create_case(self, emergency: bool = False, user: str = "officer1") -> dict[str, Any]:
        case = cases.create_case(self.users[user], "星光网吧接纳未成年人上网案", "抚顺县星光网吧", emergency=emergency)
        return {"id": case.id}

    def case(self, case_id: int, user: str = "officer1") -> dict[str, Any]:
        return timeline.case_json(self.users[user], case_id)

    def ready(self, case_id: int) -> list[dict[str, Any]]:
        return [t for t in self.case(case_id)["tasks"] if t["state"] == "ready"]

    def task(self, case_id: int, name: str) -> dict[str, Any]:
        matches = [t for t in self.ready(case_id) if t["name"] == name]
        assert matches, f"{name} not ready"
        return matches[0]

    def do(self, case_id: int, name: str, records: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
        task = self.task(case_id, name)
        user = self.users[ROLE_USER[task["role"]]]
        for kind, data in records.items():
            cases.submit_record(user, case_id, task["id"], kind, data if data is not None else payload(kind))
        started = time.perf_counter()
        cases.complete_task(user, case_id, task["id"])
        elapsed = time.perf_counter() - started
        if self.on_complete:
            self.on_complete(name, elapsed, {k: v if v is not None else payload(k) for k, v in records.items()})
        return {"id": case_id}

    def upload(self, content: bytes, name: str = "rec.mp4", user: str = "officer1") -> str:
        owner = self.users[user]
        sha, size = cases.store().put(io.BytesIO(content))
        if db.session.get(StoredFile, sha) is None:
            db.session.add(StoredFile(sha256=sha, size=size, content_type="video/mp4", original_name=name,
                                      agency_id=owner.agency_id, uploaded_by=owner.id))
            db.session.commit()
        return sha
