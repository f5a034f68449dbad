"""Intake: 投诉举报 (fushun-culture 第八条, lishui-city 第九条) and 行政许可 applications
(changli-market 第六、七条, lishui-city 第七条, 行政许可法 第三十二、三十四条)."""
from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates_schema

from handlers.record_kind import RecordKind
from handlers.records.fields import Officer, Signature, Signed, Strict, choice, flag, many, moment, text


class ComplaintRecord(Strict):
    """投诉举报登记: who (if named), against whom, what, when and how it came in."""

    received_at = moment("收到时间")
    channel = choice("来源渠道", {"phone": "电话", "letter": "来信", "visit": "来访", "online": "网络", "other": "其他"})
    named = flag("实名投诉、举报")
    complainant = text("投诉人、举报人姓名或名称", required=False)
    contact = text("联系方式或地址", required=False)
    reported_party = text("被投诉、举报对象")
    content = text("投诉、举报内容")

    @validates_schema
    def _named(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("named"):
            for key in ("complainant", "contact"):
                if not data.get(key):
                    raise ValidationError("实名投诉、举报须登记投诉人、举报人及联系方式，以便告知处理结果（fushun-culture 第八条）", key)


class ComplaintReview(Strict):
    """审查意见: whether the report calls for enforcement, and by which procedure."""

    findings = text("审查情况")
    pursue = flag("需要查处，启动执法程序")
    procedure = choice("拟适用的程序", {"general": "一般程序", "simple": "简易程序"}, required=False)
    reasons = text("理由和依据")

    @validates_schema
    def _procedure(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("pursue") and not data.get("procedure"):
            raise ValidationError("启动执法程序的，须选择适用的程序（fushun-culture 第八条）", "procedure")


class ComplaintNotice(Strict):
    """不启动执法程序的书面告知 to a named complainant (fushun-culture 第八条, lishui-city 第九条)."""

    complainant = text("投诉人、举报人")
    notice_text = text("告知内容", "不予启动执法程序的决定及理由")
    manner = choice("告知方式", {"letter": "书面告知书", "sms": "短信", "email": "电子邮件", "in_person": "当面送交"})
    notified_at = moment("告知时间")
    written_record = text("书面记录", "告知情况的书面记录（fushun-culture 第八条）")


OUTCOMES = {"accept": "予以受理", "accept_verify": "予以受理，需核实申请材料", "corrected": "当场更正后受理",
            "incomplete": "材料不齐全或不符合法定形式，一次告知补正", "not_ours": "不属于本机关受理事项"}


class LicenseApplication(Strict):
    """许可申请登记 (lishui-city 第七条: 申请登记、口头申请)."""

    applicant = text("申请人")
    matter = text("申请事项")
    channel = choice("申请方式", {"counter": "窗口书面申请", "oral": "口头申请", "online": "网上申请", "mail": "邮寄申请"})
    materials = many(text("申请材料"), "收到的申请材料")
    received_at = moment("收到申请时间")


class IntakeDecision(Strict):
    """受理或不予受理, with the sealed and dated written voucher (行政许可法 第三十二条, changli-market 第六条)."""

    outcome = choice("处理结果", OUTCOMES)
    reasons = text("理由")
    verify_items = text("需要核实的事项", required=False)
    verify_reason = text("核实理由", required=False)
    verify_time = text("核实时间安排", required=False)
    voucher_no = text("受理或不予受理凭证编号", "加盖本机关专用印章、注明日期的书面凭证（行政许可法 第三十二条）")
    voucher_sealed_and_dated = flag("凭证已加盖专用印章并注明日期")
    decided_at = moment("处理时间")

    @validates_schema
    def _outcome(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("voucher_sealed_and_dated") is False:
            raise ValidationError("受理或不予受理的书面凭证须加盖专用印章并注明日期（行政许可法 第三十二条）",
                                  "voucher_sealed_and_dated")
        if data.get("outcome") == "accept_verify":
            for key in ("verify_items", "verify_reason", "verify_time"):
                if not data.get(key):
                    raise ValidationError("需要核实的，须告知申请人核实的事项、理由及时间（changli-market 第六条第二项）", key)


class Correction(Strict):
    item = text("更正内容")
    corrector = text("更正人")
    signed = flag("更正人已在更正处签名或盖章")
    corrected_at = moment("更正日期")

    @validates_schema
    def _signed(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("signed") is False:
            raise ValidationError("更正人须在更正处签名或盖章、注明更正日期（changli-market 第六条第三项）", "signed")


class OnSpotCorrection(Strict):
    """当场更正 (changli-market 第六条第三项, 行政许可法 第三十二条第三项)."""

    corrections = many(Correction, "更正记录")
    complete_after = flag("更正后材料齐全、符合法定形式")

    @validates_schema
    def _complete(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("complete_after") is False:
            raise ValidationError("更正后材料仍不齐全的，应一次告知补正，不能予以受理（changli-market 第六条）", "complete_after")


class SupplementNotice(Strict):
    """一次告知补正: everything to supply, in one notice, materials returned (changli-market 第六条第四项, 行政许可法 第三十二条)."""

    items = many(text("需要补正的内容"), "需要补正的全部内容")
    once = flag("一次告知全部补正内容")
    manner = choice("告知方式", {"on_spot": "当场告知", "written": "书面告知"})
    notified_at = moment("告知时间", "当场或在法定期限内告知，逾期不告知的，自收到申请材料之日起即为受理（行政许可法 第三十二条）")
    materials_returned = flag("申请材料已退回申请人")
    receipt = many(Signature, "申请人签收", help="申请人签收或拒签记录")

    @validates_schema
    def _rules(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("once") is False:
            raise ValidationError("须一次告知申请人需要补正的全部内容（行政许可法 第三十二条）", "once")
        if data.get("materials_returned") is False:
            raise ValidationError("告知补正时须将申请材料退回申请人（changli-market 第六条第四项）", "materials_returned")


SUBMISSION_OUTCOMES = {"resubmitted": "申请人已补正，重新审查是否受理", "abandoned": "申请人未补正（放弃申请或逾期未补正）"}


class SupplementSubmission(Strict):
    """补正材料登记: what the applicant handed in after the 补正告知书 and when, or that nothing came
    (行政许可法 第三十二条): a resubmission goes back to the decision on acceptance in the same case."""

    outcome = choice("补正情况", SUBMISSION_OUTCOMES)
    items = many(text("补正的材料"), "收到的补正材料", min_len=0, required=False)
    received_at = moment("收到补正材料时间", required=False)
    notes = text("说明", "申请人放弃申请或逾期未补正的情况", required=False)

    @validates_schema
    def _outcome(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("outcome") == "resubmitted":
            for key, what in (("items", "收到的补正材料"), ("received_at", "收到补正材料的时间")):
                if not data.get(key):
                    raise ValidationError(f"申请人补正的，须登记{what}（行政许可法 第三十二条）", key)
        elif data.get("outcome") == "abandoned" and not (data.get("notes") or "").strip():
            raise ValidationError("申请人未补正的，须说明放弃申请或逾期未补正的情况", "notes")


class LicenseReferral(Strict):
    """不属于本机关受理事项: refused at once, the applicant told where to apply (行政许可法 第三十二条第二项)."""

    refer_to = text("应当向其申请的行政机关")
    notified_at = moment("告知时间")
    reasons = text("不予受理的理由")


class OnSiteVerification(Signed):
    """现场核查: two or more officers; A/V, or photographs of key steps when A/V is impossible (changli-market 第七条)."""

    signers_needed = {"officer": 2, "party|present": 1}
    officers = many(Officer, "核查人员", min_len=2, help="应当派两名以上执法人员（changli-market 第七条，行政许可法 第三十四条）")
    place = text("核查地点")
    verified_at = moment("核查时间")
    findings = text("核查情况")
    recording = choice("记录方式", {"av": "录音录像", "photos": "受客观条件限制无法录音录像，对重要环节照相"})
    files = many(text("文件 SHA-256", min_len=64), "录音录像或照片文件", help="先上传文件，再填写其 SHA-256")
    no_av_reason = text("无法录音录像的客观条件", required=False)

    @validates_schema
    def _photos_need_reason(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("recording") == "photos" and not data.get("no_av_reason"):
            raise ValidationError("以照相代替录音录像的，须写明受何客观条件限制（changli-market 第七条）", "no_av_reason")


LICENSE = ("changli-market 第六条", "lishui-city 第七条", "行政许可法 第三十二条")
KINDS = [
    RecordKind("complaint_record", "投诉举报登记", ComplaintRecord, ("fushun-culture 第八条", "lishui-city 第九条"),
               exports=("named",)),
    RecordKind("complaint_review", "投诉举报审查意见", ComplaintReview, ("fushun-culture 第八条", "lishui-city 第九条"),
               exports=("pursue", "procedure")),
    RecordKind("complaint_notice", "不启动执法程序告知记录", ComplaintNotice, ("fushun-culture 第八条", "lishui-city 第九条")),
    RecordKind("license_application", "行政许可申请登记", LicenseApplication, ("lishui-city 第七条", "changli-market 第六条")),
    RecordKind("intake_decision", "受理或不予受理决定及凭证", IntakeDecision, LICENSE, exports=("outcome",)),
    RecordKind("onspot_correction", "当场更正记录", OnSpotCorrection, LICENSE),
    RecordKind("supplement_notice", "一次性补正告知书", SupplementNotice, LICENSE),
    RecordKind("supplement_submission", "补正材料登记", SupplementSubmission, ("行政许可法 第三十二条",),
               exports=("outcome",)),
    RecordKind("license_referral", "不予受理并告知向有关机关申请", LicenseReferral, LICENSE),
    RecordKind("onsite_verification", "现场核查记录", OnSiteVerification,
               ("changli-market 第七条", "行政许可法 第三十四条"), file_fields=("files",)),
]
