"""程序启动: the filing approval form, its opinions, and the emergency start (fushun-culture 第七条, lishui-city 第八条)."""
from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates_schema

from handlers.record_kind import RecordKind
from handlers.records.fields import Party, Signed, Strict, choice, flag, in_order, many, moment, one, text
from handlers.records.media import Interruption

SOURCES = {"inspection": "检查发现", "complaint": "投诉举报", "assigned": "上级交办",
           "transferred": "有关部门移送", "designated": "上级指定管辖", "other": "其他"}


class CaseFiling(Strict):
    """立案（程序启动）审批表, the handler's part: fushun-culture 第七条 lists what it must state."""

    cause = text("启动原因")
    source = choice("案件来源", SOURCES)
    facts = text("基本案情")
    party = one(Party, "当事人基本情况")
    legal_basis = text("法律依据")
    handler_opinion = text("承办人意见")
    major = flag("重大行政执法行为", "属于本机关确定的重大行政执法行为的，勾选并填写法制机构合法性审查意见", required=False)
    legality_review = text("法制机构合法性审查意见", "重大行政执法行为须载明（lishui-city 第八条第二款）", required=False)


class EmergencyStart(Strict):
    """Emergency start before approval; 补报 within 24 h (fushun-culture 第七条, 行政强制法 第十九条)."""

    emergency = text("紧急情况说明", min_len=4)
    started_at = moment("先行启动时间")
    measures = text("已采取的措施")


class UnitOpinion(Signed):
    """承办机构意见 on a filing (fushun-culture 第七条, 第三十六条 审核人审核)."""

    signers_needed = {"reviewer": 1}
    opinion = text("承办机构意见")
    decision = choice("审核结论", {"agree": "同意立案", "disagree": "不同意立案"})


class FilingApproval(Signed):
    """行政机关负责人意见 on a filing; the gateway after it reads ``decision``."""

    signers_needed = {"approver": 1}
    opinion = text("负责人意见")
    decision = choice("审批结论", {"approve": "批准立案", "reject": "不予立案"})


class AvRecording(Strict):
    """音像记录: files already in the record store, with when, where and by what device.

    A recording that was interrupted or is incomplete carries its explanation (工作情况说明, or a
    voice note stored as a file): naiman-culture 第十条, pishan-culture 第十九条（2）.
    """

    files = many(text("文件 SHA-256", min_len=64), "音像文件", help="先上传文件，再填写其 SHA-256")
    device_id = text("记录设备编号")
    recorded_by = text("记录人")
    started_at = moment("开始时间")
    ended_at = moment("结束时间")
    place = text("地点")
    interruptions = many(Interruption, "记录中断情况", min_len=0, required=False)
    incomplete = flag("记录不完整", required=False)
    explanation = text("工作情况说明", required=False, help="注明中断或未能完整记录的原因和依据")
    explanation_files = many(text("语音说明文件 SHA-256", min_len=64), "语音说明", min_len=0, required=False)

    @validates_schema
    def _gap_explained(self, data: dict[str, Any], **_: Any) -> None:
        if (data.get("interruptions") or data.get("incomplete")) and not (
                (data.get("explanation") or "").strip() or data.get("explanation_files")):
            raise ValidationError("记录中断或不完整的，须附工作情况说明或语音说明"
                                  "（naiman-culture 第十条、pishan-culture 第十九条）", "explanation")


class AvNotSuitable(Strict):
    """The written reason why A/V recording was not suitable (fushun-culture 第十二条)."""

    reason = text("不适宜音像记录的原因", min_len=6)
    recorded_by = text("说明人")
    recorded_at = moment("说明时间")


KINDS = [
    RecordKind("case_filing", "立案（程序启动）审批表", CaseFiling,
               ("fushun-culture 第七条", "lishui-city 第八条")),
    RecordKind("emergency_start", "紧急先行启动记录", EmergencyStart,
               ("fushun-culture 第七条", "lishui-city 第八条", "行政强制法 第十九条")),
    RecordKind("unit_opinion", "承办机构意见", UnitOpinion,
               ("fushun-culture 第七条", "fushun-culture 第三十六条"), exports=("decision",)),
    RecordKind("filing_approval", "负责人立案审批意见", FilingApproval,
               ("fushun-culture 第七条", "fushun-culture 第十九条"), exports=("decision",)),
    RecordKind("av_recording", "音像记录", AvRecording,
               ("fushun-culture 第十二条", "行政处罚法 第四十七条"), file_fields=("files", "explanation_files")),
    RecordKind("av_not_suitable", "不适宜音像记录的书面说明", AvNotSuitable,
               ("fushun-culture 第十二条",)),
]


# --- 指定管辖通知书 and 案件交办通知书 (issue 17: the market set, items 2 and 3) -----------------------------------

JURISDICTION_FORMS = {"designate": "指定管辖", "assign": "案件交办"}


class JurisdictionNotice(Strict):
    """The notice by which a higher agency gave this agency the case: it designated it to decide a dispute over
    jurisdiction or a case it found this agency should handle (行政处罚法 第二十五条: 报请共同的上一级行政机关指定管辖;
    市场监督管理行政处罚程序规定 第十三条), or handed down a case of its own (交办: 市场监督管理行政处罚程序规定
    第十五条).  The higher agency issues the notice under its 文号; the receiving agency
    records it on the 立案 step (not required there) with the day it arrived, and files its 指定管辖通知书 or 案件交办
    通知书 with the case."""

    form = choice("通知类别", JURISDICTION_FORMS)
    issuer = text("作出通知的机关", "指定管辖或者交办案件的上级机关名称")
    number = text("通知书文号", "上级机关通知书上的文号，照录")
    issued_at = moment("通知日期", "上级机关通知书落款日期")
    received_at = moment("收到时间")
    matter = text("案件", "如：当事人涉嫌销售不合格产品一案")
    reasons = text("指定或交办的理由", "指定管辖的：管辖争议或报请的情况；交办的：交办的原因")
    others = text("其他有关机关", "发生管辖争议或原受理的机关；通知书抄送的机关", required=False)
    report_by = moment("报送查处结果的期限", "交办通知书要求报送查处结果的期限", required=False)
    materials = many(text("材料"), "随附案件材料", min_len=0, required=False)
    received_by = text("收文人")

    @validates_schema
    def _in_order(self, data: dict[str, Any], **_: Any) -> None:
        in_order(data, "issued_at", "received_at", "收到时间不能早于通知日期")
        in_order(data, "received_at", "report_by", "报送查处结果的期限应晚于收到时间", strictly=True)


KINDS.append(RecordKind("jurisdiction_notice", "指定管辖或案件交办通知", JurisdictionNotice,
                        ("行政处罚法 第二十五条", "市场监督管理行政处罚程序规定 第十三条", "市场监督管理行政处罚程序规定 第十五条"),
                        offered_on=("立案", "补报立案")))
