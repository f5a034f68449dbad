"""The market set's titles (市场监督管理行政处罚文书格式范本（2021年修订版）, contents items 7, 29, 30, 32, 36, 37, 39, 42, 43,
47, 48): a kind is titled as that 范本 names it for an agency on the market set, and where the 范本 names alternatives
(“/”: choose one, strike the others) the paper prints the one that fits the case; the culture set keeps its titles."""
from __future__ import annotations

import re

import documents
from handlers import catalogue
from tests.documents.test_render import context_for, pdf_text, squeeze
from webapp.loadgen.payloads import payload

MARKET = {"case_filing": "立案/不予立案审批表", "sampling_record": "抽样记录", "prior_notice": "行政处罚告知书",
          "hearing_notice": "行政处罚听证通知书", "legal_review": "案件审核/法制审核表",
          "collective_discussion": "行政处罚案件集体讨论记录", "decision_approval": "行政处理决定审批表",
          "general_approval": "行政处罚案件有关事项审批表", "enforcement_reminder": "行政处罚决定履行催告书",
          "payment_deferral": "延期/分期缴纳罚款通知书", "appraisal_commission": "检测/检验/检疫/鉴定委托书",
          "appraisal_notice": "检测/检验/检疫/鉴定结果告知书", "case_examination": "案件审核/法制审核表"}
#: what the paper prints for the sample case: 立案 approved, a 法制审核, instalments, a 鉴定
PRINTED = {"case_filing": "立案审批表", "legal_review": "法制审核表", "case_examination": "案件审核表", "payment_deferral": "分期缴纳罚款通知书",
           "appraisal_commission": "鉴定委托书", "appraisal_notice": "鉴定结果告知书"}


def _heading(code: str, profile: str, tmp_path) -> str:
    kind = documents.kind(code)
    text = pdf_text(documents.render(kind.template, context_for(kind, profile=profile, name="昌黎县市场监督管理局")),
                    tmp_path)
    return re.sub(r"\s+", "", text)[:60]


def test_the_market_set_titles_and_prints_one_title_where_it_names_alternatives(tmp_path):
    assert {code: documents.kind(code).title_in("market") for code in MARKET} == MARKET
    for code, title in MARKET.items():
        heading = _heading(code, "changli-market", tmp_path)
        assert heading.startswith(f"昌黎县市场监督管理局{PRINTED.get(code, title)}"), (code, heading)
        assert "/" not in heading, heading
    culture = {code: documents.kind(code).title_in("culture") for code in MARKET}
    assert culture["decision_approval"] == "行政处罚决定审批表" and culture["prior_notice"] == "行政处罚事先告知书"
    assert _heading("payment_deferral", "fushun-culture", tmp_path).startswith("昌黎县市场监督管理局延期（分期）缴纳罚款决定书")


def test_the_alternative_printed_is_read_from_the_case():
    """立案/不予立案: the head's decision; 延期/分期: the approval's; 检测/检验/检疫/鉴定: the commission's kind."""
    def printed(code: str, payloads: dict) -> str:
        return documents.kind(code).printed_title("market", payloads)

    assert printed("case_filing", {"filing_approval": {"decision": "reject"}}) == "不予立案审批表"
    assert printed("case_filing", {"filing_approval": {"decision": "approve"}}) == "立案审批表"
    assert printed("payment_deferral", {"payment_deferral": {"decision": "defer"}}) == "延期缴纳罚款通知书"
    assert printed("appraisal_period", {"appraisal_commission": {"form": "testing"}}) == "检测期间告知书"
    assert printed("appraisal_notice", {"appraisal_commission": {"form": "quarantine"}}) == "检疫结果告知书"
    assert printed("appraisal_notice", {}) == "鉴定结果告知书"
    assert documents.kind("appraisal_notice").printed_title("culture", {}) == "鉴定结果告知书"
    assert printed("service_announcement", {}) == "行政处罚文书送达公告"


def _list_heading(profile: str, measure: str, tmp_path) -> str:
    """The heading of the 清单 page of the 查封（扣押）决定书 for a ``measure`` (seal or seize) on ``profile``."""
    kind = documents.kind("coercive_decision")
    context = context_for(kind, profile=profile)
    context["doc"] = catalogue.display("coercive_decision", payload("coercive_decision", measure=measure))
    text = squeeze(pdf_text(documents.render(kind.template, context), tmp_path))
    return text[text.index("（印章）"):text.index("本清单为")].split("日", 1)[1]


def test_the_list_of_a_coercive_decision_is_titled_as_the_set_names_it(tmp_path):
    """市场范本 item 24 场所/设施/财物清单: a 扣押 takes only 财物 (行政强制法 第九条（三）), so its 清单 is the 财物清单; a 查封
    (第九条（二）: 场所、设施或者财物) keeps the three. The culture set names the 清单 by the measure."""
    assert _list_heading("changli-market", "seize", tmp_path) == "财物清单"
    assert _list_heading("changli-market", "seal", tmp_path) == "场所/设施/财物清单"
    assert _list_heading("fushun-culture", "seize", tmp_path) == "扣押财物清单"
    assert _list_heading("fushun-culture", "seal", tmp_path) == "查封场所、设施或财物清单"
