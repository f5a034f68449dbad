"""送达 by each method: the plan, the outcome of an attempt, and each method's own proof.

fushun-culture 第二十二至二十六条, lishui-city 第十八条, changli-market 第十四条 and 民事诉讼法
第八十七至九十五条.  The 送达 diagram (``workflows/base/service.bpmn``) lets the officer choose a
method; every method subprocess records a ``service_attempt`` whose exported ``outcome`` tells the
caller whether to stop or to try the next method.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from marshmallow import ValidationError, fields, validates_schema
from marshmallow.validate import Range

from handlers.record_kind import RecordKind
from handlers.records.fields import ServedDocument, Signed, Strict, choice, document_ref, flag, many, moment, text

METHODS = {"direct": "直接送达", "mail": "邮寄送达", "lodged": "留置送达", "entrusted": "委托送达",
           "forwarded": "转交送达", "public": "公告送达", "electronic": "电子送达"}
ELECTRONIC_BASIS = "行政处罚法 第六十一条；民事诉讼法 第九十条"
#: the states of an electronic sending, each a version of its record (the case page shows them)
SENDING = {"pending": "待发送", "sent": "已发送", "failed": "发送失败"}
#: what the sending proves; only the system fills these in
PROOF_FIELDS = ("message_id", "sent_at", "delivered_at", "receipt")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PUBLIC_NOTICE_PERIOD = dt.timedelta(days=30)


class ServicePlan(ServedDocument):
    """送达安排: which document, to whom, by which method (行政强制法 第三十八条: 直接送达为先)."""

    recipient = text("受送达人")
    method = choice("送达方式", METHODS)
    reason = text("选择该送达方式的理由", "未采用直接送达的，说明原因（行政强制法 第三十八条）", required=False)

    @validates_schema
    def _reason_unless_direct(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("method") not in (None, "direct") and not data.get("reason"):
            raise ValidationError("未采用直接送达的，须说明理由（行政强制法 第三十八条）", "reason")


class ServiceAttempt(Strict):
    """送达情况: what happened when the document was taken, mailed or handed over."""

    method = choice("送达方式", METHODS)
    attempted_at = moment("送达时间")
    outcome = choice("送达结果", {"served": "已送达", "failed": "未能送达"})
    failure_reason = text("未能送达的原因", "如受送达人下落不明、拒不到场、邮件被退回", required=False)

    @validates_schema
    def _reason_when_failed(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("outcome") == "failed" and not data.get("failure_reason"):
            raise ValidationError("未能送达的，须记录具体原因（lishui-city 第十八条）", "failure_reason")


class MailPosting(ServedDocument):
    """邮寄送达登记及付邮凭证: registered letter or EMS only (fushun-culture 第二十三条, lishui-city 第十八条（四）)."""

    recipient = text("受送达人")
    address = text("邮寄地址")
    carrier = choice("邮寄方式", {"registered": "挂号信", "ems": "邮政特快专递"},
                     help="只能采用挂号信或邮政特快专递（fushun-culture 第二十三条，lishui-city 第十八条（四））")
    tracking_no = text("邮件号码")
    register_entry = text("邮寄送达登记", "登记簿编号或登记内容")
    posted_at = moment("交寄时间")


class MailReceipt(Strict):
    """邮寄回执: the return slip; its signing date is the date of service (民事诉讼法 第九十一条)."""

    tracking_no = text("邮件号码")
    document = text("回执载明的文书名称")
    document_no = text("回执载明的文号")
    signed_by = text("签收人")
    received_at = moment("签收日期", "回执上注明的收件日期为送达日期（民事诉讼法 第九十一条）")


class MailReturned(Strict):
    """被邮政企业退回的邮件 (lishui-city 第十八条（四）: 被退回的，应记录具体情况)."""

    tracking_no = text("邮件号码")
    returned_at = moment("退回时间")
    reason = choice("退回原因", {"refused": "拒收", "unknown": "查无此人", "moved": "迁移新址不明",
                               "address": "地址不详", "expired": "逾期未领", "other": "其他"})
    details = text("具体情况")
    envelope_kept = flag("退回邮件已留存", "退回的原件随案卷保存")

    @validates_schema
    def _kept(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("envelope_kept") is False:
            raise ValidationError("被退回的邮件须留存入卷（lishui-city 第十八条（四））", "envelope_kept")


class LodgingRecord(ServedDocument, Signed):
    """留置送达: refusal reason and date, server and witness sign, document left at the residence (fushun-culture 第二十四条)."""

    signers_needed = {"server": 1, "witness": 1}
    recipient = text("受送达人")
    residence = text("受送达人住所")
    refused_at = moment("拒收日期")
    refusal_reason = text("拒收事由")
    left_at_residence = flag("文书已留在受送达人住所")

    @validates_schema
    def _left(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("left_at_residence") is False:
            raise ValidationError("留置送达须把文书留在受送达人的住所（fushun-culture 第二十四条，民事诉讼法 第八十九条）",
                                  "left_at_residence")


class EntrustmentRecord(ServedDocument):
    """委托送达: why, and to whom the service was entrusted (fushun-culture 第二十五条, 民事诉讼法 第九十一条)."""

    reason = text("委托原因", "如直接送达有困难")
    entrusted_to = text("受委托机关")
    entrusted_at = moment("委托时间")


class ForwardingRecord(ServedDocument):
    """转交送达: soldiers, prisoners, persons in custody (民事诉讼法 第九十二至九十四条, fushun-culture 第二十五条)."""

    reason = choice("转交原因", {"soldier": "受送达人是军人", "prisoner": "受送达人被监禁",
                               "custody": "受送达人被采取强制性教育措施"})
    forwarded_via = text("代为转交的机关或单位")
    details = text("转交原因说明")
    forwarded_at = moment("交付转交时间")


class RelayReceipt(ServedDocument, Signed):
    """委托、转交的送达回证: the server and the recipient sign (fushun-culture 第二十五条, lishui-city 第十八条（三）)."""

    signers_needed = {"server": 1, "recipient": 1}
    recipient = text("受送达人")
    served_at = moment("签收日期", "以送达回证上的签收日期为送达日期（民事诉讼法 第九十三条）")


class PublicNotice(Strict):
    """公告送达: every other way failed, the carrier and form, the notice kept, the reason and course (fushun-culture 第二十六条)."""

    grounds = choice("公告送达的情形", {"whereabouts_unknown": "受送达人下落不明",
                                      "others_failed": "采用其他方式均无法送达"})
    failed_methods = many(choice("已采用而未能送达的方式", {k: v for k, v in METHODS.items() if k != "public"}),
                          "已采用而未能送达的方式", min_len=0, required=False)
    failure_details = text("其他方式均无法送达的情况", "重点记录（fushun-culture 第二十六条，lishui-city 第十八条（五））")
    carrier = text("公告载体", "如报纸名称、公告栏地点、网站")
    form = text("公告方式")
    notice_text = text("书面公告内容")
    notice_files = many(text("文件 SHA-256", min_len=64), "留存的书面公告（扫描件或照片）",
                        help="先上传书面公告的扫描件或照片，再填写其 SHA-256")
    published_at = moment("公告发布日期")
    deemed_served_at = moment("视为送达日期", "自公告发出之日起经过三十日，即视为送达（民事诉讼法 第九十五条）")
    reason_and_course = text("公告送达的原因和经过", "记入案卷（fushun-culture 第二十六条）")

    @validates_schema
    def _others_failed_and_period(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("grounds") == "others_failed" and not data.get("failed_methods"):
            raise ValidationError("以其他方式无法送达为由公告的，须列明已采用而未能送达的方式（fushun-culture 第二十六条）",
                                  "failed_methods")
        published, deemed = data.get("published_at"), data.get("deemed_served_at")
        if published and deemed and deemed < published + PUBLIC_NOTICE_PERIOD:
            raise ValidationError("公告发出之日起经过三十日方视为送达（民事诉讼法 第九十五条）", "deemed_served_at")


class AddressConfirmation(Signed):
    """送达地址确认书: the party names where papers reach it and, if it agrees, the electronic address for 电子送达
    (行政处罚法 第六十一条: 当事人同意并签订确认书的，可以采用传真、电子邮件等方式; 民事诉讼法 第九十条)."""

    signers_needed = {"party|signee": 1}
    recipient = text("受送达人")
    postal_address = text("送达地址")
    phone = text("联系电话", required=False)
    electronic_consent = flag("同意电子送达", "当事人同意并签订确认书的，可以采用电子邮件等方式送达（行政处罚法 第六十一条）")
    electronic_address = text("电子送达地址（电子邮箱）", required=False)
    confirmed_at = moment("确认时间")

    @validates_schema
    def _consent_is_signed_and_names_the_address(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("electronic_consent"):
            if data.get("electronic_address"):
                raise ValidationError("当事人未同意电子送达的，不得填写电子送达地址（行政处罚法 第六十一条）", "electronic_address")
            return
        if not _EMAIL.match(str(data.get("electronic_address") or "")):
            raise ValidationError("同意电子送达的，须写明接收文书的电子邮箱（民事诉讼法 第九十条）", "electronic_address")
        if not any(s.get("signed") is True and s.get("capacity") in ("party", "signee") for s in data.get("signatures", [])):
            raise ValidationError("同意电子送达须由当事人签名确认，拒签的不得电子送达（行政处罚法 第六十一条）", "signatures")


def _system(f: Any) -> Any:
    """A field the system fills in when it performs the act; the officer's form leaves it out."""
    f.metadata = {**f.metadata, "system": True}
    return f


