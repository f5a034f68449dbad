"""行政执法机关移送涉嫌犯罪案件的规定 第五条 through the JSON API on SQLite and PostgreSQL: a case to be referred to
the police is reported by a 专案组 of two or more officers; the head decides within three days of receiving the
report (calendar days: the 规定 is not 行政处罚法, whose 第八十五条 makes its own 三日 working days; a last day off
moves to the next working day) and a case approved is transferred within 24 hours; a refusal records its reason.
Each period runs from the moment the case's approval record states, never from a date retyped later."""
from __future__ import annotations

from typing import Any

import pytest

from tests.support.walker import Walker
from webapp.loadgen.flows import file_case, investigate, report_to_statement
from webapp.loadgen.payloads import payload

ARTICLE = "《行政执法机关移送涉嫌犯罪案件的规定》第五条"
TASK_FORCE = [{"name": "王芳", "certificate_no": "21040001"}, {"name": "李强", "certificate_no": "21040002"}]


def _reported(received: str, decided: str, decision: str = "transfer", **extra: Any) -> dict[str, Any]:
    return payload("decision_approval", **{"decision": decision, "crime_report": True, "task_force": TASK_FORCE,
                                           "crime_report_at": received, "transfer_decided_at": decided, **extra})


def _at_approval(w: Walker) -> int:
    cid = file_case(w)
    investigate(w, cid)
    report_to_statement(w, cid)
    return cid


def _refusal(w: Walker, cid: int, name: str, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    task = w.task(cid, name)
    assert w.add(cid, task, kind, data).status_code == 201
    res = w.complete(cid, task)
    assert res.status_code == 422, res.get_json()
    return res.get_json()


def _cited(body: dict[str, Any], kind: str) -> bool:
    return any(m["record"] == kind and ARTICLE in m["cited"] for m in body["missing"]) and ARTICLE in body["message"]


@pytest.mark.article("行政执法机关移送涉嫌犯罪案件的规定", 5)
def test_the_head_decides_within_three_days_of_receiving_the_report(walker):
    """Report received Monday 2 March 10:00: three days end with Thursday 5 March; a decision on Friday is refused
    with the article, one on Thursday evening passes. Received Wednesday 4 March, the third day is Saturday: the
    period runs to the end of Monday 9 March."""
    cid = _at_approval(walker)
    body = _refusal(walker, cid, "t_approval", "decision_approval",
                    _reported("2026-03-02T10:00:00+08:00", "2026-03-06T09:00:00+08:00"))
    assert _cited(body, "decision_approval") and "3日" in body["message"], body
    walker.do(cid, "t_approval", {"decision_approval": _reported("2026-03-02T10:00:00+08:00", "2026-03-05T18:00:00+08:00")})
    assert [t["name"] for t in walker.ready(cid)] == ["t_case_transfer"]
    later = _at_approval(walker)
    walker.do(later, "t_approval", {"decision_approval": _reported("2026-03-04T10:00:00+08:00", "2026-03-09T17:00:00+08:00")})


@pytest.mark.article("行政执法机关移送涉嫌犯罪案件的规定", 5)
def test_an_approved_case_goes_to_the_police_within_24_hours_of_the_decision(walker):
    """Decided Thursday 5 March 15:00: the transfer is due by Friday 15:00 by the clock; one recorded at 16:00 is
    refused with the article, one at 14:30 is accepted and the case moves on to 结案."""
    cid = _at_approval(walker)
    walker.do(cid, "t_approval", {"decision_approval": _reported("2026-03-04T10:00:00+08:00", "2026-03-05T15:00:00+08:00")})
    body = _refusal(walker, cid, "t_case_transfer", "case_transfer",
                    payload("case_transfer", transferred_at="2026-03-06T16:00:00+08:00"))
    assert _cited(body, "case_transfer") and "24小时" in body["message"], body
    walker.do(cid, "t_case_transfer", {"case_transfer": payload("case_transfer", transferred_at="2026-03-06T14:30:00+08:00")})
    assert [t["name"] for t in walker.ready(cid)] == ["t_closing_report"]


@pytest.mark.article("行政执法机关移送涉嫌犯罪案件的规定", 5)
def test_a_transfer_report_names_its_task_force_and_a_refusal_its_reason(walker):
    """A report marked as made by the 专案组 needs its members (two or more: one is refused by the record itself),
    when the head received it and decided; a head who does not approve the transfer (here: decides to penalise)
    records the reason. An approval with no such report is not bound."""
    cid = _at_approval(walker)
    task = walker.task(cid, "t_approval")
    lone = walker.add(cid, task, "decision_approval", _reported("2026-03-02T10:00:00+08:00", "2026-03-03T10:00:00+08:00",
                                                                task_force=TASK_FORCE[:1]))
    assert lone.status_code == 422 and "专案组成员至少 2 项" in str(lone.get_json()), lone.get_json()
    bare = payload("decision_approval", decision="transfer", crime_report=True)
    body = _refusal(walker, cid, "t_approval", "decision_approval", bare)
    assert _cited(body, "decision_approval") and "须填写专案组成员" in str(body["missing"]), body
    refused = _reported("2026-03-02T10:00:00+08:00", "2026-03-03T10:00:00+08:00", decision="approve")
    body = _refusal(walker, cid, "t_approval", "decision_approval", refused)
    assert _cited(body, "decision_approval") and "须填写不予批准移送的理由" in str(body["missing"]), body
    walker.do(cid, "t_approval", {"decision_approval": {**refused, "transfer_refusal_reason": "违法经营额未达追诉标准"}})
    assert [t["name"] for t in walker.ready(cid)] == ["t_decision"]
