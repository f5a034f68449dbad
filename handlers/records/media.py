"""The metadata an officer gives when handing over a recording, as a marshmallow schema.

naiman-culture 第十条: a recording states its time, place, officers and subject; pishan-culture 第十九条
names the file by officer and 案由; an interrupted or incomplete recording needs an explanation.
"""
from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from handlers.av_rules import CONFIDENTIALITY, CONTENT_TYPES, HOLD_TRIGGERS
from handlers.records.fields import REQUIRED, ROW_ID, Strict, choice, flag, many, moment, text


class Interruption(Strict):
    """A break in the recording (weather, equipment failure… naiman-culture 第十条)."""

    started_at = moment("中断开始时间")
    ended_at = moment("恢复时间", required=False)
    cause = text("中断原因")


class UploadMeta(Strict):
    case_id = fields.Integer(required=True, strict=True, error_messages=REQUIRED, metadata={"title": "案件"},
                             validate=ROW_ID)
    task_id = text("任务", required=False, max_len=36)
    content_type = choice("文件类型", {k: k for k in CONTENT_TYPES})
    size = fields.Integer(required=True, strict=True, error_messages=REQUIRED, metadata={"title": "文件大小（字节）"},
                          validate=validate.Range(min=1, error="文件为空（0 字节），不能作为音像记录保存"))
    recorded_by = text("记录人（执法人员姓名）", help="用于按“执法人员姓名+案由”命名文件（pishan-culture 第十九条）",
                       max_len=100)
    officers = many(text("执法人员姓名"), "在场执法人员")
    device_id = text("记录设备编号", max_len=100)
    device_checked = flag("使用前已检查设备性能、电量、存储空间并校准系统时间", required=False,
                          help="机构配置要求使用前检查设备的，未确认即拒收（naiman-culture 第十条）")
    started_at = moment("开始记录时间")
    ended_at = moment("结束记录时间")
    place = text("记录地点", max_len=300)
    cause = text("案由", required=False, help="缺省为案件名称", max_len=300)
    confidentiality = choice("密级", {k: v.title for k, v in CONFIDENTIALITY.items()}, required=False)
    protected_persons = flag("录有举报人、投诉人或第三人", required=False,
                             help="如是，当事人申请复制时不提供该记录（naiman-culture 第十二条）")
    interruptions = many(Interruption, "记录中断情况", min_len=0, required=False)
    incomplete = flag("记录不完整", required=False, help="未能记录执法全过程的，须作工作情况说明（pishan-culture 第十九条）")
    remote_reason = text("未能及时移交的原因", required=False,
                         help="连续工作、异地工作或在边远、交通不便地区执法（fushun-culture 第三十一条）")
    returned_at = moment("回到本单位时间", required=False)

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("started_at") and data.get("ended_at") and data["ended_at"] < data["started_at"]:
            raise ValidationError("结束时间不能早于开始时间", "ended_at")
        if data.get("returned_at") and not (data.get("remote_reason") or "").strip():
            raise ValidationError("按返回单位时间计算移交期限的，须写明未能及时移交的原因（fushun-culture 第三十一条）",
                                  "remote_reason")


class Explanation(Strict):
    """工作情况说明 (written) or a voice note (naiman-culture 第十条, pishan-culture 第十九条（2）)."""

    form = choice("说明形式", {"written": "书面工作情况说明", "voice": "语音说明"})
    voice_sha256 = text("语音说明文件 SHA-256", required=False, min_len=64)
    text = text("说明内容", help="注明中断或未能记录的原因和依据", min_len=6)

    @validates_schema
    def _voice_needs_file(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("form") == "voice" and not data.get("voice_sha256"):
            raise ValidationError("语音说明须附语音文件", "voice_sha256")


class Hold(Strict):
    trigger = choice("长期保存情形", HOLD_TRIGGERS)
    note = text("情况说明", min_len=4)
