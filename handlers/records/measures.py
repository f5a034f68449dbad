"""行政检查, 行政强制措施 (查封、扣押 …), 证据先行登记保存 and 听证: the records of their subprocesses.

- 行政检查: officers and certificates, the inspected party, the site, the results, signatures
  (changli-market 第十八条, naiman-culture 第三条).
- 行政强制措施: a legal document for every measure, and for 查封、扣押 the decision and the 清单
  delivered on the spot (fushun-culture 第十四条, 行政强制法 第十八、十九、二十四、二十五条).
- 证据先行登记保存: reason, object and form (fushun-culture 第十三条, lishui-city 第十四条); a decision
  within seven working days (行政处罚法 第五十六条, 第八十五条).
- 听证: notice at least seven working days before; the chair is no investigator (行政处罚法 第六十四条).

Periods the law counts in working days are checked on the national calendar here (a record
does not know its agency); the deadline service counts them again on the agency's calendar.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import ValidationError, fields, validates_schema

from handlers.record_kind import RecordKind
from handlers.records.fields import (
    Party,
    Signed,
    Strict,
    Witnessed,
    amount,
    choice,
    days,
    flag,
    in_order,
    many,
    moment,
    one,
    require_signers,
    text,
)
from handlers.records.investigation import InspectionRecord, Item
from handlers.workcalendar import end_of_day, local_date, national

# ------------------------------------------------------------------ 行政检查


class InspectionCheck(InspectionRecord):
    """行政检查记录 (changli-market 第十八条): who inspected whom, what the site was like and what was found."""

    inspected = one(Party, "被检查对象")
    basic_situation = text("被检查对象基本情况")
    site_conditions = text("现场具体情况")
    results = text("检查结果")
    outcome = choice("处理", {"no_issue": "未发现违法行为", "correction": "责令改正", "case": "涉嫌违法，立案查处"})


class CorrectionOrder(Signed):
    """责令改正通知书 (行政处罚法 第二十八条; naiman-culture 第三条: 责令改正 and 复查 are part of 行政检查)."""

    signers_needed = {"officer": 1}
    document_no = text("文号")
    problems = text("存在的问题")
    legal_basis = text("依据")
    requirements = text("改正要求")
    correct_by = moment("改正期限")
    issued_at = moment("制作日期")

    @validates_schema
    def _after_issue(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("correct_by") and data.get("issued_at") and data["correct_by"] <= data["issued_at"]:
            raise ValidationError("改正期限须晚于制作日期", "correct_by")


# ------------------------------------------------------------------ 行政强制措施

MEASURES = {"seal": "查封场所、设施或财物", "seize": "扣押财物", "restrict": "限制公民人身自由",
            "freeze": "冻结存款、汇款", "other": "其他行政强制措施"}
ON_SITE = ("seal", "seize", "restrict")  # fushun-culture 第十四条: these also need A/V
WITH_LIST = ("seal", "seize")  # 行政强制法 第二十四条: decision and 清单
MAX_PERIOD = dt.timedelta(days=30)  # 行政强制法 第二十五条


class CoerciveRequest(Strict):
    """呈请实施行政强制措施 (行政强制法 第十八条(一)): the measure, its basis and reasons; emergencies are marked."""

    measure = choice("行政强制措施", MEASURES)
    legal_basis = text("法律、法规依据", "行政强制措施由法律、法规规定的行政机关实施（行政强制法 第十七条）")
    reasons = text("理由")
    target = text("对象（场所、设施、财物或人员）")
    emergency = flag("情况紧急，需要当场实施", "当场实施的，须在二十四小时内向负责人报告并补办批准手续（行政强制法 第十九条）")


class CoerciveRecord(Witnessed):
    """实施行政强制措施现场笔录 (行政强制法 第十八条)."""

    signers_needed = {"officer": 2, "party|witness": 1}
    measure = choice("行政强制措施", MEASURES)
    place = text("实施地点")
    started_at = moment("实施时间")
    party_present = flag("当事人到场")
    witness = text("见证人", "当事人不到场的，邀请见证人到场（行政强制法 第十八条(六)）", required=False)
    notified = text("告知情况", "当场告知当事人采取行政强制措施的理由、依据以及当事人依法享有的权利、救济途径")
    statement = text("当事人的陈述和申辩", required=False)
    family_notified = text("通知家属情况", "限制人身自由的，当场告知或者实施后立即通知当事人家属（行政强制法 第二十条）",
                           required=False)

    @validates_schema
    def _lawful_on_site(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("party_present") is False and not data.get("witness"):
            raise ValidationError("当事人不到场的，须邀请见证人到场并记录（行政强制法 第十八条）", "witness")
        if data.get("party_present") is False and not any(
                s.get("capacity") == "witness" and s.get("signed") is True for s in data.get("signatures", [])):
            raise ValidationError("当事人不到场的，须由见证人和执法人员在现场笔录上签名或者盖章（行政强制法 第十八条（六））",
                                  "signatures")
        if data.get("measure") == "restrict" and not data.get("family_notified"):
            raise ValidationError("限制公民人身自由的，须记录通知当事人家属的情况（行政强制法 第二十条）", "family_notified")


class CoerciveDecision(Signed):
    """行政强制措施决定书 (and for 查封、扣押 the 清单, 行政强制法 第二十四条): delivered on the spot, the 清单 signed."""

    signers_needed = {"officer": 1}
    document_no = text("决定书文号", "不再填写：查封（扣押）决定书由系统制作并编文号", required=False)
    measure = choice("行政强制措施", MEASURES)
    party = one(Party, "当事人")
    reasons = text("理由和依据")
    items = many(Item, "场所、设施或者财物的名称、数量等（清单）", min_len=0, required=False)
    period_days = fields.Integer(required=False, allow_none=True, metadata={
        "title": "期限（日）", "help": "查封、扣押的期限，不得超过三十日（行政强制法 第二十五条）"})
    remedies = text("申请行政复议或者提起行政诉讼的途径和期限", "文书按本机构配置的复议机关、人民法院和期限打印；此处仅作补充", required=False)
    decided_at = moment("决定日期")
    delivered_on_spot = flag("决定书和清单已当场交付当事人")

    @validates_schema
    def _contents(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("measure") in WITH_LIST:
            if not data.get("items"):
                raise ValidationError("查封、扣押的，须附清单，列明场所、设施或者财物的名称、数量等（行政强制法 第二十四条）", "items")
            if not data.get("delivered_on_spot"):
                raise ValidationError("查封、扣押决定书和清单须当场交付当事人（行政强制法 第二十四条）", "delivered_on_spot")
            require_signers(data, {"party|witness": 1})  # 清单由当事人和行政机关分别签字或者盖章
        days = data.get("period_days")
        if days is not None and not 1 <= days <= MAX_PERIOD.days:
            raise ValidationError("查封、扣押的期限不得超过三十日（行政强制法 第二十五条）", "period_days")


class CoerciveReport(Strict):
    """当场实施后的报告 (行政强制法 第十九条): to the head within 24 hours, approval to be obtained after the fact."""

    reported_to = text("报告的行政机关负责人")
    reported_at = moment("报告时间")
    started_at = moment("行政强制措施实施时间")
    content = text("报告内容")

    @validates_schema
    def _within_24_hours(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("reported_at") and data.get("started_at") and \
                data["reported_at"] - data["started_at"] > dt.timedelta(hours=24):
            raise ValidationError("情况紧急当场实施行政强制措施的，须在二十四小时内向行政机关负责人报告（行政强制法 第十九条）",
                                  "reported_at")


class CoerciveExtension(Strict):
    """延长查封、扣押期限 (行政强制法 第二十五条): approved, at most 30 more days, the party told in writing with reasons."""

    started_at = moment("查封、扣押开始日期")
    original_ends_at = moment("原期限届满日")
    extended_ends_at = moment("延长后的期限届满日")
    reasons = text("延长理由", "情况复杂的，经行政机关负责人批准，可以延长")
    notified_in_writing = flag("已书面告知当事人并说明理由")

    @validates_schema
    def _at_most_once_thirty(self, data: dict[str, Any], **_: Any) -> None:
        start, end, ext = data.get("started_at"), data.get("original_ends_at"), data.get("extended_ends_at")
        if start and end and end - start > MAX_PERIOD:
            raise ValidationError("查封、扣押的期限不得超过三十日，延长只能一次（行政强制法 第二十五条）", "original_ends_at")
        if end and ext and not dt.timedelta(0) < ext - end <= MAX_PERIOD:
            raise ValidationError("延长期限不得超过三十日（行政强制法 第二十五条）", "extended_ends_at")
        if data.get("notified_in_writing") is False:
            raise ValidationError("延长查封、扣押的决定应当及时书面告知当事人，并说明理由（行政强制法 第二十五条）",
                                  "notified_in_writing")


class CoerciveOutcome(Strict):
    """期限内的处理 (行政强制法 第二十五、二十七、二十八条): release, dispose of, or ask to extend."""

    outcome = choice("处理", {"release": "解除行政强制措施", "dispose": "依法作出处理决定（没收、销毁等）",
                             "extend": "情况复杂，呈请延长期限"})
    details = text("处理情况")
    document_no = text("处理决定书文号", "不再填写：解除的，解除行政强制措施决定书由系统制作并编文号；作出其他处理决定的，"
                       "查封（扣押）处理告知书由系统制作并编文号，引用已签发的查封（扣押）决定书", required=False)
    items_returned = flag("财物已退还", required=False)
    decided_at = moment("日期")


# ------------------------------------------------------------------ 证据先行登记保存


class PreservationDecision(Signed):
    """先行登记保存的处理决定: within seven working days (行政处罚法 第五十六条, 第八十五条)."""

    signers_needed = {"officer": 1}
    preserved_at = moment("先行登记保存日期")
    decided_at = moment("作出处理决定日期")
    measure = choice("处理决定", {"release": "解除先行登记保存", "inspect": "送检测、检验、鉴定",
                                  "seize": "依法查封、扣押", "confiscate": "依法予以没收", "transfer": "移送有关机关"})
    details = text("处理情况")
    document_no = text("处理决定书文号", "不再填写：先行登记保存处理决定书由系统制作并编文号", required=False)

    @validates_schema
    def _seven_working_days(self, data: dict[str, Any], **_: Any) -> None:
        start, end = data.get("preserved_at"), data.get("decided_at")
        if start and end:
            last = national().add_working_days(local_date(start), 7)
            if local_date(end) > last:
                raise ValidationError(f"先行登记保存的，须在七个工作日内（至 {last.isoformat()}）作出处理决定"
                                      "（行政处罚法 第五十六条、第八十五条）", "decided_at")


# ------------------------------------------------------------------ 听证


class HearingArrangement(Strict):
    """听证通知 (行政处罚法 第六十四条): time and place told at least seven working days before; chair and recorder named."""

    party = one(Party, "当事人")
    held_at = moment("听证举行时间")
    place = text("听证地点")
    public = flag("公开举行", "除涉及国家秘密、商业秘密或者个人隐私依法予以保密外，听证公开举行")
    chair = text("听证主持人", "由行政机关指定的非本案调查人员担任")
    recorder = text("记录人")
    investigators = many(text("调查人员"), "本案调查人员")
    notice_served_at = moment("听证通知送达时间")

    @validates_schema
    def _lawful(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("chair") in data.get("investigators", []):
            raise ValidationError("听证主持人不得为本案调查人员（行政处罚法 第六十四条）", "chair")
        served, held = data.get("notice_served_at"), data.get("held_at")
        if served and held:
            earliest = national().add_working_days(local_date(served), 7)
            if local_date(held) < earliest:
                raise ValidationError(f"须在举行听证的七日前通知当事人（七个工作日，最早 {earliest.isoformat()} 举行）"
                                      "（行政处罚法 第六十四条、第八十五条）", "held_at")


class SeizureAssistance(Strict):
    """协助扣押通知书 (市场监督管理行政处罚文书格式范本（2021年修订版）): a third party holding the party's goods is asked to
    assist the 扣押 the case decided (行政强制法 第二十四条); the 决定书 is quoted as issued and its 清单 read from the case,
    never retyped — the record lists goods only where the third party holds part of them."""

    recipient = text("受通知人", "持有、保管当事人财物的单位或者个人")
    items = many(Item, "需协助扣押的财物", min_len=0, required=False, help="不填的，为决定书清单所列的全部财物")
    matters = text("协助事项", "如：停止向当事人交付上述财物，配合执法人员清点、封存、运离")
    contact = text("联系人及联系电话", required=False)
    notified_at = moment("通知时间")


# ------------------------------------------------------------------ issue 17: the seized goods (市场范本 items 26–28, 52)

CUSTODY_TARGETS = {"place": "场所", "facility": "设施", "goods": "财物"}
TWICE_THIRTY = 2 * MAX_PERIOD  # 行政强制法 第二十五条: thirty days, extended once by at most thirty


class CustodyEntrustment(Strict):
    """实施行政强制措施场所/设施/财物委托保管书 (市场范本 item 26): what the agency sealed is entrusted to a third party, who
    may not damage, move or dispose of it (行政强制法 第二十六条; only a 查封, which the 文书 ``needs`` of the case's
    决定书). The costs are the agency's: the rule qz-26-custody-costs holds what the party is charged to 0."""

    custodian = text("受委托保管人", "单位名称或者姓名")
    custodian_id = text("受委托保管人证件号码", "统一社会信用代码或者身份证件号码")
    custodian_address = text("受委托保管人住所（地址）")
    custodian_contact = text("联系人及联系电话", required=False)
    target = choice("委托保管的对象", CUSTODY_TARGETS, "委托保管书按对象印“场所”“设施”或“财物”")
    items = many(Item, "委托保管的场所、设施或者财物", min_len=0, required=False, help="不填的，为决定书清单所列的全部")
    place = text("保管地点")
    conditions = text("保管要求", "如：妥善保管，不得使用、损毁，未经本机关书面同意不得转移、处置")
    kept_from = moment("保管起始时间")
    kept_until = moment("保管期限至", "不超过查封的期限；查封期限延长的，另行书面通知")
    party_costs = amount("由当事人负担的保管费用（元）", "因查封、扣押发生的保管费用由行政机关承担（行政强制法 第二十六条）")
    entrusted_at = moment("委托时间")

    @validates_schema
    def _period(self, data: dict[str, Any], **_: Any) -> None:
        in_order(data, "kept_from", "kept_until", "保管期限须晚于保管起始时间", strictly=True)
        start, end = data.get("kept_from"), data.get("kept_until")
        if start and end and end - start > TWICE_THIRTY:
            raise ValidationError("查封的期限不得超过三十日，延长的不得超过三十日，保管期限不能更长（行政强制法 第二十五条）",
                                  "kept_until")


