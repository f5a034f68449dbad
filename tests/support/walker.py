"""Drives a case through the JSON API as the users of an agency would."""
from __future__ import annotations

from typing import Any

from webapp.loadgen.payloads import payload
from webapp.loadgen.walker import ROLE_USER


class Walker:
    def __init__(self, client: Any, tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens

    def call(self, method: str, url: str, user: str, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"}
        return getattr(self.client, method)(url, headers=headers, **kw)

    def create_case(self, emergency: bool = False, user: str = "officer1") -> dict[str, Any]:
        res = self.call("post", "/api/cases", user, json={"title": "星光网吧接纳未成年人上网案",
                                                        "party_name": "抚顺县星光网吧", "emergency": emergency})
        assert res.status_code == 201, res.get_json()
        return res.get_json()

    def case(self, case_id: int, user: str = "officer1") -> dict[str, Any]:
        res = self.call("get", f"/api/cases/{case_id}", user)
        assert res.status_code == 200, res.get_json()
        return res.get_json()

    def ready(self, case_id: int) -> list[dict[str, Any]]:
        return [t for t in self.case(case_id)["tasks"] if t["state"] == "ready"]

    def task(self, case_id: int, name: str) -> dict[str, Any]:
        matches = [t for t in self.ready(case_id) if t["name"] == name]
        assert matches, f"{name} not ready; ready: {[t['name'] for t in self.ready(case_id)]}"
        return matches[0]

    def add(self, case_id: int, task: dict[str, Any], kind: str, data: dict[str, Any] | None = None,
            user: str | None = None) -> Any:
        user = user or ROLE_USER[task["role"]]
        return self.call("post", f"/api/cases/{case_id}/tasks/{task['id']}/records", user,
                         json={"kind": kind, "payload": data if data is not None else payload(kind)})

    def complete(self, case_id: int, task: dict[str, Any], user: str | None = None) -> Any:
        user = user or ROLE_USER[task["role"]]
        return self.call("post", f"/api/cases/{case_id}/tasks/{task['id']}/complete", user)

    def refused_until_corrected(self, case_id: int, task: dict[str, Any], kind: str, *says: str) -> None:
        """The task holds a wrong ``kind`` record: completing it is refused (422) with every text of ``says`` in the
        message; a new version of the sample record corrects it, and the task then completes."""
        res = self.complete(case_id, task)
        body = res.get_json()
        assert res.status_code == 422 and all(text in body["message"] for text in says), body
        assert self.add(case_id, task, kind, payload(kind)).status_code == 201
        assert self.complete(case_id, task).status_code == 200

    def do(self, case_id: int, name: str, records: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
        """Record everything the task needs and complete it; fail loudly if anything is refused."""
        task = self.task(case_id, name)
        for kind, data in records.items():
            res = self.add(case_id, task, kind, data)
            assert res.status_code == 201, (name, kind, res.get_json())
        res = self.complete(case_id, task)
        assert res.status_code == 200, (name, res.get_json())
        return res.get_json()

    def upload(self, content: bytes, name: str = "rec.mp4", user: str = "officer1") -> str:
        import io

        res = self.call("post", "/api/files", user, data={"file": (io.BytesIO(content), name)},
                        content_type="multipart/form-data")
        assert res.status_code == 201, res.get_json()
        return res.get_json()["sha256"]