class ElectronicService(Strict):
    """电子送达记录, append-only in versions: the officer's request stores the document and the confirmed address
    (``pending``); the worker that sends appends the outcome — what was sent (SHA-256), the message id, the moment
    the receiving server accepted it and its reply (``sent``), or why it could not be sent (``failed``).  The
    moment it reached the party's designated system is the date of service (民事诉讼法 第九十条), so only a ``sent``
    version proves the act (``RecordKind.awaits``)."""

    document_id = document_ref("送达的文书", required=True)
    address = text("电子送达地址", "不填的，送至送达地址确认书确认的电子邮箱")
    channel = _system(choice("送达渠道", {"email": "电子邮件"}))
    sha256 = _system(text("所送文书的 SHA-256", min_len=64, max_len=64))
    status = _system(choice("发送状态", SENDING))
    message_id = _system(text("邮件标识（Message-ID）", required=False))
    sent_at = _system(moment("发送时间", required=False))
    delivered_at = _system(moment("到达受送达人特定系统的时间", "以到达受送达人特定系统的日期为送达日期（民事诉讼法 第九十条）",
                                  required=False))
    receipt = _system(text("接收系统的回执", required=False))
    failure = _system(text("未能送达的原因", required=False))
    attempts = _system(fields.Integer(metadata={"title": "发送次数"}, required=False,
                                      validate=Range(min=1, error="发送次数须为正整数")))

    @validates_schema
    def _outcome_matches_status(self, data: dict[str, Any], **_: Any) -> None:
        status, given = data.get("status"), {k for k in (*PROOF_FIELDS, "failure") if data.get(k)}
        wanted = {"pending": set(), "sent": set(PROOF_FIELDS), "failed": {"failure"}}.get(str(status), set())
        for name in sorted(given - wanted):
            raise ValidationError(f"发送状态为“{SENDING.get(str(status), status)}”的电子送达记录不得填写此项", name)
        for name in sorted(wanted - given):
            raise ValidationError(f"发送状态为“{SENDING.get(str(status), status)}”的电子送达记录须有此项（民事诉讼法 第九十条）",
                                  name)


