"""案卷评查 of the supporting 文书 no step requires (询问通知书, 电子数据提取笔录, 鉴定委托书 and 结果告知书, 协助调查函,
限期提供材料通知书, 证据提取单 …): where a case holds one, its order is judged at its step and, at 归档, its 文书 must
have been sealed with its number; a case holding none loses no points (SQLite and PostgreSQL)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete

import documents
from handlers import case_review
from handlers.law.facts import StoredRecord, establish
from handlers.law.schema import binding
from handlers.task_rules import TaskRules
from tests.support.walker import Walker
from webapp.db import db
from webapp.loadgen.flows import decide_and_close, file_case, report_to_statement
from webapp.loadgen.payloads import EXTRACTED_BYTES, T, payload
from webapp.models import RenderJob

SUPPORTING = ("inquiry_summons", "electronic_data", "appraisal_commission", "expert_opinion", "appraisal_notice",
              "assistance_request", "materials_notice", "evidence_extraction", "identification_request")
#: the 文书 the supporting records make, titled as the test agency's (culture) set titles them
SEALED = tuple(documents.kind(code).title_in("culture") for code in (
    "inquiry_summons", "electronic_data", "appraisal_commission", "appraisal_notice", "assistance_request",
    "materials_notice", "evidence_extraction", "identification_request"))
BEFORE_FILING = "2026-03-01T10:00:00+08:00"  # the day before the 立案 approval (signed at T)


def _walk(w: Walker, supporting: bool) -> int:
    """A general-procedure case walked to 归档, every supporting record added on its 询问 step or none."""
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": None})
    if supporting:
        task = w.task(cid, "t_inquiry")
        w.upload(EXTRACTED_BYTES, name="上机登记_20260301.csv")
        opinion = w.upload("鉴定意见书".encode(), name="鉴定意见书.pdf")
        for kind in SUPPORTING:
            res = w.add(cid, task, kind, payload(kind, files=[opinion]) if kind == "expert_opinion" else payload(kind))
            assert res.status_code == 201, (kind, res.get_json())
    w.do(cid, "t_inquiry", {"inquiry_record": None})
    w.do(cid, "t_inspection", {"inspection_record": None, "av_not_suitable": None})
    report_to_statement(w, cid)
    decide_and_close(w, cid)
    return cid


def _review(w: Walker, cid: int) -> dict:
    return w.call("get", f"/oversight/api/cases/{cid}/review", "officer1").get_json()


def test_each_supporting_document_is_scored_sealed_with_its_number_at_archiving(walker, clock):
    """At 归档 the review lists each supporting 文书 with the number it was sealed with; the 结果告知书's order after
    the 鉴定意见 is judged at its step; the case scores full marks, as a case with no supporting record does."""
    # the sample records' dates are the walk's day: the archive period counts from them (another test may have left
    # the shared clock months later, and 归档 would then be late)
    clock.set(dt.datetime.fromisoformat(T) + dt.timedelta(hours=1))
    bare = _review(walker, _walk(walker, supporting=False))
    full = _review(walker, _walk(walker, supporting=True))
    assert bare["score"] == 100.0, bare["defects"]
    assert not [c for s in bare["steps"] for c in s["checks"] if c["kind"] == "sealed"]
    assert full["score"] == 100.0, full["defects"]
    archive = next(s for s in full["steps"] if s["spec_name"] == "t_archive")
    sealed = [c for c in archive["checks"] if c["kind"] == "sealed"]
    assert sorted(c["text"].partition("（")[0] for c in sealed) == sorted(SEALED), sealed
    assert all(c["passed"] and "已制作并编号：" in c["text"] and c["title"] == "文书已制作并编号" for c in sealed)
    numbers = {d["kind"]: d["number"] for d in walker.call("get", f"/api/cases/{full['case_id']}/documents",
                                                           "officer1").get_json()}
    summons = next(c for c in sealed if c["text"].startswith("调查询问通知书"))
    assert summons["text"] == f"调查询问通知书（询问调查）已制作并编号：{numbers['inquiry_summons']}"
    assert summons["basis"] == "行政处罚法 第五十五条" and "《中华人民共和国行政处罚法》第五十五条" in summons["cited"]
    inquiry = next(s for s in full["steps"] if s["spec_name"] == "t_inquiry")
    told = [c for c in inquiry["checks"] if c["text"].startswith("鉴定结果告知书")]
    assert [c["passed"] for c in told] == [True] and "不早于鉴定意见或专家论证意见的出具时间" in told[0]["text"]
    assert full["checks"] > bare["checks"] + len(SEALED)


def test_a_supporting_document_never_sealed_is_a_defect_of_the_case(app, walker, drain_render_queue):
    """A 限期提供材料通知书 whose 文书 was never made (its render job lost) fails the 归档 check, citing its article."""
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": None})
    task = walker.task(cid, "t_inquiry")
    assert walker.add(cid, task, "materials_notice", payload("materials_notice")).status_code == 201
    app.config["LIUHEN_RENDER_INLINE"] = False  # the 文书 is queued, then its job lost
    try:
        walker.do(cid, "t_inquiry", {"inquiry_record": None})
        with app.app_context():
            db.session.execute(delete(RenderJob).where(RenderJob.case_id == cid, RenderJob.kind == "materials_notice"))
            db.session.commit()
            db.session.remove()
    finally:
        app.config["LIUHEN_RENDER_INLINE"] = True
    walker.do(cid, "t_inspection", {"inspection_record": None, "av_not_suitable": None})
    report_to_statement(walker, cid)
    decide_and_close(walker, cid)
    review = _review(walker, cid)
    [defect] = [d for d in review["defects"] if d["kind"] == "sealed"]  # (a shared clock may make other defects)
    assert defect["basis"] == "行政处罚法 第五十五条", defect
    assert defect["text"] == "限期提供材料通知书（询问调查）未制作：本案有其记录，但没有已签章、编号的文书"
    assert review["score"] < 100.0


@pytest.mark.article("行政处罚法", 54)
def test_xingzheng_chufa_fa_54_an_investigation_notice_dated_before_filing_is_refused(walker):
    """行政处罚法 第五十四条: a 限期提供材料通知书 (and the 协助调查函, 鉴定委托书, 协助辨认/鉴别通知书) is issued in a filed
    case; one dated before the 立案 approval keeps its step from completing, citing the article."""
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": None})
    task = walker.task(cid, "t_inquiry")
    early = payload("materials_notice", notified_at=BEFORE_FILING, provide_by="2026-03-09T17:00:00+08:00")
    assert walker.add(cid, task, "materials_notice", early).status_code == 201
    assert walker.add(cid, task, "inquiry_record", payload("inquiry_record")).status_code == 201
    walker.refused_until_corrected(cid, task, "materials_notice", "限期提供材料通知书不得早于立案", "《中华人民共和国行政处罚法》第五十四条")


# --------------------------------------------------------------------------- the pure checks

RULES = TaskRules(records=("inquiry_record",), av="none", basis=(), av_basis=(), deadline=None, act="询问")


def _facts(records: dict, **more: object) -> case_review.StepFacts:
    return case_review.StepFacts(spec_name="t_inquiry", title="询问", rules=RULES, profile_rules=binding(()),
                                 records={"inquiry_record": payload("inquiry_record"), **records}, recordings=(),
                                 deadline=None, completed_at=dt.datetime(2026, 3, 6, tzinfo=dt.UTC), **more)


def _supporting(result: case_review.StepReview) -> list[case_review.Check]:
    return [c for c in result.checks if c.kind == "sealed" or "告知书" in c.text or "通知书不得早于立案" in c.text]


@pytest.mark.article("行政处罚法", 54)
def test_the_review_judges_a_notice_let_through_before_filing_and_a_result_told_before_the_opinion():
    """A step let through (an exception, an old version): a 限期提供材料通知书 dated before 立案 fails its check with 行政
    处罚法 第五十四条; a 结果告知书 dated before the 鉴定意见 it tells fails its check with the notice's article."""
    filed = establish("立案", [StoredRecord(1, "filing_approval", payload("filing_approval"))])
    early = payload("materials_notice", notified_at=BEFORE_FILING, provide_by="2026-03-09T17:00:00+08:00")
    [check] = [c for c in case_review.review_step(_facts({"materials_notice": early}, facts={"立案": filed})).checks
               if c.basis == "行政处罚法 第五十四条" and "限期提供材料" in c.text]
    assert not check.passed and "早于负责人批准立案" in check.text
    opinion = payload("expert_opinion", files=["0" * 64])
    told = payload("appraisal_notice", notified_at="2026-03-03T10:00:00+08:00")  # the opinion was issued on 3-04
    [bad] = _supporting(case_review.review_step(_facts({"appraisal_notice": told}, held={"expert_opinion": opinion})))
    assert not bad.passed and bad.kind == "law" and bad.basis == "fushun-culture 第十一条"
    assert bad.text.startswith("鉴定结果告知书的日期 2026-03-03 10:00 早于鉴定意见或专家论证意见的出具时间"), bad.text
    [good] = _supporting(case_review.review_step(_facts({"appraisal_notice": payload("appraisal_notice")},
                                                         held={"expert_opinion": opinion})))
    assert good.passed


def test_the_review_fails_a_file_whose_supporting_document_was_not_sealed_and_adds_nothing_for_none():
    filed = (case_review.Filed("materials_notice", "限期提供材料通知书", "询问", "测执限提〔2026〕1号"),
             case_review.Filed("electronic_data", "电子数据证据提取笔录", "现场检查", ""))
    ok, missing = _supporting(case_review.review_step(_facts({}, filed=filed)))
    assert ok.passed and ok.text == "限期提供材料通知书（询问）已制作并编号：测执限提〔2026〕1号"
    assert not missing.passed and missing.basis == "行政处罚法 第四十六条；行政处罚法 第五十五条"
    assert _supporting(case_review.review_step(_facts({}))) == []
