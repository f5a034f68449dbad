"""The official kinds issue 17 added to the set, walked and sealed: 询问通知书 (a summons submitted on the 询问 step
without being required there), 陈述申辩复核意见 (the review of what the party put forward), 听证报告 (the chair's report
after the hearing) and 通用审批表 (every internal approval) — each numbered as the 范本 numbers it, its facts read from
the case's records and its 落款 the day of its act."""
from __future__ import annotations

import documents
from tests.documents.test_sealing import CASE_NUMBERED, NUMBER, documents_of, pdf_text
from tests.engine.test_procedure_measures import SUB_PATHS, _walker
from webapp.loadgen.flows import file_case, hold_hearing, investigate, report_to_statement, service_steps
from webapp.loadgen.payloads import payload


def test_summons_review_and_hearing_report_are_sealed_from_the_case(walker, tmp_path):
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": None})
    # the summons rides on the 询问 step beside the 询问笔录; the step does not require it (the gate asks only for the 笔录)
    task = walker.task(cid, "t_inquiry")
    view = walker.call("get", f"/api/cases/{cid}/tasks/{task['id']}", "officer1").get_json()
    assert view["requires"]["records"] == ["inquiry_record"]
    walker.do(cid, "t_inquiry", {"inquiry_summons": None, "inquiry_record": None})
    walker.do(cid, "t_inspection", {"inspection_record": None, "av_not_suitable": None})
    report_to_statement(walker, cid, hearing=True)
    walker.do(cid, "t_hearing_notice", {"hearing_arrangement": None})
    hold_hearing_rest(walker, cid)
    docs = {d["kind"]: d for d in documents_of(walker, cid)}
    assert {"inquiry_summons", "statement_review", "hearing_report", "prior_notice"} <= set(docs), sorted(docs)

    summons = docs["inquiry_summons"]
    assert NUMBER.match(summons["number"]) and "询通" in summons["number"]  # the 范本 gives the notice a 文号
    text = pdf_text(walker.call("get", summons["url"], "officer1").data, tmp_path)
    assert "询问通知书" in text and "于2026年3月3日9时00分到抚顺县文化市场综合行政执法队询问室接受询问" in text
    assert "张明（执法证号21040001）" in text and "营业执照副本" in text and "2026年3月2日" in text[-30:]

    review = docs["statement_review"]
    assert CASE_NUMBERED.match(review["number"])  # a 复核意见 carries the case's 案号, no 文号 of its own
    text = pdf_text(walker.call("get", review["url"], "officer1").data, tmp_path)
    notice = docs["prior_notice"]
    assert f"行政处罚事先告知书（{notice['number']}，2026年3月2日）" in text  # the issued 告知书, not typed
    assert "经核查设备故障不能免除核验义务" in text and "不采纳" in text and "复核日期：2026年3月2日" in text
    assert {s[1] for s in review["sources"]} == {"statement_record", "prior_notice"}

    report = docs["hearing_report"]
    assert CASE_NUMBERED.match(report["number"])
    text = pdf_text(walker.call("get", report["url"], "officer1").data, tmp_path)
    # time held, chair and investigators from the 听证笔录; place and recorder from the arrangement
    assert "2026年3月16日9时00分" in text and "执法队听证室（公开举行）" in text and "赵静" in text and "孙丽" in text
    assert "设备故障能否免除当事人核验上网消费者身份的义务" in text and "报告日期：2026年3月17日" in text
    assert {s[1] for s in report["sources"]} == {"hearing_report", "hearing_record", "hearing_arrangement"}


def hold_hearing_rest(walker, cid: int) -> None:
    """The hearing after its notice: service, then the hearing, its 笔录 and the chair's 听证报告 on the same step."""
    for name, records in service_steps("direct"):
        walker.do(cid, name, records)
    walker.do(cid, "t_hearing", {"hearing_record": None, "hearing_report": None, "av_not_suitable": None})


def test_a_hearing_without_a_report_still_completes_and_makes_none(walker):
    """The 听证报告 is offered on the hearing step, not required by it: the step's gate asks only for the 笔录."""
    cid = file_case(walker)
    investigate(walker, cid)
    report_to_statement(walker, cid, hearing=True)
    hold_hearing(walker, cid)
    assert "hearing_report" not in {d["kind"] for d in documents_of(walker, cid)}


def test_a_waived_statement_makes_no_review_and_a_summons_cannot_call_before_it_is_issued(walker):
    """Nothing to review when the party waived (行政处罚法 第四十五条 reviews what the party put forward); a summons
    naming a time to attend before it was issued is refused in Chinese."""
    waived = {"statement_record": {"waived": True, "waiver_details": "当事人书面表示放弃"}}
    assert [k.code for k in documents.made_on({"statement_record"}, waived)] == ["statement_record"]
    stated = {"statement_record": payload("statement_record")}
    assert [k.code for k in documents.made_on({"statement_record"}, stated)] == ["statement_record", "statement_review"]
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": None})
    task = walker.task(cid, "t_inquiry")
    early = payload("inquiry_summons", attend_at="2026-03-02T09:00:00+08:00")
    res = walker.add(cid, task, "inquiry_summons", early)
    assert res.status_code == 422 and res.get_json()["fields"]["attend_at"] == ["接受询问时间须晚于通知时间"]


def test_every_internal_approval_leaves_its_approval_form(app, client, agency, tmp_path):
    """The 通用审批表 of the 先行登记保存 approval: the request (subject, reasons, basis, the 承办人 with 执法证号), the
    review and the head's decision, each signed and dated from its record; the 案号, no 文号."""
    measure, steps, _end = SUB_PATHS[("evidence_preservation", "approved, decided within seven working days")]
    w = _walker(client, agency, "approved, decided within seven working days")
    w.checking = False
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": payload("investigation_plan", measures=[measure])})
    for name, records in steps:
        w.do(cid, name, records)
    forms = [d for d in documents_of(w, cid) if d["kind"] == "general_approval"]
    assert len(forms) == 1
    form = forms[0]
    assert CASE_NUMBERED.match(form["number"]) and form["title"] == "审批表"  # the culture 范本 (the walk is Fushun's)
    assert [s[1] for s in form["sources"]] == ["approval_decision", "approval_request", "approval_review"]
    text = pdf_text(w.call("get", form["url"], "officer1").data, tmp_path)
    assert "审批事项作出强制执行决定" in text and "承办人：张明（执法证号21040001）" in text
    assert "审核人：王芳" in text and "负责人：刘伟" in text and "填表日期：2026年3月2日" in text
