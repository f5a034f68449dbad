"""A walker through the service layer (no HTTP): the benchmarks time it, the case generator walks its
template cases with it, and ``webapp.samples.flows`` drives it like the tests' JSON-API walker."""
from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

from webapp import store
from webapp.cases import service as cases
from webapp.cases import timeline
from webapp.db import db
from webapp.engine import runner
from webapp.loadgen.flows import substitute
from webapp.loadgen.payloads import payload
from webapp.models import User

#: which sample user acts for each lane's role
ROLE_USER = {"officer": "officer1", "reviewer": "reviewer1", "legal": "legal1", "approver": "approver1"}


def _request(user: User) -> float:
    """Each service call stands for a request of the JSON API: its sign-in has loaded the user (a commit expired it)
    and it shares no restored workflow with the call before (:func:`runner.forget`); the call is timed from here."""
    runner.forget()
    assert user.roles is not None  # loaded, as signing in loads the user of a request
    return time.perf_counter()


class ServiceWalker:
    """Acts as ``users[ROLE_USER[role]]`` for each task; ``sha`` replaces the step tables' SHA placeholder."""

    sha: str = ""
    records_seconds: float = 0.0  # how long the last task's records took to submit
    #: the processor time the last completion took in this process (Python and SQLite; not PostgreSQL's server): a
    #: figure other processes on the machine disturb less than the wall-clock time
    cpu_seconds: float = 0.0

    def __init__(self, users: dict[str, User], on_complete: Callable[[str, float, dict], None] | None = None) -> None:
        self.users = users
        self.on_complete = on_complete

    def create_case(self, emergency: bool = False, user: str = "officer1", title: str = "星光网吧接纳未成年人上网案",
                    party_name: str = "抚顺县星光网吧", process_id: str = "general_procedure") -> dict[str, Any]:
        case = cases.create_case(self.users[user], title, party_name, process_id, emergency=emergency)
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
        filled = {k: substitute(v, self.sha) if v is not None else payload(k) for k, v in records.items()}
        self.records_seconds = 0.0  # the whole task is this and the completion
        for kind, data in filled.items():
            started = _request(user)
            cases.submit_record(user, case_id, task["id"], kind, data)
            self.records_seconds += time.perf_counter() - started
        started = _request(user)
        cpu = time.process_time()
        cases.complete_task(user, case_id, task["id"])
        elapsed = time.perf_counter() - started
        self.cpu_seconds = time.process_time() - cpu
        if self.on_complete:
            self.on_complete(name, elapsed, filled)
        return {"id": case_id}

    def upload(self, content: bytes, name: str = "rec.mp4", user: str = "officer1") -> str:
        owner = self.users[user]
        sha, size = store.current().put(io.BytesIO(content))
        store.register(sha, size, content_type="video/mp4", name=name, agency_id=owner.agency_id, user_id=owner.id)
        db.session.commit()
        return sha