DISPOSAL_FORMS = {"confirm": "当事人确认", "announce": "当事人不明或者无法联系，予以公告"}
DISPOSAL_REASONS = {"perishable": "鲜活物品或者容易腐烂、变质的物品", "hard_to_keep": "其他不易保管的财物"}
DISPOSAL_METHODS = {"auction": "拍卖", "sale": "变卖", "other": "其他方式"}
#: what came of the announcement, stated with the disposal (市场监督管理行政处罚程序规定 第四十一条第三款)
CLAIMANTS = {"none": "公告期满，没有权利人同意或者申请", "appeared": "公告期间有权利人主张权利"}


class AdvanceDisposal(Signed):
    """先行处置 of seized goods that will not keep (市场范本 items 27 先行处置物品确认书 and 28 先行处置物品公告): 行政强制法
    第二十八条 presumes 鲜活物品或者其他不易保管的财物 may be sold before the decision and has the proceeds returned on
    release, so a sale or auction records its proceeds; the party confirms by signing, or, unknown or unreachable, is
    told by announcement. An announcement comes first and the disposal only after its period: 权利人不明确的，可以依法
    公告，公告期满后仍没有权利人同意或者申请的，可以依法先行处置 (市场监督管理行政处罚程序规定 第四十一条第三款), so the
    record made when the 公告 is published holds its period and no disposal yet; the disposal is a later version of it."""

    signers_needed = {"officer": 1}
    form = choice("确认或者公告", DISPOSAL_FORMS)
    reason = choice("先行处置的理由", DISPOSAL_REASONS, "行政强制法 第二十八条：鲜活物品或者其他不易保管的财物")
    situation = text("物品现状", "如：冷藏条件不足，已开始变质")
    items = many(Item, "先行处置的物品")
    method = choice("处置方式", DISPOSAL_METHODS)
    method_details = text("处置方式说明", "其他方式的，写明方式；拍卖的，写明拍卖机构", required=False)
    approved_by = text("批准先行处置的行政机关负责人")
    proceeds = amount("拍卖、变卖所得款项（元）", "处置后与处置时间一并填写；解除查封、扣押的，退还所得款项（行政强制法 第二十八条）",
                      required=False)
    proceeds_kept = text("所得款项的保存", "如：存入本机关指定账户，待案件处理后依法退还或者上缴", required=False)
    decided_at = moment("决定先行处置时间")
    announced_at = moment("公告发布时间", "予以公告的填写", required=False)
    announced_how = text("公告方式", "予以公告的填写，如：在本机关公告栏和门户网站公告", required=False)
    announce_days = days("公告期限（日）", "予以公告的填写：自公告发布之日起，权利人可以同意或者申请先行处置的日数；公告期满后"
                         "方可先行处置（市场监督管理行政处罚程序规定 第四十一条第三款）", required=False)
    disposed_at = moment("处置时间", "予以公告的，公告期满后处置，另行提交本记录的新版本填写", required=False)
    claimant = choice("公告期间权利人情况", CLAIMANTS, "予以公告的，处置时与处置时间一并填写", required=False)

    @validates_schema
    def _lawful(self, data: dict[str, Any], **_: Any) -> None:
        # the party confirms, or the 公告 announces, a sale to come: its proceeds are recorded with the sale (a later
        # version of the record, holding the disposal time)
        if data.get("method") in ("auction", "sale") and data.get("proceeds") is None and data.get("disposed_at"):
            raise ValidationError("拍卖、变卖的，须记录所得款项，解除查封、扣押时予以退还（行政强制法 第二十八条）", "proceeds")
        if data.get("method") == "other" and not data.get("method_details"):
            raise ValidationError("以其他方式处置的，须写明处置方式", "method_details")
        if data.get("form") == "confirm" and not any(
                s.get("capacity") == "party" and s.get("signed") is True for s in data.get("signatures", [])):
            raise ValidationError("以当事人确认方式先行处置的，须由当事人签名确认；当事人不同意的，不得以确认书代替",
                                  "signatures")
        if data.get("form") == "announce":
            if not (data.get("announced_at") and data.get("announced_how")):
                raise ValidationError("当事人不明或者无法联系的，须记录公告的时间和方式", "announced_at")
            if not data.get("announce_days"):
                raise ValidationError("予以公告的，须记录公告期限（市场监督管理行政处罚程序规定 第四十一条第三款）",
                                      "announce_days")
            self._after_announcement(data)
        in_order(data, "decided_at", "disposed_at", "处置时间不得早于决定先行处置的时间")
        in_order(data, "announced_at", "disposed_at", "处置时间不得早于公告发布时间")

    @staticmethod
    def _after_announcement(data: dict[str, Any]) -> None:
        """Disposing while the 权利人 may still come forward defeats the announcement: refused until the period is
        over, counted as the 规定 counts its day periods (第八十条: the day of the announcement not counted, a last
        day off moved to the next working day; the national calendar, as a record does not know its agency); and the
        disposal states that no 权利人 came forward — one who did consents by signing a 确认书 instead."""
        if not data.get("disposed_at"):
            return
        last = announcement_ends(data["announced_at"], data["announce_days"])
        if data["disposed_at"] < end_of_day(last):
            raise ValidationError(f"公告期满前不得先行处置：公告期限{data['announce_days']}日，至 {last.isoformat()} 届满，"
                                  "处置时间须在其后（市场监督管理行政处罚程序规定 第四十一条第三款、市场监督管理行政处罚程序规定 第八十条）", "disposed_at")
        if data.get("claimant") != "none":
            raise ValidationError("依公告先行处置的，须记明公告期满没有权利人同意或者申请；有权利人主张权利的，不得依公告处置，"
                                  "应由权利人签名确认（确认方式）或者依法另行处理（市场监督管理行政处罚程序规定 第四十一条第三款）",
                                  "claimant")


