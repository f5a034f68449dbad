"""延期（分期）缴纳罚款决定书, 代履行决定书, 案件移送函 / 涉嫌犯罪案件移送书 and 解除先行登记保存通知书: each made and sealed
by a case walked through the JSON API, quoting the documents the case issued (文号, title, date) and the fine from
its 决定书, dated the day of its own act."""
from __future__ import annotations

import datetime as dt

import pytest

import documents
from handlers.catalogue import CATALOGUE
from tests.documents.test_sealing import NUMBER, documents_of, pdf_text
from tests.support.flows import decided
from webapp.loadgen.flows import (
    approval_steps,
    close,
    file_case,
    investigate,
    reminder,
    report_to_statement,
    serve,
    service_steps,
)
from webapp.loadgen.payloads import T, payload


def _errors(kind: str, **changes) -> str:
    return str(CATALOGUE[kind].validate(payload(kind, **changes), lambda _: True))


@pytest.mark.article("行政处罚法", 66)
def test_xingzheng_chufa_fa_66_deferral_or_instalments_are_approved_with_their_periods():
    """行政处罚法 第六十六条第二款: 经当事人申请和行政机关批准 — the approval states the new period (延期) or every
    instalment (分期), comes after the application, and only an approval makes the 决定书 (a refusal its 通知书)."""
    assert _errors("payment_deferral") == "{}"
    assert "第六十六条" in _errors("payment_deferral", decision="defer")  # no period
    assert _errors("payment_deferral", decision="defer", deferred_until="2026-05-10T17:00:00+08:00") == "{}"
    unlisted = {k: v for k, v in payload("payment_deferral").items() if k != "instalments"}
    assert "第六十六条" in str(CATALOGUE["payment_deferral"].validate(unlisted, lambda _: True))
    assert "申请日期" in _errors("payment_deferral", decided_at="2026-03-09T10:00:00+08:00")
    made = {d: [k.code for k in documents.made_on({"payment_deferral"}, {"payment_deferral": {"decision": d}})]
            for d in ("defer", "instalments", "refuse")}
    assert made == {"defer": ["payment_deferral"], "instalments": ["payment_deferral"], "refuse": ["payment_deferral_refusal"]}


def test_a_deferral_quotes_the_issued_decision_and_its_fine_and_returns_to_performance(walker, tmp_path, clock):
    clock.set(dt.datetime.fromisoformat(T))
    cid, decision = decided(walker)
    serve(walker, cid)
    walker.do(cid, "t_performance", {"performance_record": payload("performance_record", status="applied")})
    assert [t["name"] for t in walker.ready(cid)] == ["t_deferral"]
    walker.do(cid, "t_deferral", {"payment_deferral": None})
    assert [t["name"] for t in walker.ready(cid)] == ["t_performance"]  # performance is recorded again afterwards
    walker.do(cid, "t_performance", {"performance_record": None})
    assert close(walker, cid)["status"] == "closed"
    doc = next(d for d in documents_of(walker, cid) if d["kind"] == "payment_deferral")
    assert NUMBER.match(doc["number"]) and doc["title"] == "延期（分期）缴纳罚款决定书"
    text = pdf_text(walker.call("get", doc["url"], "officer1").data, tmp_path)
    assert f"2026年3月2日作出的行政处罚决定书（{decision['number']}）" in text
    assert "罚款人民币壹万元整（¥10,000.00）" in text  # the 决定书's fine, never retyped in the deferral
    assert "第2期2026年5月10日前人民币伍仟元整（¥5,000.00）" in text
    assert "2026年3月12日" in text[-40:]  # 落款: the day approved


def test_a_substitute_performance_decision_quotes_the_issued_decision(walker, tmp_path, clock):
    """行政强制法 第五十一条: the 代履行决定书 states the party, reasons and basis, manner and time, object, cost
    estimate and performer, and names the decision not performed as issued."""
    clock.set(dt.datetime.fromisoformat(T))
    cid, decision = decided(walker)
    serve(walker, cid)
    walker.do(cid, "t_performance", {"performance_record": payload("performance_record", status="none")})
    clock.advance(days=30)  # 行政处罚法 第六十七条: the fifteen days to pay are over
    for name, records in reminder():
        walker.do(cid, name, records)
    walker.do(cid, "t_enforcement_route", {"enforcement_route": None})
    for name, records in approval_steps():
        walker.do(cid, name, records)
    walker.do(cid, "t_enforcement_decision", {"enforcement_decision": payload("enforcement_decision", method="substitute")})
    for name, records in service_steps("direct"):
        walker.do(cid, name, records)
    walker.do(cid, "t_substitute", {"substitute_performance": None})
    doc = next(d for d in documents_of(walker, cid) if d["kind"] == "substitute_decision")
    assert NUMBER.match(doc["number"]) and doc["title"] == "代履行决定书"
    text = pdf_text(walker.call("get", doc["url"], "officer1").data, tmp_path)
    assert f"行政处罚决定书（{decision['number']}，2026年3月2日）已依法送达" in text
    for part in ("抚顺县星光网吧", "代履行的理由和依据", "委托抚顺县城建工程队拆除", "2026年3月26日10时00分",
                 "门前违规设置的户外广告牌一块", "人民币贰仟元整（¥2,000.00）", "代履行人：抚顺县城建工程队。"):
        assert part in text, part
    assert "抚文执改〔2026〕3号" not in text  # the typed decision is for a case that holds none
    assert "2026年3月24日" in text[-40:]


@pytest.mark.parametrize("ground,kind,title", [("crime", "crime_referral", "涉嫌犯罪案件移送书"),
                                               ("jurisdiction", "case_referral", "案件移送单")])
