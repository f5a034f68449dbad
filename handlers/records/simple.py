"""简易程序 (当场处罚): fushun-culture 第二十一条, lishui-city 第十七条, 行政处罚法 第五十一、五十二、六十八至七十一条.

The thresholds of 行政处罚法 第五十一条 are checked on every record that states a penalty, so the
simple path is refused the moment a fine above them is entered.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, validates_schema

from handlers.record_kind import RecordKind
from handlers.records.fields import (
    Party,
    Signed,
    Strict,
    Witnessed,
    amount,
    choice,
    flag,
    in_order,
    moment,
    one,
    text,
)
from handlers.records.investigation import StatementRecord

SIMPLE_FINE_LIMITS = {"citizen": Decimal("200"), "organisation": Decimal("3000")}
ON_SPOT_SMALL_FINE = Decimal("100")
PENALTIES = {"warning": "警告", "fine": "罚款"}
ON_SPOT_GROUNDS = {"small": "依法给予一百元以下罚款（行政处罚法 第六十八条第一项）",
                   "hard_to_enforce": "不当场收缴事后难以执行（行政处罚法 第六十八条第二项）",
                   "remote": "边远、水上、交通不便地区，当事人缴纳确有困难并提出（行政处罚法 第六十九条）"}


def check_simple_penalty(data: dict[str, Any]) -> None:
    """Refuse a penalty the simple procedure may not impose (行政处罚法 第五十一条)."""
    penalty, fine, party = data.get("penalty"), data.get("fine"), data.get("party") or {}
    if penalty == "warning":
        if fine:
            raise ValidationError("警告不并处罚款；需罚款的，请选择“罚款”（行政处罚法 第五十一条）", "fine")
        return
    if penalty != "fine":
        return
    if fine is None:
        raise ValidationError("罚款须写明金额", "fine")
    limit = SIMPLE_FINE_LIMITS.get(party.get("kind", ""))
    if limit is not None and fine > limit:
        who = "公民" if party.get("kind") == "citizen" else "法人或者其他组织"
        raise ValidationError(
            f"对{who}罚款{fine}元，超过简易程序限额{limit}元，不得适用简易程序，请改用一般程序"
            f"（行政处罚法 第五十一条：对公民处以二百元以下、对法人或者其他组织处以三千元以下罚款或者警告）", "fine")


class SimpleConditions(Strict):
    """适用简易程序的事实依据、法律依据的具体条件 (fushun-culture 第二十一条第一项)."""

    party = one(Party, "当事人")
    facts = text("违法事实")
    facts_certain = flag("违法事实确凿")
    legal_basis = text("法定依据")
    penalty = choice("拟给予的行政处罚", PENALTIES)
    fine = amount("罚款金额（元）", required=False)
    likely_disputed = flag("容易引起行政争议", "选“是”的，当场处罚须音像记录（fushun-culture 第二十一条）")

    @validates_schema
    def _conditions(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("facts_certain") is False:
            raise ValidationError("违法事实确凿并有法定依据的，方可适用简易程序（行政处罚法 第五十一条）", "facts_certain")
        check_simple_penalty(data)


class SimpleStatement(StatementRecord):
    """当事人陈述、申辩的记录及复核、是否采纳的理由 (fushun-culture 第二十一条第三、四项); 简易程序不举行听证."""

    class Meta(StatementRecord.Meta):
        exclude = ("hearing_requested",)


class OnSpotDecision(Witnessed):
    """当场作出的行政处罚决定书 (行政处罚法 第五十二条): numbered, handed over on the spot, refusal to sign noted."""

    signers_needed = {"officer": 2, "party": 1}
    decision_no = text("决定书编号", "预定格式、编有号码的行政处罚决定书（行政处罚法 第五十二条）")
    party = one(Party, "当事人")
    violation = text("违法行为")
    penalty = choice("行政处罚的种类", PENALTIES)
    fine = amount("罚款数额（元）", required=False)
    legal_basis = text("处罚依据")
    decided_at = moment("时间")
    place = text("地点")
    remedies = text("申请行政复议、提起行政诉讼的途径和期限", "文书按本机构配置的复议机关、人民法院和期限打印；此处仅作补充", required=False)
    agency = text("行政机关名称")
    handed_over = flag("已当场交付当事人")
    payment = choice("罚款缴纳方式", {"bank": "到指定银行或通过电子支付系统缴纳", "on_spot": "当场收缴",
                                    "none": "不涉及罚款"})
    on_spot_ground = choice("当场收缴的情形", ON_SPOT_GROUNDS, required=False)

    @validates_schema
    def _decision(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("handed_over") is False:
            raise ValidationError("当场作出的行政处罚决定书须当场交付当事人；拒绝签收的，在决定书上注明（行政处罚法 第五十二条）",
                                  "handed_over")
        check_simple_penalty(data)
        payment, fine = data.get("payment"), data.get("fine")
        if (payment == "none") != (data.get("penalty") == "warning"):
            raise ValidationError("警告不涉及罚款；罚款须选择缴纳方式", "payment")
        if payment != "on_spot":
            return
        ground = data.get("on_spot_ground")
        if ground is None:
            raise ValidationError("当场收缴罚款须写明法定情形（行政处罚法 第六十八条、第六十九条）", "on_spot_ground")
        if ground == "small" and fine is not None and fine > ON_SPOT_SMALL_FINE:
            raise ValidationError(f"罚款{fine}元超过一百元，不能以“一百元以下罚款”为由当场收缴（行政处罚法 第六十八条）",
                                  "on_spot_ground")


class FineCollection(Signed):
    """当场收缴罚款: the official receipt, and the money handed in (行政处罚法 第七十、七十一条)."""

    signers_needed = {"officer": 1, "party": 1}
    amount = amount("收缴金额（元）")
    receipt_no = text("财政部门统一制发的专用票据号码", "不出具专用票据的，当事人有权拒绝缴纳（行政处罚法 第七十条）")
    collected_at = moment("收缴时间")
    handed_in_at = moment("交至行政机关时间", "自收缴之日起二日内交至行政机关（行政处罚法 第七十一条）")

    @validates_schema
    def _order(self, data: dict[str, Any], **_: Any) -> None:
        in_order(data, "collected_at", "handed_in_at", "交至行政机关的时间不能早于收缴时间")


class SimpleFiling(Strict):
    """依法向所属行政机关备案的内容 (行政处罚法 第五十二条第三款, fushun-culture 第二十一条第五项)."""

    decision_no = text("决定书编号")
    filed_to = text("备案机关（机构）")
    filed_at = moment("备案时间")
    contents = text("备案内容", "决定书副本、现场记录等")


KINDS = [
    RecordKind("simple_conditions", "适用简易程序的条件", SimpleConditions,
               ("行政处罚法 第五十一条", "fushun-culture 第二十一条", "lishui-city 第十七条"),
               exports=("likely_disputed",)),
    RecordKind("simple_statement", "简易程序陈述申辩及复核记录", SimpleStatement,
               ("行政处罚法 第四十五条", "fushun-culture 第二十一条", "lishui-city 第十七条")),
    RecordKind("onspot_decision", "当场行政处罚决定书", OnSpotDecision,
               ("行政处罚法 第五十二条", "fushun-culture 第二十一条", "lishui-city 第十七条"), exports=("payment",)),
    RecordKind("fine_collection", "当场收缴罚款记录", FineCollection,
               ("行政处罚法 第六十八条", "行政处罚法 第七十条", "行政处罚法 第七十一条", "fushun-culture 第二十一条")),
    RecordKind("simple_filing", "简易程序备案记录", SimpleFiling,
               ("行政处罚法 第五十二条", "fushun-culture 第二十一条", "lishui-city 第十七条")),
]
