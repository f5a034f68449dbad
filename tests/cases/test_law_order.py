"""The order of a case's acts, judged on the moments its records state: no decision before the case was filed
(行政处罚法 第五十四条), no service before the decision it serves (行政处罚法 第六十一条), and a 回证 names the 文书 it
serves by reference, so it prints that document's issued 文号 and cannot be dated before it (民事诉讼法 第八十七条)."""
from __future__ import annotations

import datetime as dt

import pytest

from handlers import case_review
from handlers.law.facts import FACTS, Fact, StoredRecord, establish
from handlers.law.schema import binding
from handlers.task_rules import TaskRules
from tests.support.flows import decided
from webapp.loadgen.flows import file_case, hearing_steps, investigate, report_to_statement, service_steps
from webapp.loadgen.payloads import T, payload

BEFORE_FILING = "2025-07-02T10:00:00+08:00"  # eight months before the 立案 approval (signed at T)
BEFORE_DECISION = "2026-03-01T10:00:00+08:00"


def test_xingzheng_chufa_fa_54_61_a_decision_after_filing_and_its_service_after_the_decision(walker, tmp_path):
    """行政处罚法 第五十四条: a decision dated before 立案 is refused; 第六十一条: a 送达回证 dated before the decision
    is refused, by the gate (typed name) and at once when the 回证 names the issued 决定书."""
    w = walker
    cid = file_case(w)
    investigate(w, cid)
    report_to_statement(w, cid)
    w.do(cid, "t_approval", {"decision_approval": None})
    task = w.task(cid, "t_decision")
    assert w.add(cid, task, "penalty_decision", payload("penalty_decision", decided_at=BEFORE_FILING)).status_code == 201
    res = w.complete(cid, task)
    body = res.get_json()
    assert res.status_code == 422, body
    assert "《中华人民共和国行政处罚法》第五十四条" in body["message"] and "早于负责人批准立案" in body["message"], body
    assert w.add(cid, task, "penalty_decision", payload("penalty_decision")).status_code == 201
    assert w.complete(cid, task).status_code == 200

    decision = next(d for d in w.call("get", f"/api/cases/{cid}/documents", "officer1").get_json()
                    if d["kind"] == "penalty_decision")
    *before, (receipt_task, _) = service_steps("direct")
    for name, records in before:
        w.do(cid, name, records)
    task = w.task(cid, receipt_task)
    typed = payload("service_receipt", served_at=BEFORE_DECISION)
    assert w.add(cid, task, "service_receipt", typed).status_code == 201
    res = w.complete(cid, task)
    assert res.status_code == 422 and "《中华人民共和国行政处罚法》第六十一条" in res.get_json()["message"], res.get_json()

    by_reference = {k: v for k, v in typed.items() if k not in ("document", "document_no")}
    res = w.add(cid, task, "service_receipt", {**by_reference, "document_id": decision["id"]})
    body = res.get_json()
    assert res.status_code == 422 and "served_at" in body["fields"], body
    assert decision["number"] in body["fields"]["served_at"][0] and "第八十七条" in body["fields"]["served_at"][0]
    res = w.add(cid, task, "service_receipt", {**by_reference, "document_id": 2**31 - 1, "served_at": T})
    assert res.status_code == 422 and "document_id" in res.get_json()["fields"]
    assert w.add(cid, task, "service_receipt", {**by_reference, "document_id": decision["id"], "served_at": T}
                 ).status_code == 201
    assert w.complete(cid, task).status_code == 200


