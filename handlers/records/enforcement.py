"""强制执行 with 催告: fushun-culture 第二十八至三十条, changli-market 第十五至十七条, lishui-city 第二十、二十一条, 行政强制法.

The 催告书 must state what 行政强制法 第三十五条 lists; each enforcement method leaves its own
document (fushun-culture 第二十九条); an agency without enforcement power applies to the people's
court and records the application and the result (fushun-culture 第三十条).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, validates_schema

from handlers.record_kind import RecordKind
from handlers.records.fields import Party, Signed, Strict, Witnessed, amount, choice, flag, many, moment, one, text
from handlers.records.investigation import Item

METHODS = {"surcharge": "加处罚款或滞纳金", "transfer": "划拨存款、汇款", "auction": "拍卖或依法处理查封、扣押的场所、设施或财物",
           "restore": "排除妨碍、恢复原状", "substitute": "代履行", "other": "其他强制执行方式"}


class EnforcementReminder(Strict):
    """催告书 (行政强制法 第三十五条, fushun-culture 第二十八条)."""

    decision_document = text("被执行的行政决定书及文号",
                             "本案已作出的决定书，催告书按其签发的名称、文号和日期载明，不必填写；另案作出的在此写明",
                             required=False)
    party = one(Party, "当事人")
    obligation = text("应履行的义务")
    period_ends_at = moment("履行义务的期限")
    manner = text("履行义务的方式")
    sum_due = amount("金额（元）", "涉及金钱给付的，写明金额和给付方式", required=False)
    payment_method = text("给付方式", required=False)
    rights_stated = flag("已载明当事人依法享有的陈述权和申辩权")
    document_no = text("催告书文号", "不再填写：催告书由系统制作并编文号", required=False)
    issued_at = moment("制作日期")

    @validates_schema
    def _contents(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("rights_stated") is False:
            raise ValidationError("催告书须载明当事人依法享有的陈述权和申辩权（行政强制法 第三十五条）", "rights_stated")
        if data.get("sum_due") is not None and not data.get("payment_method"):
            raise ValidationError("涉及金钱给付的，须载明给付方式（行政强制法 第三十五条）", "payment_method")


class ReminderResponse(Strict):
    """催告后: the party's 陈述申辩 recorded and reviewed, and whether they performed (行政强制法 第三十六条)."""

    checked_at = moment("核查时间")
    performed = choice("催告期满履行情况", {"full": "已全部履行", "partial": "部分履行", "none": "未履行"})
    statement_made = flag("当事人进行了陈述、申辩")
    statement = text("陈述、申辩内容", required=False)
    review = text("复核意见", "对当事人提出的事实、理由和证据的复核", required=False)
    adopted = choice("是否采纳", {"yes": "采纳", "partly": "部分采纳", "no": "不采纳"}, required=False)
    adoption_reason = text("采纳或不采纳的理由", required=False)
    justified = flag("有正当理由", "当事人有正当理由逾期不履行的，不得作出强制执行决定（行政强制法 第三十七条）")

    @validates_schema
    def _review(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("statement_made"):
            for key in ("statement", "review", "adopted", "adoption_reason"):
                if not data.get(key):
                    raise ValidationError("当事人陈述、申辩的，须记录内容、复核意见及是否采纳的理由（行政强制法 第三十六条，"
                                          "fushun-culture 第二十八条）", key)


class EnforcementRoute(Strict):
    """执行途径: this agency enforces, or it has no enforcement power and applies to the court (fushun-culture 第二十九、三十条)."""

    route = choice("执行途径", {"self": "本机关依法强制执行", "court": "申请人民法院强制执行"})
    power_basis = text("强制执行权的依据或无强制执行权的说明")
    reasons = text("理由")


class EnforcementDecision(Strict):
    """行政强制执行决定书 (行政强制法 第三十七条)."""

    party = one(Party, "当事人")
    reasons_and_basis = text("强制执行的理由和依据")
    method = choice("强制执行方式", METHODS)
    scheduled_at = moment("强制执行时间")
    remedies = text("申请行政复议或者提起行政诉讼的途径和期限", "文书按本机构配置的复议机关、人民法院和期限打印；此处仅作补充", required=False)
    agency = text("行政机关名称")
    document_no = text("决定书文号", "不再填写：行政强制执行决定书由系统制作并编文号", required=False)
    decided_at = moment("决定日期")


class Surcharge(Strict):
    """加处罚款或滞纳金 (行政处罚法 第七十二条: 每日百分之三, 不超过罚款数额; 行政强制法 第四十五条)."""

    principal = amount("罚款（本金）数额（元）")
    daily_rate = amount("每日加处比例（%）", "行政处罚决定的罚款，每日按罚款数额的百分之三加处")
    days = amount("逾期天数")
    surcharge = amount("加处罚款或滞纳金数额（元）")
    standard_notified = flag("已告知当事人加处标准", "加处罚款或者滞纳金的标准应当告知当事人（行政强制法 第四十五条）")

    @validates_schema
    def _capped(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("standard_notified") is False:
            raise ValidationError("加处罚款或者滞纳金的标准应当告知当事人（行政强制法 第四十五条）", "standard_notified")
        if None in (data.get("principal"), data.get("surcharge")):
            return
        if data["surcharge"] > data["principal"]:
            raise ValidationError("加处罚款或者滞纳金的数额不得超出金钱给付义务的数额（行政强制法 第四十五条，行政处罚法 第七十二条）",
                                  "surcharge")
        if data.get("daily_rate") is not None and data.get("days") is not None:
            computed = min(data["principal"], (data["principal"] * data["daily_rate"] / 100 * data["days"]))
            if abs(computed - data["surcharge"]) > Decimal("0.01"):
                raise ValidationError(f"按本金、比例和天数计算应为 {computed.quantize(Decimal('0.01'))} 元", "surcharge")


class DepositTransfer(Strict):
    """划拨存款、汇款: decided by the agency the law names, the bank notified in writing (行政强制法 第四十七条)."""

    bank = text("金融机构")
    account = text("账户")
    sum_transferred = amount("划拨金额（元）")
    notice_no = text("划拨通知书文号", "书面通知金融机构（行政强制法 第四十七条）")
    transferred_at = moment("划拨时间")
    treasury = text("上缴国库或财政专户情况", "行政强制法 第四十九条")


class AuctionRecord(Strict):
    """拍卖或依法处理查封、扣押的财物 (行政强制法 第四十八、四十九条)."""

    items = many(Item, "财物清单")
    manner = choice("处理方式", {"auction": "委托拍卖", "other": "依法处理"})
    auctioneer = text("拍卖机构或处理单位")
    proceeds = amount("所得款项（元）")
    treasury = text("上缴国库或财政专户情况")
    done_at = moment("完成时间")


class RestorationRecord(Witnessed):
    """排除妨碍、恢复原状的执行记录; A/V is required (fushun-culture 第二十九条, lishui-city 第二十一条)."""

    signers_needed = {"officer": 2, "party|witness": 1}
    executed_at = moment("执行时间")
    emergency = flag("情况紧急", "夜间或者法定节假日实施的，须情况紧急（行政强制法 第四十三条）")
    place = text("执行地点")
    course = text("执行经过")


class SubstitutePerformance(Signed):
    """代履行 (行政强制法 第五十一条): decision with performer and cost estimate, reminder 3 days before, supervision, signatures."""

    signers_needed = {"officer": 1, "present": 1, "party|witness": 1}  # 监督人员、代履行人（在场人员）、当事人或见证人
    # 代履行决定书 (行政强制法 第五十一条第一款第一项): 当事人、代履行的理由和依据、方式和时间、标的、费用预算、代履行人
    decision_document = text("当事人未履行的行政决定及文号",
                             "本案已作出的决定书，代履行决定书按其签发的名称、文号和日期载明，不必填写；另案作出的在此写明",
                             required=False)
    party = one(Party, "当事人", required=False, help="不填写的，按本案行政处罚决定书载明的当事人打印")
    reasons_and_basis = text("代履行的理由和依据")
    manner = text("代履行的方式")
    scheduled_at = moment("决定代履行的时间")
    target = text("代履行的标的")
    decided_at = moment("代履行决定日期")
    performer = text("代履行人")
    cost_estimate = amount("费用预算（元）")
    decision_served = flag("代履行决定书已送达")
    reminded_at = moment("代履行前催告时间", "代履行三日前催告当事人履行（行政强制法 第五十一条）")
    executed_at = moment("代履行时间")
    emergency = flag("情况紧急", "夜间或者法定节假日实施的，须情况紧急（行政强制法 第四十三条）")
    supervisor = text("到场监督的工作人员")
    course = text("代履行经过")
    actual_cost = amount("实际费用（元）")

    @validates_schema
    def _rules(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("decision_served") is False:
            raise ValidationError("代履行前须送达代履行决定书（行政强制法 第五十一条）", "decision_served")


class OtherEnforcement(Strict):
    """其他强制执行方式 (fushun-culture 第二十九条第六项)."""

    method = text("执行方式")
    legal_basis = text("法律依据")
    executed_at = moment("执行时间")
    course = text("执行经过")


class EnforcementResult(Strict):
    """执行情况: how the enforcement ended (fushun-culture 第二十九条)."""

    result = choice("执行结果", {"complete": "执行完毕", "suspended": "中止执行", "terminated": "终结执行"})
    details = text("执行情况说明")
    ended_at = moment("日期")


class CourtApplication(Signed):
    """强制执行申请书 and its materials (行政强制法 第五十三至五十五条); signed by the agency head."""

    signers_needed = {"approver": 1}
    court = text("受理申请的人民法院")
    reminder_served_at = moment("催告书送达日期", "不再填写：以案件中该催告书的送达回证为准（行政强制法 第五十四条）",
                                required=False)
    applied_at = moment("申请日期")
    materials = many(choice("申请材料", {
        "application": "强制执行申请书", "decision": "行政决定书及作出决定的事实、理由和依据",
        "opinions": "当事人的意见及行政机关催告情况", "object": "申请强制执行标的情况", "other": "其他材料"}),
        "申请材料", min_len=4)

    @validates_schema
    def _contents(self, data: dict[str, Any], **_: Any) -> None:
        needed = {"application", "decision", "opinions", "object"}
        if not needed <= set(data.get("materials", [])):
            raise ValidationError("须提供行政强制法 第五十五条第一至四项规定的材料", "materials")


class CourtResult(Strict):
    """人民法院的裁定和强制执行结果 (fushun-culture 第三十条, lishui-city 第二十一条)."""

    accepted_at = moment("法院受理日期")
    ruling = choice("法院裁定", {"enforce": "准予执行", "refuse": "不予执行"})
    ruling_no = text("裁定书文号")
    result = text("强制执行结果")
    ended_at = moment("日期")


BASIS = ("fushun-culture 第二十九条", "changli-market 第十七条", "lishui-city 第二十一条")
KINDS = [
    RecordKind("enforcement_reminder", "催告书", EnforcementReminder,
               ("行政强制法 第三十五条", "fushun-culture 第二十八条", "changli-market 第十五条", "lishui-city 第二十条"),
               exports=("period_ends_at",)),  # the 催告 timer of compulsory_enforcement waits for it
    RecordKind("reminder_response", "催告后陈述申辩及履行情况记录", ReminderResponse,
               ("行政强制法 第三十六条", "fushun-culture 第二十八条", "changli-market 第十六条", "lishui-city 第二十条"),
               exports=("performed", "justified")),
    RecordKind("enforcement_route", "强制执行途径", EnforcementRoute,
               ("fushun-culture 第二十九条", "fushun-culture 第三十条", "行政强制法 第五十三条"), exports=("route",)),
    RecordKind("enforcement_decision", "行政强制执行决定书", EnforcementDecision,
               ("行政强制法 第三十七条",) + BASIS, exports=("method",)),
    RecordKind("surcharge_record", "加处罚款或滞纳金决定", Surcharge,
               ("行政强制法 第四十五条", "行政处罚法 第七十二条") + BASIS),
    RecordKind("deposit_transfer", "划拨存款、汇款记录", DepositTransfer, ("行政强制法 第四十七条",) + BASIS),
    RecordKind("auction_record", "拍卖或处理查封、扣押财物记录", AuctionRecord, ("行政强制法 第四十八条",) + BASIS),
    RecordKind("restoration_record", "排除妨碍、恢复原状执行记录", RestorationRecord,
               ("fushun-culture 第二十九条", "lishui-city 第二十一条", "行政强制法 第四十三条")),
    RecordKind("substitute_performance", "代履行记录", SubstitutePerformance, ("行政强制法 第五十一条",) + BASIS),
    RecordKind("other_enforcement", "其他强制执行方式记录", OtherEnforcement, BASIS),
    RecordKind("enforcement_result", "强制执行情况记录", EnforcementResult, BASIS),
    RecordKind("court_application", "申请人民法院强制执行记录", CourtApplication,
               ("行政强制法 第五十四条", "行政强制法 第五十五条", "fushun-culture 第三十条", "lishui-city 第二十一条")),
    RecordKind("court_result", "人民法院强制执行结果记录", CourtResult, ("fushun-culture 第三十条", "lishui-city 第二十一条")),
]
