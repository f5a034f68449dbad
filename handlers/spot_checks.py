"""What an entry of the 检查台账 says, as a marshmallow schema (pure: no Flask, no database).

naiman-culture 第十四条: the 执法局 spot-checks the officers' 队容风纪 and 文明执法 shown by the
recording devices, checks the recorded case files and A/V material, and keeps a 检查台账.  A finding
of 存在问题 must say what was wrong and what is to be rectified (责令改正, naiman-culture 第十三条);
the rectification is then checked again by a follow-up entry (复查), which refers to the earlier one.
The regulation sets no frequency, so none is enforced.
"""
from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validates_schema

from handlers.records.fields import REQUIRED, ROW_ID, Strict, choice, many, text

BASIS = "naiman-culture 第十四条"
RECTIFY_BASIS = "naiman-culture 第十三条"
ASPECTS = ("队容风纪", "文明执法", "音像记录完整不间断", "记录要素齐全", "案卷文字记录")
OK, PROBLEM = "合格", "存在问题"
FINDINGS = (OK, PROBLEM)
#: who keeps the ledger: the agency's 法制工作机构 and its head (lishui-city 第五条, changli-market 第五条)
CHECKER_ROLES = ("legal", "approver")
CHECKER_BASIS = "lishui-city 第五条、changli-market 第五条"


def _id(title: str) -> fields.Integer:
    return fields.Integer(required=False, allow_none=True, error_messages=REQUIRED, validate=ROW_ID,
                          metadata={"title": title})


class SpotCheckInput(Strict):
    """One check, or a follow-up (复查) of an earlier check that found 存在问题."""

    case_id = _id("案件编号")
    media_id = _id("音像记录编号")
    follow_up_of = _id("复查的检查编号")
    aspects = many(choice("检查内容", {a: a for a in ASPECTS}), "检查内容")
    finding = choice("检查结论", {f: f for f in FINDINGS})
    note = text("检查情况", required=False)
    rectification = text("整改要求", required=False)

    @validates_schema
    def _complete(self, data: dict[str, Any], **_: Any) -> None:
        if not any(data.get(k) for k in ("case_id", "media_id", "follow_up_of")):
            raise ValidationError(f"须指明抽检的案件或音像记录，或复查的检查编号（{BASIS}）", "case_id")
        if data.get("finding") == PROBLEM:
            if len((data.get("note") or "").strip()) < 4:
                raise ValidationError(f"结论为“存在问题”的，须写明存在的问题（{BASIS}）", "note")
            if len((data.get("rectification") or "").strip()) < 4:
                raise ValidationError(f"结论为“存在问题”的，须写明整改要求（{RECTIFY_BASIS}：责令改正）",
                                      "rectification")


def explain(exc: ValidationError) -> str:
    """Every error prefixed with its field's Chinese title, so the message names what is wrong."""
    titles = {name: f.metadata.get("title", name) for name, f in SpotCheckInput._declared_fields.items()}
    messages = exc.normalized_messages()  # type: ignore[no-untyped-call]  # unannotated in marshmallow
    return "；".join(f"{titles.get(str(k), k)}：{_flat(v)}" for k, v in messages.items())


def _flat(messages: Any) -> str:
    if isinstance(messages, dict):
        return "；".join(_flat(v) for v in messages.values())
    if isinstance(messages, list):
        return "；".join(_flat(v) for v in messages)
    return str(messages)
