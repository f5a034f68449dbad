"""送达: each method from each caller that serves a document, falling through after a failure,
and the records each method must leave (fushun-culture 第二十二至二十六条, lishui-city 第十八条)."""
from __future__ import annotations

from typing import Any

import pytest

from tests.support.flows import GateCheckingWalker, start
from webapp.loadgen.flows import SERVICE_METHODS, SHA, file_case, investigate, report_to_statement, service_steps
from webapp.loadgen.payloads import payload


def _walker(client: Any, agency: Any) -> GateCheckingWalker:
    w = GateCheckingWalker(client, agency.tokens)
    w.sha = w.upload(b"scan of the written notice / body-camera clip")
    return w


def _serve(w: GateCheckingWalker, cid: int, method: str, failed_first: tuple[str, ...] = ()) -> None:
    for failing in failed_first:
        for name, records in service_steps(failing, served=False, sha=SHA):
            w.do(cid, name, records)
    for name, records in service_steps(method, sha=SHA):
        w.do(cid, name, records)


def _ready(w: GateCheckingWalker, cid: int) -> list[str]:
    return [t["name"] for t in w.ready(cid)]


def _records(w: GateCheckingWalker, cid: int) -> list[str]:
    return [r["kind"] for r in w.case(cid)["records"]]


@pytest.mark.parametrize("method", SERVICE_METHODS)
def test_general_procedure_serves_its_decision_by(client, agency, method):
    w = _walker(client, agency)
    w.checking = False  # the lead-in is gated as in tests/test_general_procedure.py; check the 送达 tasks
    cid = file_case(w)
    investigate(w, cid)
    report_to_statement(w, cid)
    w.do(cid, "t_approval", {"decision_approval": None})
    w.do(cid, "t_decision", {"penalty_decision": None})
    w.checking = True
    assert _ready(w, cid) == ["t_service_plan"]
    _serve(w, cid, method)
    assert _ready(w, cid) == ["t_performance"]


@pytest.mark.parametrize("method", SERVICE_METHODS)
def test_enforcement_serves_the_reminder_and_the_decision_by(client, agency, method):
    w = _walker(client, agency)
    cid = start(w, "compulsory_enforcement")
    w.do(cid, "t_reminder", {"enforcement_reminder": None})
    _serve(w, cid, method)
    assert _ready(w, cid) == ["t_reminder_response"]
    w.do(cid, "t_reminder_response", {"reminder_response": None})
    w.do(cid, "t_enforcement_route", {"enforcement_route": None})
    for name, kind in (("t_approval_request", "approval_request"), ("t_approval_review", "approval_review"),
                       ("t_approval_decision", "approval_decision")):
        w.do(cid, name, {kind: None})
    w.do(cid, "t_enforcement_decision", {"enforcement_decision": None})
    _serve(w, cid, method)
    assert _ready(w, cid) == ["t_surcharge"]


def test_failed_methods_fall_through_to_the_next_until_public_notice(client, agency):
    w = _walker(client, agency)
    cid = start(w, "compulsory_enforcement")
    w.do(cid, "t_reminder", {"enforcement_reminder": None})
    _serve(w, cid, "public", failed_first=("direct", "mail", "entrusted", "forwarded"))
    assert _ready(w, cid) == ["t_reminder_response"]
    kinds = _records(w, cid)
    assert kinds.count("service_plan") == 5 and kinds.count("service_attempt") == 4
    assert "mail_returned" in kinds and "public_notice" in kinds and "service_receipt" not in kinds


def test_a_failed_attempt_does_not_steer_the_next_method(client, agency):
    """The failed outcome stays in the workflow data; 留置 after it must still end the service."""
    w = _walker(client, agency)
    cid = start(w, "compulsory_enforcement")
    w.do(cid, "t_reminder", {"enforcement_reminder": None})
    _serve(w, cid, "lodged", failed_first=("direct",))
    assert _ready(w, cid) == ["t_reminder_response"]
    w.do(cid, "t_reminder_response", {"reminder_response": None})
    w.do(cid, "t_enforcement_route", {"enforcement_route": None})
    for name, kind in (("t_approval_request", "approval_request"), ("t_approval_review", "approval_review"),
                       ("t_approval_decision", "approval_decision")):
        w.do(cid, name, {kind: None})
    w.do(cid, "t_enforcement_decision", {"enforcement_decision": None})
    _serve(w, cid, "direct")
    assert _ready(w, cid) == ["t_surcharge"]