def test_case_review_scores_a_decision_dated_before_filing_as_failed():
    """案卷评查 judges the order again on the case's facts (a case recorded before the rule, or let through): a
    decision eight months before 立案 fails its check with 行政处罚法 第五十四条; one after it passes."""
    records = [StoredRecord(1, "filing_approval", payload("filing_approval"))]
    filed = establish("立案", records)
    assert isinstance(filed, Fact) and filed.at == dt.datetime.fromisoformat(T) and FACTS["立案"].title in filed.title
    rules = TaskRules(records=("penalty_decision",), av="none", basis=(), av_basis=(), deadline=None, act="决定")

    def review(decided_at: str) -> list[case_review.Check]:
        facts = case_review.StepFacts(
            spec_name="t_decision", title="作出处罚决定", rules=rules, profile_rules=binding(()),
            records={"penalty_decision": payload("penalty_decision", decided_at=decided_at)}, recordings=(),
            deadline=None, completed_at=dt.datetime(2026, 3, 3, tzinfo=dt.UTC), facts={"立案": filed})
        return [c for c in case_review.review_step(facts).checks if c.basis == "行政处罚法 第五十四条"]

    early, = review(BEFORE_FILING)
    assert not early.passed and "早于负责人批准立案" in early.text
    on_time, = review(T)
    assert on_time.passed


@pytest.mark.article("行政处罚法", 61)
def test_xingzheng_chufa_fa_61_a_lodged_service_dated_before_the_decision_it_names_is_refused(walker):
    """行政处罚法 第六十一条, 民事诉讼法 第八十九条: 留置送达 of a 决定书, named by its id, cannot be dated before that
    决定书 — refused at once beside the date, as the 送达回证 is."""
    w = walker
    cid, decision = decided(w)
    *plan, (lodged_task, _) = service_steps("lodged")
    for name, records in plan:
        w.do(cid, name, records)
    task = w.task(cid, lodged_task)
    named = {k: v for k, v in payload("lodging_record").items() if k not in ("document", "document_no")}
    res = w.add(cid, task, "lodging_record", {**named, "document_id": decision["id"], "refused_at": BEFORE_DECISION})
    assert res.status_code == 422 and decision["number"] in res.get_json()["fields"]["refused_at"][0], res.get_json()
    assert w.add(cid, task, "lodging_record", {**named, "document_id": decision["id"]}).status_code == 201


@pytest.mark.article("行政处罚法", 54)
def test_xingzheng_chufa_fa_54_a_summons_is_not_dated_before_the_case_was_filed(walker):
    """The 询问通知书 is an act of the investigation the 立案 opens: one dated before the head approved the filing is
    refused at the 询问 step, citing 第五十四条; dated after it, the step completes."""
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": None})
    task = walker.task(cid, "t_inquiry")
    assert walker.add(cid, task, "inquiry_record", payload("inquiry_record")).status_code == 201
    early = payload("inquiry_summons", issued_at=BEFORE_FILING, attend_at="2025-07-03T09:00:00+08:00")
    assert walker.add(cid, task, "inquiry_summons", early).status_code == 201
    walker.refused_until_corrected(cid, task, "inquiry_summons", "《中华人民共和国行政处罚法》第五十四条", "询问通知书不得早于立案", "早于负责人批准立案")


@pytest.mark.article("行政处罚法", 65)
def test_xingzheng_chufa_fa_65_a_hearing_report_is_not_dated_before_the_hearing(walker):
    """The 听证报告 reports a hearing that was held (听证结束后): dated before the 听证笔录's time of the hearing it is
    refused at the 听证 step, citing 第六十五条."""
    cid = file_case(walker)
    investigate(walker, cid)
    report_to_statement(walker, cid, hearing=True)
    steps = hearing_steps("direct")
    for name, records in steps[:-1]:
        walker.do(cid, name, records)
    name, records = steps[-1]
    task = walker.task(cid, name)
    for kind, data in records.items():
        assert walker.add(cid, task, kind, data).status_code == 201
    early = payload("hearing_report", reported_at="2026-03-15T10:00:00+08:00")
    assert walker.add(cid, task, "hearing_report", early).status_code == 201
    walker.refused_until_corrected(cid, task, "hearing_report", "《中华人民共和国行政处罚法》第六十五条", "听证报告不得早于听证")