def test_a_case_approved_for_transfer_is_transferred_and_closed(walker, tmp_path, ground, kind, title):
    """行政处罚法 第五十七条第一款第四项、第二十七条: 违法行为涉嫌犯罪的，移送司法机关; 第二十二、二十三条: 不属本机关管辖的，移送
    有管辖权的机关 — the 负责人 decides 移送, the transfer is recorded and its 文书 sealed, then the case is closed."""
    cid = file_case(walker)
    investigate(walker, cid)
    report_to_statement(walker, cid)
    walker.do(cid, "t_approval", {"decision_approval": payload("decision_approval", decision="transfer")})
    assert [t["name"] for t in walker.ready(cid)] == ["t_case_transfer"]
    receiver = "抚顺县公安局" if ground == "crime" else "抚顺县市场监督管理局"
    walker.do(cid, "t_case_transfer", {"case_transfer": payload("case_transfer", ground=ground, receiver=receiver)})
    assert [t["name"] for t in walker.ready(cid)] == ["t_closing_report"]
    assert close(walker, cid)["status"] == "closed"
    docs = {d["kind"]: d for d in documents_of(walker, cid)}
    assert kind in docs and ({"crime_referral", "case_referral"} - {kind}).isdisjoint(docs)
    assert "penalty_decision" not in docs and NUMBER.match(docs[kind]["number"]) and docs[kind]["title"] == title
    text = pdf_text(walker.call("get", docs[kind]["url"], "officer1").data, tmp_path)
    assert f"{title}{docs[kind]['number']}{receiver}：" in text
    assert "2026年3月2日立案调查的星光网吧接纳未成年人上网案" in text and "电脑主机" in text and "2026年3月6日" in text


def test_a_crime_transfer_is_copied_to_the_procuratorate():
    """行政执法机关移送涉嫌犯罪案件的规定 第八条: 移送涉嫌犯罪案件的，应当抄送同级人民检察院."""
    assert "第八条" in _errors("case_transfer", copied_to="")
    assert _errors("case_transfer", ground="jurisdiction", copied_to="") == "{}"


def test_the_market_set_titles_the_release_as_its_fan_ben_does(tmp_path):
    """市场监督管理行政处罚文书格式范本（2021年修订版） names the release 解除先行登记保存证据通知书; the culture 范本
    解除先行登记保存通知书 — one kind, titled per the agency's set."""
    from tests.documents.test_render import context_for
    from tests.documents.test_render import pdf_text as text_of

    kind = documents.kind("preservation_release")
    market = text_of(documents.render(kind.template, context_for(kind, profile="changli-market", name="昌黎县市场监督管理局")),
                     tmp_path)
    culture = text_of(documents.render(kind.template, context_for(kind)), tmp_path)
    assert "解除先行登记保存证据通知书" in market and "解除先行登记保存证据通知书" not in culture
    assert "解除先行登记保存通知书" in culture


@pytest.mark.article("行政处罚法", 66)
def test_xingzheng_chufa_fa_66_no_reminder_before_the_deferred_period_ends(walker, clock):
    """行政处罚法 第六十六条: a fine deferred with approval is not overdue before the approved day, so the 催告 of
    行政强制法 第三十五条 (otherwise allowed fifteen days after service, 第六十七条) waits for it."""
    clock.set(dt.datetime.fromisoformat(T))
    cid, _ = decided(walker)
    serve(walker, cid)
    walker.do(cid, "t_performance", {"performance_record": payload("performance_record", status="applied")})
    deferral = {k: v for k, v in payload("payment_deferral", decision="defer",
                                         deferred_until="2026-05-10T17:00:00+08:00").items() if k != "instalments"}
    walker.do(cid, "t_deferral", {"payment_deferral": deferral})
    walker.do(cid, "t_performance", {"performance_record": payload("performance_record", status="none")})
    clock.set(dt.datetime.fromisoformat("2026-05-12T09:00:00+08:00"))
    task = walker.task(cid, "t_reminder")
    walker.add(cid, task, "enforcement_reminder", payload("enforcement_reminder", issued_at="2026-04-15T10:00:00+08:00"))
    res = walker.complete(cid, task)
    body = res.get_json()
    assert res.status_code == 422 and "《中华人民共和国行政处罚法》第六十六条" in body["message"], body
    assert "2026-05-10" in body["message"] or "2026年5月10日" in body["message"], body["message"]
    walker.add(cid, task, "enforcement_reminder", payload("enforcement_reminder", issued_at="2026-05-11T10:00:00+08:00"))
    assert walker.complete(cid, task).status_code == 200


@pytest.mark.article("行政处罚法", 66)
def test_xingzheng_chufa_fa_66_instalments_add_up_to_the_decisions_fine(walker, clock):
    """Paid in instalments, the fine is still the 决定书's: instalments that add up to less (or more) are refused,
    citing 第六十六条, with the fine named from the issued decision, not retyped."""
    clock.set(dt.datetime.fromisoformat(T))
    cid, _ = decided(walker)
    serve(walker, cid)
    walker.do(cid, "t_performance", {"performance_record": payload("performance_record", status="applied")})
    task = walker.task(cid, "t_deferral")
    short = payload("payment_deferral", instalments=[{"due_at": "2026-04-10T17:00:00+08:00", "sum_due": "5000.00"},
                                                     {"due_at": "2026-05-10T17:00:00+08:00", "sum_due": "4000.00"}])
    assert walker.add(cid, task, "payment_deferral", short).status_code == 201
    walker.refused_until_corrected(cid, task, "payment_deferral", "《中华人民共和国行政处罚法》第六十六条", "记录为 9000.00",
                                   "行政处罚决定的罚款数额 10000")
