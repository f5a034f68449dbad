"""Steps of the procedures for the end-to-end tests: the step functions live in :mod:`webapp.samples.flows`
(shared with the benchmarks and the case generator); the JSON-API-only parts are here."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from SpiffWorkflow.util.task import TaskState

from tests.support.walker import Walker
from webapp.db import db
from webapp.engine import runner
from webapp.loadgen.flows import file_case, investigate, report_to_statement
from webapp.loadgen.flows import substitute as _substitute
from webapp.loadgen.payloads import payload
from webapp.models import Case


def start(w: Walker, process_id: str, emergency: bool = False, user: str = "officer1") -> int:
    """Start a case on any deployed procedure (the walker's create_case starts the general procedure)."""
    res = w.call("post", "/api/cases", user, json={"title": "测试案件", "party_name": "抚顺县星光网吧",
                                                   "emergency": emergency, "process_id": process_id})
    assert res.status_code == 201, res.get_json()
    return res.get_json()["id"]


ARTICLE = re.compile(r"第[一二三四五六七八九十百零]+条|[一二三四五六七八九十]+（[一二三四五六七八九十]+）")  # a law's, or a guidance's item
CODE_FORM = re.compile(r"[a-z]+-[a-z]+ 第")


class GateCheckingWalker(Walker):
    """A walker that, before recording anything at a task, checks the gate refuses it with reasons."""

    sha: str = ""
    checking: bool = True

    def do(self, case_id: int, name: str, records: dict[str, Any]) -> dict[str, Any]:
        if not self.checking:
            return super().do(case_id, name, _substitute(records, self.sha))
        task = self.task(case_id, name)
        view = self.call("get", f"/api/cases/{case_id}/tasks/{task['id']}", "officer1").get_json()
        res = self.complete(case_id, task)
        assert res.status_code == 422, (name, res.status_code)
        body = res.get_json()
        assert body["error"] == "records_missing"
        need = view["requires"]
        expected = set(need["records"]) | ({"av_recording"} if need["av"] == "required" else set())
        assert {m["record"] for m in body["missing"]} == expected, name
        for m in body["missing"]:
            basis = need["av_basis"] if m["record"] == "av_recording" else need["basis"]
            assert m["basis"] == basis and all(ARTICLE.search(b) for b in basis), (name, m)
            assert m["title"] in m["message"] and all(c in m["message"] for c in m["cited"])
            assert not CODE_FORM.search(m["message"]), m  # articles by their real titles, never internal codes
        return super().do(case_id, name, _substitute(records, self.sha))


def decided(w: Walker) -> tuple[int, dict[str, Any]]:
    """A general-procedure case walked to its 行政处罚决定书 (issued, not yet served): the case id and that 文书."""
    cid = file_case(w)
    investigate(w, cid)
    report_to_statement(w, cid)
    w.do(cid, "t_approval", {"decision_approval": None})
    w.do(cid, "t_decision", {"penalty_decision": None})
    return cid, next(d for d in w.call("get", f"/api/cases/{cid}/documents", "officer1").get_json()
                     if d["kind"] == "penalty_decision")


def filing_approval(at: dt.datetime) -> dict[str, Any]:
    """A 立案审批 signed by the head at ``at``: the fact 立案 a period may start from (行政处罚法 第六十条)."""
    return payload("filing_approval", signatures=[{"signer": "刘伟", "capacity": "approver", "signed": True,
                                                   "signed_at": at.isoformat()}])


def ended_at(app: Any, case_id: int) -> set[str]:
    """End events the case's top-level process completed."""
    with app.app_context():
        wf = runner.load(db.session.get(Case, case_id))
        out = {t.task_spec.name for t in wf.get_tasks(state=TaskState.COMPLETED)
               if t.workflow is wf and t.task_spec.name.startswith("end")}
        db.session.remove()
    return out