KINDS = [
    RecordKind("service_plan", "送达安排", ServicePlan,
               ("行政强制法 第三十八条", "lishui-city 第十八条", "fushun-culture 第二十二条"), exports=("method",)),
    RecordKind("service_attempt", "送达情况记录", ServiceAttempt,
               ("lishui-city 第十八条", "fushun-culture 第二十二条", "民事诉讼法 第八十七条"), exports=("outcome",)),
    RecordKind("mail_posting", "邮寄送达登记及付邮凭证", MailPosting,
               ("fushun-culture 第二十三条", "lishui-city 第十八条", "changli-market 第十四条")),
    RecordKind("mail_receipt", "邮寄送达回执", MailReceipt,
               ("fushun-culture 第二十三条", "lishui-city 第十八条", "民事诉讼法 第九十一条")),
    RecordKind("mail_returned", "邮件退回记录", MailReturned, ("lishui-city 第十八条",)),
    RecordKind("lodging_record", "留置送达记录", LodgingRecord,
               ("fushun-culture 第二十四条", "lishui-city 第十八条", "changli-market 第十四条", "民事诉讼法 第八十九条")),
    RecordKind("entrustment_record", "委托送达记录", EntrustmentRecord,
               ("fushun-culture 第二十五条", "lishui-city 第十八条", "民事诉讼法 第九十一条")),
    RecordKind("forwarding_record", "转交送达记录", ForwardingRecord,
               ("fushun-culture 第二十五条", "lishui-city 第十八条", "民事诉讼法 第九十二条")),
    RecordKind("relay_receipt", "委托、转交送达回证", RelayReceipt,
               ("fushun-culture 第二十五条", "lishui-city 第十八条", "民事诉讼法 第九十三条")),
    RecordKind("service_address_confirmation", "送达地址确认书", AddressConfirmation,
               ("行政处罚法 第六十一条", "民事诉讼法 第九十条")),
    RecordKind("electronic_service", "电子送达记录", ElectronicService, ("行政处罚法 第六十一条", "民事诉讼法 第九十条"),
               awaits=("delivered_at", "电子送达尚未到达受送达人的特定系统（待发送或发送失败），到达后方为送达")),
    RecordKind("public_notice", "公告送达记录", PublicNotice,
               ("fushun-culture 第二十六条", "lishui-city 第十八条", "民事诉讼法 第九十五条"),
               file_fields=("notice_files",)),
]
