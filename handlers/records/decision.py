"""审查决定 and after: legal review, collective discussion, approval, the decision, performance, closing."""
from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates_schema

from handlers.record_kind import RecordKind
from handlers.records.fields import (
    Officer,
    Party,
    Signed,
    Strict,
    Witnessed,
    amount,
    choice,
    flag,
    in_order,
    many,
    moment,
    one,
    text,
)
from handlers.records.investigation import Item


class LegalReview(Signed):
    """法制审核意见 (行政处罚法 第五十八条, fushun-culture 第十六条): reviewers, opinion, suggestions."""

    signers_needed = {"reviewer": 1}
    reviewers = many(text("法制审核人员"), "法制审核人员")
    opinion = text("审核意见")
    suggestions = text("建议", required=False)
    passed = flag("审核通过", "未通过的，退回承办人补充调查或修改（行政处罚法 第五十八条：未经法制审核或者审核未通过的，不得作出决定）")


class CollectiveDiscussion(Strict):
    """集体讨论记录 (行政处罚法 第五十七条第二款, fushun-culture 第十八条)."""

    held_at = moment("讨论时间")
    chair = text("主持人")
    participants = many(text("参加人员"), "参加人员", min_len=3)
    opinions = text("讨论意见")
    conclusion = text("讨论结论")


class DecisionApproval(Signed):
    """负责人审批 of the proposed decision (fushun-culture 第十九条、第三十六条)."""

    signers_needed = {"approver": 1}
    opinion = text("负责人意见")
    decision = choice("审批结论", {"approve": "同意作出处罚决定", "send_back": "退回补充调查",
                                  "no_penalty": "不予行政处罚", "transfer": "移送（涉嫌犯罪或不属本机关管辖）"})
    # 行政执法机关移送涉嫌犯罪案件的规定 第五条: the 专案组's written report on a case to be referred to the police, when the
    # head received it, and when the head decided on it (optional: approvals of cases without such a report leave them empty)
    crime_report = flag("专案组提出移送涉嫌犯罪案件的书面报告", "对应当向公安机关移送的涉嫌犯罪案件，由专案组核实情况后提出书面报告，报本机关"
                        "正职负责人或者主持工作的负责人审批的，选“是”（行政执法机关移送涉嫌犯罪案件的规定 第五条）", required=False)
    task_force = many(Officer, "专案组成员", min_len=2, required=False,
                      help="2名或者2名以上行政执法人员（行政执法机关移送涉嫌犯罪案件的规定 第五条）")
    crime_report_at = moment("负责人接到书面报告的时间", required=False)
    transfer_decided_at = moment("作出批准或者不批准移送决定的时间", required=False)
    transfer_refusal_reason = text("不予批准移送的理由", "决定不批准移送的，应当将不予批准的理由记录在案（行政执法机关移送涉嫌犯罪案件的规定 第五条）",
                                   required=False)


class PenaltyDecision(Strict):
    """行政处罚决定书 contents (行政处罚法 第五十九条, fushun-culture 第二十条)."""

    party = one(Party, "当事人")
    facts_and_evidence = text("违法事实和证据")
    reasons = text("决定理由", "充分说明执法处理决定的理由（fushun-culture 第二十条）")
    penalty = text("行政处罚的种类")
    fine = amount("罚款金额（元）", required=False)
    legal_basis = text("处罚依据")
    performance = text("履行方式和期限")
    remedies = text("申请行政复议、提起行政诉讼的途径和期限", "文书按本机构配置的复议机关、人民法院和期限打印；此处仅作补充", required=False)
    decided_at = moment("作出决定的日期")


class PerformanceRecord(Strict):
    """履行情况记录 (fushun-culture 第二十七条, lishui-city 第十九条)."""

    status = choice("履行情况", {"full": "已全部履行", "partial": "部分履行", "none": "未履行",
                                "applied": "当事人申请延期（分期）缴纳罚款"})
    details = text("履行情况说明")
    correction_ordered = flag("依法责令改正", "需要按期复查改正情况的，选“是”")
    correction_due = moment("改正期限", required=False)


class CorrectionReview(Witnessed):
    """责令改正复查记录 (fushun-culture 第二十七条): checked on time, in writing."""

    signers_needed = {"officer": 2}
    reviewed_at = moment("复查时间")
    corrected = flag("已改正")
    findings = text("复查情况")