def _refused(w: GateCheckingWalker, cid: int, task: str, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    res = w.add(cid, w.task(cid, task), kind, data)
    assert res.status_code == 422, res.get_json()
    return res.get_json()


def test_each_method_refuses_what_its_article_forbids(client, agency):
    w = _walker(client, agency)
    cid = start(w, "compulsory_enforcement")
    w.do(cid, "t_reminder", {"enforcement_reminder": None})
    out = _refused(w, cid, "t_service_plan", "service_plan", payload("service_plan", method="mail"))
    assert "《中华人民共和国行政强制法》第三十八条" in out["fields"]["reason"][0]
    w.do(cid, "t_service_plan", {"service_plan": payload("service_plan", method="mail", reason="当事人长期在外地")})
    out = _refused(w, cid, "t_mail_post", "mail_posting", payload("mail_posting", carrier="ordinary"))
    assert "挂号信" in out["fields"]["carrier"][0]
    w.do(cid, "t_mail_post", {"mail_posting": None})
    out = _refused(w, cid, "t_mail_result", "service_attempt", payload("service_attempt", method="mail", outcome="failed"))
    # a county's article is cited to that county's agencies only: this agency has no regulation of its own
    assert out["fields"]["failure_reason"] == ["未能送达的，须记录具体原因"]
    w.do(cid, "t_mail_result", {"service_attempt": payload("service_attempt", method="mail", outcome="failed",
                                                          failure_reason="邮件被退回")})
    out = _refused(w, cid, "t_mail_returned", "mail_returned", payload("mail_returned", envelope_kept=False))
    assert out["fields"]["envelope_kept"] == ["被退回的邮件须留存入卷"]
    w.do(cid, "t_mail_returned", {"mail_returned": None})

    w.do(cid, "t_service_plan", {"service_plan": payload("service_plan", method="lodged", reason="当事人拒收")})
    no_witness = payload("lodging_record")
    no_witness["signatures"] = no_witness["signatures"][:1]
    out = _refused(w, cid, "t_lodged", "lodging_record", no_witness)
    assert "见证人" in out["fields"]["signatures"][0]
    # the 留置 task also needs A/V: the gate names it, on the diagram's national article (a county's 第二十四条 of
    # fushun-culture now comes from that county's rules, and this agency has none)
    w.add(cid, w.task(cid, "t_lodged"), "lodging_record", payload("lodging_record"))
    res = w.complete(cid, w.task(cid, "t_lodged"))
    assert res.status_code == 422
    assert [m["record"] for m in res.get_json()["missing"]] == ["av_recording"]
    assert "民事诉讼法 第八十九条" in res.get_json()["missing"][0]["basis"]


def test_public_notice_needs_the_failure_record_and_thirty_days(client, agency):
    w = _walker(client, agency)
    cid = start(w, "compulsory_enforcement")
    w.do(cid, "t_reminder", {"enforcement_reminder": None})
    w.do(cid, "t_service_plan", {"service_plan": payload("service_plan", method="public", reason="下落不明")})
    out = _refused(w, cid, "t_public", "public_notice",
                   payload("public_notice", failed_methods=[], notice_files=[w.sha]))
    assert "须列明已采用而未能送达的方式" in out["fields"]["failed_methods"][0]
    out = _refused(w, cid, "t_public", "public_notice",
                   payload("public_notice", deemed_served_at="2026-03-20T10:00:00+08:00", notice_files=[w.sha]))
    assert "《中华人民共和国民事诉讼法》第九十五条" in out["fields"]["deemed_served_at"][0]
    out = _refused(w, cid, "t_public", "public_notice", payload("public_notice", notice_files=["0" * 64]))
    assert "notice_files" in out["fields"]
    w.do(cid, "t_public", {"public_notice": payload("public_notice", notice_files=[w.sha]), "av_not_suitable": None})
    assert _ready(w, cid) == ["t_reminder_response"]
