"""End-to-end walks of the general procedure (一般程序) through the JSON API."""
from __future__ import annotations

import datetime as dt

from webapp.loadgen.flows import close, decide_and_close, file_case, hold_hearing, investigate, report_to_statement
from webapp.loadgen.payloads import payload


def _done(case: dict) -> list[str]:
    return [t["name"] for t in case["tasks"] if t["state"] == "completed"]


def test_walk_without_hearing_or_legal_review(walker):
    cid = file_case(walker)
    investigate(walker, cid)
    report_to_statement(walker, cid)
    case = decide_and_close(walker, cid)
    assert case["status"] == "closed"
    done = _done(case)
    assert "t_hearing" not in done and "t_legal" not in done and "t_collective" not in done
    assert done[-5:] == ["t_performance", "t_closing_report", "t_closing_review", "t_closing_approval", "t_archive"]
    assert [a["action"] for a in case["audit"]].count("task.completed") == len(done)


def test_walk_with_hearing_legal_review_and_collective_discussion(walker):
    cid = file_case(walker)
    sha = walker.upload(b"fake-but-real-bytes of a body camera clip")
    investigate(walker, cid, sha)
    report_to_statement(walker, cid, major=True, hearing=True)
    assert [t["name"] for t in walker.ready(cid)] == ["t_hearing_notice"]
    hold_hearing(walker, cid)
    walker.do(cid, "t_legal", {"legal_review": None})
    walker.do(cid, "t_collective", {"collective_discussion": None})
    case = decide_and_close(walker, cid, correction=True)
    assert case["status"] == "closed"
    assert {"t_hearing", "t_legal", "t_collective", "t_correction"} <= set(_done(case))


def test_send_back_at_approval_returns_to_the_report(walker):
    cid = file_case(walker)
    investigate(walker, cid)
    report_to_statement(walker, cid)
    walker.do(cid, "t_approval", {"decision_approval": payload("decision_approval", decision="send_back")})
    assert [t["name"] for t in walker.ready(cid)] == ["t_report"]
    report_to_statement(walker, cid)
    case = decide_and_close(walker, cid)
    assert case["status"] == "closed"
    assert _done(case).count("t_approval") == 2 and _done(case).count("t_report") == 2


def test_failed_legal_review_returns_to_the_report(walker):
    cid = file_case(walker)
    investigate(walker, cid)
    report_to_statement(walker, cid, major=True)
    walker.do(cid, "t_legal", {"legal_review": payload("legal_review", passed=False)})
    assert [t["name"] for t in walker.ready(cid)] == ["t_report"]


def test_no_penalty_goes_straight_to_closing(walker):
    cid = file_case(walker)
    investigate(walker, cid)
    report_to_statement(walker, cid)
    walker.do(cid, "t_approval", {"decision_approval": payload("decision_approval", decision="no_penalty")})
    assert [t["name"] for t in walker.ready(cid)] == ["t_closing_report"]
    assert close(walker, cid)["status"] == "closed"


def test_filing_rejected_ends_the_case(walker):
    cid = file_case(walker, approve=False)
    case = walker.case(cid)
    assert case["status"] == "closed" and not walker.ready(cid)


def test_emergency_start_carries_a_24_hour_deadline_for_the_late_filing(walker, clock):
    cid = walker.create_case(emergency=True)["id"]
    assert [t["name"] for t in walker.ready(cid)] == ["t_emergency"]
    began = clock.now() - dt.timedelta(hours=3)
    walker.do(cid, "t_emergency", {"emergency_start": payload("emergency_start", started_at=began.isoformat())})
    late = walker.task(cid, "t_filing_late")
    assert dt.datetime.fromisoformat(late["due_at"]) == began + dt.timedelta(hours=24)  # from the measure, not the typing
    assert late["overdue"] is False
    clock.advance(hours=22)
    assert walker.task(cid, "t_filing_late")["overdue"] is True
    inbox = walker.call("get", "/api/tasks", "officer1").get_json()
    assert [t["overdue"] for t in inbox if t["case_id"] == cid] == [True]


def test_decision_fields_do_not_leak_between_passes(walker):
    """A send-back's decision must not steer the second approval (shared/notes: data persists along the path)."""
    cid = file_case(walker)
    investigate(walker, cid)
    report_to_statement(walker, cid, hearing=False)
    walker.do(cid, "t_approval", {"decision_approval": payload("decision_approval", decision="send_back")})
    report_to_statement(walker, cid, hearing=True)
    assert [t["name"] for t in walker.ready(cid)] == ["t_hearing_notice"]
