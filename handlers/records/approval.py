"""内部审批: 承办人 proposes with reasons, 审核人 reviews, 批准人 approves (fushun-culture 第三十六条, lishui-city 第二十四条).

The ``internal_approval`` diagram records these three in order; any diagram that needs an approval
calls it and branches on ``approval_decision.decision``.
"""
from __future__ import annotations

from handlers.record_kind import RecordKind
from handlers.records.fields import Officer, Signed, Strict, choice, flag, many, moment, text

F36 = ("fushun-culture 第三十六条", "lishui-city 第二十四条")


class ApprovalRequest(Strict):
    """承办人提出意见和理由."""

    subject = text("审批事项")
    proposal = text("承办人意见")
    reasons = text("理由")
    legal_basis = text("依据")
    # who asks and when, as the 通用审批表 prints them (optional: older records lack them)
    officers = many(Officer, "承办人", min_len=1, required=False, help="承办人姓名及执法证件编号")
    requested_at = moment("呈请时间", required=False)


class ApprovalReview(Signed):
    """审核人审核意见."""

    signers_needed = {"reviewer": 1}
    opinion = text("审核意见")
    agreed = flag("同意承办人意见")


class ApprovalDecision(Signed):
    """批准人批准; the caller's gateway reads ``decision``."""

    signers_needed = {"approver": 1}
    opinion = text("批准人意见")
    decision = choice("审批结论", {"approve": "批准", "reject": "不批准，退回承办人"})


KINDS = [
    RecordKind("approval_request", "内部审批：承办人意见", ApprovalRequest, F36),
    RecordKind("approval_review", "内部审批：审核人意见", ApprovalReview, F36),
    RecordKind("approval_decision", "内部审批：批准人意见", ApprovalDecision, F36 + ("fushun-culture 第十九条",),
               exports=("decision",)),
]
