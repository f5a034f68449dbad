"""《市场监督管理行政处罚程序规定》 (国家市场监督管理总局令第2号，2022年第二次修正) through the JSON API on SQLite and
PostgreSQL: a department's 规章 in the rule base, binding the market supervision agency whose profile applies it
(changli-market, ``department_rules``) and no other.  第十八条: a case a higher agency assigned is decided on (立案 or
not) within fifteen working days of receiving its materials, extendable once by fifteen; 第五十九条: the 责令退款通知书
comes after the party was told and heard, and the penalty decision after it."""
from __future__ import annotations

from typing import Any

import pytest

import documents
from documents.render import renderer
from tests.documents.test_render import AGENCY, context_for
from tests.support.app import profiled
from tests.support.articles import INVESTIGATION
from tests.support.walker import Walker
from webapp.loadgen.flows import statement_steps
from webapp.loadgen.payloads import payload

RULE = "《市场监督管理行政处罚程序规定》"


def _approved_on(moment: str) -> dict[str, Any]:
    sig = {"signer": "刘伟", "capacity": "approver", "signed": True, "signed_at": moment}
    return payload("filing_approval", signatures=[sig])


def _assigned(w: Walker) -> int:
    """A case a higher agency assigned: the notice (received Saturday 28 February 2026) recorded on the 立案 step."""
    cid = w.create_case()["id"]
    w.do(cid, "t_filing", {"case_filing": payload("case_filing", source="assigned"),
                           "jurisdiction_notice": payload("jurisdiction_notice")})
    w.do(cid, "t_unit_opinion", {"unit_opinion": None})
    return cid


@pytest.mark.article("市场监督管理行政处罚程序规定", 18)
def test_an_assigned_case_is_decided_on_within_fifteen_working_days_extended_once(app, client):
    """Received Saturday 28 February: the head approving 立案 on 20 May (more than thirty working days later) is refused
    with the article and its working-day count; on 1 April (the 23rd working day, within the one extension) it passes.
    A culture agency, which does not apply the 规定, is not held to it: the same late approval passes."""
    w = Walker(client, profiled(app, "changli-market").tokens)
    cid = _assigned(w)
    task = w.task(cid, "t_filing_approval")
    assert w.add(cid, task, "filing_approval", _approved_on("2026-05-20T10:00:00+08:00")).status_code == 201
    res = w.complete(cid, task)
    body = res.get_json()
    assert res.status_code == 422 and f"{RULE}第十八条" in body["message"], body
    assert "收到上级交办或者指定管辖的案件材料" in body["message"] and "按工作日计算" in body["message"], body
    assert w.add(cid, task, "filing_approval", _approved_on("2026-04-01T10:00:00+08:00")).status_code == 201
    assert w.complete(cid, task).status_code == 200
    culture = Walker(client, profiled(app, "fushun-culture").tokens)
    other = _assigned(culture)
    culture.do(other, "t_filing_approval", {"filing_approval": _approved_on("2026-05-20T10:00:00+08:00")})


def _at_statement(w: Walker) -> int:
    cid = w.create_case()["id"]
    w.do(cid, "t_filing", {"case_filing": None})
    w.do(cid, "t_unit_opinion", {"unit_opinion": None})
    w.do(cid, "t_filing_approval", {"filing_approval": None})
    for name, records in [*INVESTIGATION, ("t_report", {"investigation_report": None}), *statement_steps()[:2]]:
        w.do(cid, name, records)
    return cid


@pytest.mark.article("市场监督管理行政处罚程序规定", 59)
def test_the_refund_order_follows_the_notice_and_precedes_the_decision(app, client, tmp_path):
    """A 责令退款通知书 dated before the 行政处罚告知书 (2 March) is refused at 陈述申辩 with the article; dated 5 March it
    passes and its 文书 is made, the sum in 大写; a decision dated 2 March, before the refund order, is refused with the
    article, one dated 6 March passes."""
    w = Walker(client, profiled(app, "changli-market").tokens)
    cid = _at_statement(w)
    task = w.task(cid, "t_statement")
    assert w.add(cid, task, "statement_record", payload("statement_record", hearing_requested=False)).status_code == 201
    early = payload("refund_order", ordered_at="2026-03-01T10:00:00+08:00")
    assert w.add(cid, task, "refund_order", early).status_code == 201
    res = w.complete(cid, task)
    body = res.get_json()
    assert res.status_code == 422 and f"{RULE}第五十九条" in body["message"], body
    assert "早于行政处罚事先告知" in body["message"], body
    assert w.add(cid, task, "refund_order", payload("refund_order", ordered_at="2026-03-05T10:00:00+08:00")).status_code == 201
    assert w.complete(cid, task).status_code == 200
    docs = {d["kind"]: d for d in w.call("get", f"/api/cases/{cid}/documents", "officer1").get_json()}
    assert docs["refund_order"]["title"] == "责令退款通知书", docs.keys()
    w.do(cid, "t_approval", {"decision_approval": None})
    decision = w.task(cid, "t_decision")
    assert w.add(cid, decision, "penalty_decision", payload("penalty_decision")).status_code == 201
    res = w.complete(cid, decision)
    body = res.get_json()
    assert res.status_code == 422 and f"{RULE}第五十九条" in body["message"] and "早于发出责令退款通知书" in body["message"], body
    later = payload("penalty_decision", decided_at="2026-03-06T10:00:00+08:00")
    assert w.add(cid, decision, "penalty_decision", later).status_code == 201
    assert w.complete(cid, decision).status_code == 200


@pytest.mark.article("市场监督管理行政处罚程序规定", 13)
@pytest.mark.article("市场监督管理行政处罚程序规定", 15)
@pytest.mark.article("市场监督管理行政处罚程序规定", 59)
def test_the_market_papers_cite_the_procedure_and_a_culture_agencys_do_not():
    """The 规定 is the real basis of 指定管辖 (第十三条), 交办 (第十五条) and the 责令退款通知书 (第五十九条): a market agency
    applying it prints them by title; a culture agency's paper of the same kind names no market supervision rule (the
    交办 notice then cites nothing: 行政处罚法 has no article on 交办)."""
    wanted = {"designation_notice": f"{RULE}第十三条", "assignment_notice": f"根据{RULE}第十五条之规定",
              "refund_order": f"和{RULE}第五十九条的规定"}
    for code, cited in wanted.items():
        kind = documents.kind(code)
        market = renderer().html(kind.template, context_for(kind, profile="changli-market", name="昌黎县市场监督管理局"))
        culture = renderer().html(kind.template, context_for(kind, profile="fushun-culture", name=AGENCY))
        assert cited in market, (code, market)
        assert "市场监督管理行政处罚程序规定" not in culture, (code, culture)
    assert "行政处罚法》第二十三条" not in renderer().html("assignment_notice.html", context_for(
        documents.kind("assignment_notice"), profile="changli-market", name="昌黎县市场监督管理局"))