def announcement_ends(announced_at: dt.datetime, count: int) -> dt.date:
    """The last day of a 公告期限 of ``count`` days published at ``announced_at``."""
    return national().next_working_day(local_date(announced_at) + dt.timedelta(days=count))


HANDLING = {"return": "退还当事人", "confiscate": "没收", "destroy": "销毁", "auction": "拍卖", "transfer": "移送有关机关",
            "other": "其他处理"}


class HandledItem(Item):
    """One item of the seized goods and what became of it."""

    disposition = choice("处理方式", HANDLING)
    receiver = text("接收人或者接收单位", "退还、移送的填写", required=False)
    proceeds = amount("拍卖所得款项（元）", required=False)
    note = text("说明", "销毁的，写明依法应当销毁的依据", required=False)

    @validates_schema
    def _complete(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("disposition") in ("return", "transfer") and not data.get("receiver"):
            raise ValidationError("退还、移送的，须写明接收人或者接收单位", "receiver")
        if data.get("disposition") == "auction" and data.get("proceeds") is None:
            raise ValidationError("拍卖的，须记录所得款项（行政处罚法 第七十四条）", "proceeds")
        if data.get("disposition") == "destroy" and not data.get("note"):
            raise ValidationError("销毁的，须写明依法应当销毁的依据（行政处罚法 第七十四条）", "note")


class GoodsHandling(Witnessed):
    """涉案物品处理记录 (市场范本 item 52): what was done with each seized item — returned (行政强制法 第二十八条: at once on
    release), confiscated, destroyed where the law says so, auctioned with the proceeds paid to the treasury (行政处罚法
    第七十四条), transferred — by two officers, the receiver signing where goods were handed over."""

    signers_needed = {"officer": 2}
    items = many(HandledItem, "涉案物品及其处理")
    grounds = text("处理依据", "作出处理的决定及其理由，如：解除扣押决定；行政处罚决定没收")
    place = text("处理地点")
    handled_at = moment("处理时间")
    to_treasury = flag("拍卖、依法处理所得款项已上缴国库", "行政处罚法 第七十四条", required=False)

    @validates_schema
    def _handed_over(self, data: dict[str, Any], **_: Any) -> None:
        ways = {i.get("disposition") for i in data.get("items", [])}
        if "auction" in ways and data.get("to_treasury") is not True:
            raise ValidationError("没收非法财物拍卖的款项必须全部上缴国库（行政处罚法 第七十四条）", "to_treasury")
        if ways & {"return", "transfer"}:
            require_signers(data, {"party|present": 1})  # the receiver signs for what was handed over


F14 = ("fushun-culture 第十四条",)
SEIZED = ("查封扣押", "强制措施.处理")  # the steps while a 查封 or 扣押 runs
KINDS = [
    RecordKind("inspection_check", "行政检查记录", InspectionCheck,
               ("changli-market 第十八条", "naiman-culture 第三条", "行政处罚法 第五十五条"), exports=("outcome",)),
    RecordKind("correction_order", "责令改正通知书", CorrectionOrder, ("行政处罚法 第二十八条", "naiman-culture 第三条")),
    RecordKind("coercive_request", "行政强制措施呈请", CoerciveRequest, F14 + ("行政强制法 第十八条",),
               exports=("measure", "emergency")),
    RecordKind("coercive_record", "实施行政强制措施现场笔录", CoerciveRecord, F14 + ("行政强制法 第十八条", "行政强制法 第二十条")),
    RecordKind("coercive_decision", "行政强制措施决定书（查封、扣押附清单）", CoerciveDecision, F14 + ("行政强制法 第二十四条", "行政强制法 第二十五条")),
    RecordKind("seizure_assistance", "协助扣押通知书", SeizureAssistance, ("行政强制法 第二十四条",),
               offered_on=("查封扣押",)),
    # issue 17: the seized goods — 委托保管, 先行处置 (确认书 or 公告), 涉案物品处理记录; offered while the measure runs
    RecordKind("custody_entrustment", "委托保管书（查封的场所、设施、财物）", CustodyEntrustment, ("行政强制法 第二十六条",),
               offered_on=SEIZED),
    RecordKind("advance_disposal", "先行处置物品记录（确认或者公告）", AdvanceDisposal, ("行政强制法 第二十八条",),
               offered_on=SEIZED),
    RecordKind("goods_handling", "涉案物品处理记录", GoodsHandling, ("行政强制法 第二十八条", "行政处罚法 第七十四条"),
               offered_on=("强制措施.处理", "强制措施.解除")),
    RecordKind("coercive_report", "当场实施行政强制措施报告", CoerciveReport, ("行政强制法 第十九条",)),
    RecordKind("coercive_extension", "延长查封、扣押期限告知", CoerciveExtension, ("行政强制法 第二十五条",)),
    RecordKind("coercive_outcome", "行政强制措施处理或解除记录", CoerciveOutcome,
               F14 + ("行政强制法 第二十七条", "行政强制法 第二十八条"), exports=("outcome",)),
    RecordKind("preservation_decision", "先行登记保存处理决定", PreservationDecision,
               ("行政处罚法 第五十六条", "fushun-culture 第十三条", "lishui-city 第十四条")),
    RecordKind("hearing_arrangement", "听证通知（时间、地点、主持人）", HearingArrangement,
               ("行政处罚法 第六十四条", "fushun-culture 第十一条")),
]