class ClosingReport(Strict):
    """结案报告: how the case ended, for 结案审批."""

    summary = text("案件办理情况")
    result = choice("处理结果", {"penalised": "已作出处罚并执行完毕", "no_penalty": "不予处罚",
                                "not_filed": "不予立案", "enforced": "经强制执行完毕", "transferred": "已移送",
                                "other": "其他"})
    ended_at = moment("执法行为终结日期", "归档期限自此日起算（fushun-culture 第三十一条）")


class ClosingApproval(Signed):
    signers_needed = {"approver": 1}
    opinion = text("负责人结案意见")


class ArchiveRecord(Strict):
    """归档: text and A/V records bound into a file (fushun-culture 第三十一条, 档案法)."""

    archive_no = text("案卷号")
    volumes = text("卷数和页数")
    contents = text("卷内文字和音像材料目录")
    retention = choice("保管期限", {"permanent": "永久", "30y": "30年", "10y": "10年"})
    archived_at = moment("归档日期")
    archivist = text("归档人")



# ------------------------------------------------------------------ 延期（分期）缴纳罚款; 案件移送


class Instalment(Strict):
    due_at = moment("本期缴纳期限")
    sum_due = amount("本期缴纳金额（元）")


class PaymentDeferral(Signed):
    """延期（分期）缴纳罚款 (行政处罚法 第六十六条第二款): the party's application for economic hardship and the agency's
    approval; the fine and the 决定书 are the case's (the 文书 quotes them), only the new period(s) are recorded."""

    signers_needed = {"approver": 1}
    applied_at = moment("当事人申请日期")
    reasons = text("申请理由", "当事人确有经济困难的情况及其提交的证明材料")
    decision = choice("审批结论", {"defer": "准予延期缴纳", "instalments": "准予分期缴纳", "refuse": "不予批准"})
    deferred_until = moment("延期缴纳的期限", "准予延期缴纳的，写明缴清罚款的期限", required=False)
    instalments = many(Instalment, "分期缴纳的期限和金额", min_len=2, required=False,
                       help="准予分期缴纳的，逐期写明期限和金额（至少两期）")
    opinion = text("负责人意见")
    decided_at = moment("批准日期")

    @validates_schema
    def _terms(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("decision") == "defer" and not data.get("deferred_until"):
            raise ValidationError("准予延期缴纳的，须写明延期缴纳的期限（行政处罚法 第六十六条）", "deferred_until")
        if data.get("decision") == "instalments" and not data.get("instalments"):
            raise ValidationError("准予分期缴纳的，须写明每期的期限和金额（行政处罚法 第六十六条）", "instalments")
        applied, decided = data.get("applied_at"), data.get("decided_at")
        if applied and decided and decided < applied:
            raise ValidationError("批准日期不能早于当事人申请日期（行政处罚法 第六十六条：经当事人申请和行政机关批准）",
                                  "decided_at")
        dues = [data.get("deferred_until")] if data.get("decision") == "defer" else \
            [i["due_at"] for i in data.get("instalments") or ()] if data.get("decision") == "instalments" else []
        if decided and any(due <= decided for due in dues if due):
            raise ValidationError("缴纳期限须晚于批准日期", "deferred_until" if data.get("decision") == "defer"
                                  else "instalments")


class CaseTransfer(Strict):
    """案件移送: 违法行为涉嫌犯罪的移送司法机关 (行政处罚法 第二十七条、第五十七条第一款第四项; 行政执法机关移送涉嫌犯罪案件的规定
    第三、八条), 不属本机关管辖的移送有管辖权的行政机关 (行政处罚法 第二十二、二十三条); the 负责人 approved it in 负责人审批."""

    ground = choice("移送类型", {"crime": "涉嫌犯罪，移送司法机关", "jurisdiction": "不属于本机关管辖，移送有管辖权的行政机关"})
    receiver = text("接受移送的机关")
    facts = text("涉嫌违法（犯罪）的事实")
    reasons = text("移送的理由和依据")
    items = many(Item, "涉案物品清单", min_len=0, required=False)
    materials = many(text("移送材料"), "移送材料", help="涉嫌犯罪的：涉嫌犯罪案件情况的调查报告、涉案物品清单、有关检验报告或者鉴定意见、"
                     "其他有关涉嫌犯罪的材料（行政执法机关移送涉嫌犯罪案件的规定 第八条）")
    copied_to = text("抄送", "移送涉嫌犯罪案件的，抄送同级人民检察院（行政执法机关移送涉嫌犯罪案件的规定 第八条）", required=False)
    transferred_at = moment("移送日期")

    @validates_schema
    def _copied(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("ground") == "crime" and not data.get("copied_to"):
            raise ValidationError("移送涉嫌犯罪案件的，应当抄送同级人民检察院（行政执法机关移送涉嫌犯罪案件的规定 第八条）",
                                  "copied_to")


DEFERRAL_AND_TRANSFER = [
    RecordKind("payment_deferral", "延期（分期）缴纳罚款申请及审批", PaymentDeferral, ("行政处罚法 第六十六条",),
               exports=("decision",)),
    RecordKind("case_transfer", "案件移送记录", CaseTransfer,
               ("行政处罚法 第二十七条", "行政处罚法 第二十二条", "行政处罚法 第二十三条", "行政处罚法 第五十七条"),
               exports=("ground",)),
]

KINDS = [
    RecordKind("legal_review", "法制审核意见书", LegalReview,
               ("行政处罚法 第五十八条", "fushun-culture 第十六条", "lishui-city 第十五条"), exports=("passed",)),
    RecordKind("collective_discussion", "集体讨论记录", CollectiveDiscussion,
               ("行政处罚法 第五十七条", "fushun-culture 第十八条")),
    RecordKind("decision_approval", "负责人审批意见", DecisionApproval,
               ("fushun-culture 第十九条", "fushun-culture 第三十六条", "lishui-city 第十五条"),
               exports=("decision",)),
    RecordKind("penalty_decision", "行政处罚决定书", PenaltyDecision,
               ("行政处罚法 第五十九条", "fushun-culture 第二十条")),
    RecordKind("performance_record", "履行情况记录", PerformanceRecord,
               ("fushun-culture 第二十七条", "lishui-city 第十九条"), exports=("status", "correction_ordered")),
    RecordKind("correction_review", "责令改正复查记录", CorrectionReview,
               ("fushun-culture 第二十七条", "lishui-city 第十九条")),
    RecordKind("closing_report", "结案报告", ClosingReport, ("fushun-culture 第三十一条",)),
    RecordKind("closing_approval", "结案审批意见", ClosingApproval,
               ("fushun-culture 第十九条", "fushun-culture 第三十六条")),
    RecordKind("archive_record", "归档记录", ArchiveRecord,
               ("fushun-culture 第三十一条", "档案法 第三十七条")),
] + DEFERRAL_AND_TRANSFER


# --- issue 17 (market set item 34): 责令退款通知书 — 市场监督管理行政处罚程序规定 第五十九条 -------------------------------

class RefundOrder(Strict):
    """责令退款通知书: where a law or regulation requires the party to return what it overcharged (价格、收费 cases), the
    agency orders the refund in writing after hearing the party and before deciding the penalty
    (市场监督管理行政处罚程序规定 第五十九条); the notice is offered on the 陈述申辩 and 决定审批 steps, not required."""

    legal_basis = text("责令退还的法律、法规依据", "要求责令退还多收价款的法律、法规条款，写全称，如《价格违法行为行政处罚规定》第十六条")
    facts = text("多收价款的事实", "当事人多收价款的行为、期间、对象和计算方法")
    overcharged = amount("多收价款数额（元）")
    refund_to = text("退还对象", "多付价款的消费者或者其他经营者")
    refund_by = moment("退还期限", "当事人须于此时间前退还完毕")
    announce = flag("责令公告查找", "难以查找多付价款的消费者或者其他经营者的，责令公告查找（市场监督管理行政处罚程序规定 第五十九条）",
                    required=False)
    report = text("退还情况的报告", "如：退还完毕后三日内将退还凭证报送本机关", required=False)
    ordered_at = moment("发出时间")

    @validates_schema
    def _in_order(self, data: dict[str, Any], **_: Any) -> None:
        in_order(data, "ordered_at", "refund_by", "退还期限应晚于发出时间", strictly=True)


KINDS.append(RecordKind("refund_order", "责令退款通知书", RefundOrder, ("市场监督管理行政处罚程序规定 第五十九条",),
                        offered_on=("陈述申辩", "决定审批")))
