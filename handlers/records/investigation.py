"""调查取证: fushun-culture 第九至十三条, lishui-city 第十至十四条, 行政处罚法 第五十五、五十六条."""
from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from handlers.record_kind import RecordKind
from handlers.records.fields import (
    REQUIRED,
    Officer,
    Party,
    Signature,
    Signed,
    Strict,
    Witnessed,
    choice,
    flag,
    in_order,
    many,
    moment,
    one,
    require_signers,
    text,
)

#: the acts of 调查取证 whose pages offer the records any of them may need (a refusal, an expert's opinion)
INVESTIGATING = ("询问", "现场检查", "抽样取证", "调取证据", "先行登记保存")

MEASURES = {"inquiry": "询问", "inspection": "现场检查（勘验）", "sampling": "抽样取证",
            "collection": "调取证据", "preservation": "证据先行登记保存",
            "coercive": "查封、扣押等行政强制措施"}


class InvestigationPlan(Strict):
    measures = many(choice("调查措施", MEASURES), "拟采取的调查措施")


class Item(Strict):
    name = text("物品名称")
    specification = text("规格", required=False)
    quantity = text("数量")


class InquiryRecord(Witnessed):
    signers_needed = {"officer": 2, "party|witness|present": 1}
    interviewee = one(Party, "被询问人")
    interviewee_role = choice("被询问人身份", {"party": "当事人", "witness": "证人"})
    place = text("询问地点")
    started_at = moment("询问开始时间")
    ended_at = moment("询问结束时间")
    rights_notified = text("权利告知情况", "告知陈述、申辩、申请回避等权利的方式（fushun-culture 第十条）")
    content = text("询问内容（问答）")
    # what the official 询问笔录 also states about the interviewee and who wrote it down (optional: older records lack them)
    gender = choice("性别", {"male": "男", "female": "女"}, required=False)
    age = fields.Integer(required=False, allow_none=True, validate=validate.Range(min=0, max=150, error="年龄不正确"),
                         metadata={"title": "年龄"})
    work_unit = text("工作单位及职务", required=False)
    relation = text("与本案关系", "如：当事人的法定代表人、员工、证人", required=False)
    recorder = text("记录人", required=False)


class InspectionRecord(Witnessed):
    signers_needed = {"officer": 2, "party|witness|present": 1}
    place = text("检查（勘验）地点")
    started_at = moment("开始时间")
    ended_at = moment("结束时间")
    party_present = flag("当事人在场")
    findings = text("检查（勘验）情况")


class SamplingRecord(Witnessed):
    signers_needed = {"officer": 2, "party|witness|present": 1}
    place = text("抽样地点")
    sampled_at = moment("抽样时间")
    items = many(Item, "抽样物品清单")
    notice_given = flag("已送达抽样取证通知书")


class EvidenceCollection(Witnessed):
    signers_needed = {"officer": 2, "party|witness|present": 1}
    holder = text("被调取单位或个人")
    items = many(Item, "调取的书证、物证清单")
    notice_given = flag("已送达调取证据通知书")


class EvidencePreservation(Witnessed):
    """证据先行登记保存: reason, subject and form (fushun-culture 第十三条); head's approval (行政处罚法 第五十六条)."""

    signers_needed = {"officer": 2, "party|witness|present": 1}
    reason = text("启动证据保全的理由")
    items = many(Item, "证据保全的具体标的")
    form = choice("证据保全形式", {"registration": "先行登记保存", "copy": "复制", "av": "音像",
                                  "appraisal": "鉴定", "survey": "勘验", "inquiry": "询问笔录"})
    approved_by = text("批准的机关负责人", "先行登记保存须经行政机关负责人批准（行政处罚法 第五十六条）")
    approved_at = moment("批准时间")


class InvestigationReport(Strict):
    """调查终结报告: drafter, basis, evidence and factors considered (fushun-culture 第十五条)."""

    drafter = text("制作人")
    facts = text("违法事实")
    evidence = text("证据材料")
    legal_basis = text("法律依据")
    factors = text("应考虑的有关因素（裁量情节）")
    proposed_penalty = text("拟处理意见")
    reported_at = moment("报告日期", "案件调查终结报告的落款日期；不填的，以本记录保存之日为准", required=False)


class CaseReview(Signed):
    """承办机构审核; the reviewer decides whether the case is major (行政处罚法 第五十七条第二款、第五十八条)."""

    signers_needed = {"reviewer": 1}
    opinion = text("审核意见")
    major_case = flag("重大、复杂案件", "需法制审核和集体讨论的，选“是”")


class PriorNotice(Strict):
    """事先告知: facts, reasons, basis and rights (行政处罚法 第四十四条, lishui-city 第十二条)."""

    facts = text("拟作出处罚的事实")
    reasons = text("理由")
    legal_basis = text("依据")
    proposed_penalty = text("拟作出的行政处罚")
    rights = many(choice("告知的权利", {"statement": "陈述", "defence": "申辩", "hearing": "要求听证",
                                      "recusal": "申请回避"}), "告知的权利", min_len=2)
    manner = choice("告知方式", {"document": "告知书", "onsite": "现场笔录"})
    notified_at = moment("告知时间")
    signatures = many(Signature, "签名", min_len=0, required=False,
                      help="现场告知的，执法人员和当事人在笔录上签名，当事人拒签的记录拒签情况")

    @validates_schema
    def _statement_and_defence(self, data: dict[str, Any], **_: Any) -> None:
        if not {"statement", "defence"} <= set(data.get("rights", [])):
            raise ValidationError("须告知陈述、申辩权利（行政处罚法 第四十四条）", "rights")

    @validates_schema
    def _onsite_record_is_signed(self, data: dict[str, Any], **_: Any) -> None:
        """A 告知 made on the spot is a 笔录 that directly concerns the party: signed by the officer and the party, or
        the party's refusal noted (the 告知书 is proved by its 送达回证 instead)."""
        if data.get("manner") == "onsite":
            require_signers(data, {"officer": 1, "party": 1})


class StatementRecord(Signed):
    """陈述申辩笔录, or the record of its waiver (lishui-city 第十二条); hearing requested or not."""

    signers_needed = {"officer": 1, "party": 1}
    waived = flag("当事人放弃陈述、申辩")
    waiver_details = text("放弃陈述、申辩的具体情况", required=False)
    statement = text("陈述、申辩内容", required=False)
    review = text("复核意见", "对当事人提出的事实、理由和证据的复核", required=False)
    adopted = choice("是否采纳", {"yes": "采纳", "partly": "部分采纳", "no": "不采纳"}, required=False)
    adoption_reason = text("采纳或不采纳的理由", required=False)
    reviewed_at = moment("复核时间", "陈述申辩复核意见的落款日期；不填的，以执法人员签名之日为准", required=False)
    hearing_requested = flag("当事人要求听证")
    requested_at = moment("提出听证要求的时间", "当事人要求听证的，记录其提出要求的时间", required=False)

    @validates_schema
    def _request_time(self, data: dict[str, Any], **_: Any) -> None:
        """Whether a request came within 行政处罚法 第六十四条（一）'s five days is judged on this time, so it is kept."""
        if data.get("hearing_requested") and not data.get("requested_at"):
            raise ValidationError("当事人要求听证的，须记录提出要求的时间（行政处罚法 第六十四条）", "requested_at")

    @validates_schema
    def _statement_or_waiver(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("waived"):
            if not data.get("waiver_details"):
                raise ValidationError("放弃陈述、申辩的，须记录具体情况（lishui-city 第十二条）", "waiver_details")
            return
        for key in ("statement", "review", "adopted", "adoption_reason"):
            if not data.get(key):
                raise ValidationError("已陈述、申辩的，须记录内容、复核意见及是否采纳的理由（行政处罚法 第四十五条）", key)


class HearingRecord(Signed):
    """听证笔录 (行政处罚法 第六十四条); the chair is not an investigator of the case."""

    signers_needed = {"chair": 1, "party": 1, "recorder": 1}
    notice_served_at = moment("听证通知送达时间")
    held_at = moment("听证举行时间")
    chair = text("听证主持人")
    investigators = many(text("调查人员"), "本案调查人员")
    content = text("听证经过与各方意见")

    @validates_schema
    def _chair_not_investigator(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("chair") in data.get("investigators", []):
            raise ValidationError("听证主持人不得为本案调查人员（行政处罚法 第六十四条）", "chair")


#: what a refusal can stand in for: the record of each kind of 调查 the party or others refused
REFUSABLE = {"inquiry_record": "接受询问", "evidence_collection": "提供证据", "sampling_record": "接受抽样取证"}


class RefusalRecord(Witnessed):
    """当事人或有关人员拒绝接受调查和提供证据的记录 (fushun-culture 第十一条, pishan-culture 第九条, changli-market
    第十一条, lishui-city 第十一条（一）): the officers record who refused what, when and how, and the case goes on
    on that record instead of the 笔录 or 证据清单 the refusal made impossible."""

    signers_needed = {"officer": 2}
    person = one(Party, "拒绝人")
    capacity = choice("拒绝人身份", {"party": "当事人", "witness": "证人", "other": "其他有关人员"})
    refused = many(choice("拒绝的调查事项", REFUSABLE), "拒绝的调查事项")
    refused_at = moment("拒绝时间")
    place = text("地点")
    circumstances = text("拒绝的具体情况", "拒绝的方式、理由及执法人员采取的措施")


class ExpertOpinion(Strict):
    """鉴定意见、检验检测报告或专家论证意见 (fushun-culture 第十一条（7）、第十七条, lishui-city 第十一条（七）、
    第十五条（三）): who gave it, on what commission, when, its conclusion and the document itself."""

    form = choice("形式", {"appraisal": "鉴定意见书", "testing": "检验（检测、检疫）报告",
                           "expert_minutes": "专家论证会议纪要", "expert_opinion": "专家意见书"})
    issuer = text("出具机构或专家", "鉴定机构名称及资质，或参加论证的专家姓名、职称")
    commissioned_at = moment("委托或组织时间")
    issued_at = moment("出具时间")
    subject = text("鉴定或论证事项")
    conclusion = text("结论")
    files = many(text("文件 SHA-256", min_len=64), "意见书原件（扫描件）", help="先上传文件，再填写其 SHA-256")

    @validates_schema
    def _in_order(self, data: dict[str, Any], **_: Any) -> None:
        in_order(data, "commissioned_at", "issued_at", "出具时间不能早于委托或组织时间")



# --- 调查取证的其他文书: 电子数据提取笔录, 鉴定委托书及结果告知书, 协助调查函, 限期提供材料通知书 (issue 17) ---------

SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error="SHA-256 应为 64 位小写十六进制数字")


class ExtractedFile(Strict):
    name = text("文件名", "提取所得文件的名称（含扩展名），与上传的文件一致")
    sha256 = fields.String(required=True, validate=SHA256, error_messages=REQUIRED,
                           metadata={"title": "SHA-256", "help": "在下方选择文件上传后自动填入"})
    description = text("内容说明", required=False)


class ElectronicData(Witnessed):
    """电子数据提取笔录 (行政处罚法 第四十六条: 电子数据 is evidence once verified; 第五十五条: two officers show their
    certificates): the device or system the data came from, how it was extracted, what was extracted — each file
    by name and SHA-256, the files themselves in the store — signed by the officers and the data's holder."""

    signers_needed = {"officer": 2, "party|witness|present": 1}
    holder = one(Party, "电子数据持有人", "电子数据所在设备或系统的持有人、管理人")
    source = text("电子数据来源", "存储介质或信息系统：设备名称、品牌型号、序列号，或系统名称、网址、账号")
    place = text("提取地点")
    started_at = moment("提取开始时间")
    ended_at = moment("提取结束时间")
    method = text("提取方法", "如：复制原始文件、截屏、录屏、网页下载；使用的设备、软件及其版本；原始存储介质是否封存")
    content = text("提取内容", "提取的电子数据及其与案件事实的关联")
    extracted = many(ExtractedFile, "提取的电子数据文件", help="每个文件的名称和 SHA-256；文件本身须已上传存档")

    @validates_schema
    def _in_order(self, data: dict[str, Any], **_: Any) -> None:
        in_order(data, "started_at", "ended_at", "提取结束时间不能早于开始时间")


APPRAISAL_FORMS = {"appraisal": "鉴定", "testing": "检测", "inspection": "检验", "quarantine": "检疫"}


class AppraisalCommission(Strict):
    """鉴定委托: the body commissioned, the matters, the materials sent and when (fushun-culture 第十一条（7）, lishui-city
    第十一条（七）); the 鉴定委托书 is made from it, and the 结果告知书 names it as issued."""

    form = choice("委托事项类别", APPRAISAL_FORMS)
    institution = text("受委托机构", "具有法定资质的鉴定（检测、检验、检疫）机构名称")
    qualification = text("机构资质", "资质证书名称及编号", required=False)
    matters = text("委托鉴定事项", "需要鉴定（检测、检验、检疫）的专门事项")
    materials = many(Item, "送检材料（样品）清单")
    requirements = text("鉴定要求", "如：出具书面鉴定意见的期限、检验标准或方法", required=False)
    contact = text("联系人及联系电话", required=False)
    commissioned_at = moment("委托时间")


class AppraisalNotice(Strict):
    """鉴定结果告知: the party is told the conclusion of the 鉴定意见 the case holds (read from that record, never
    retyped) and may apply for a new appraisal within the period the applicable law sets."""

    notified_at = moment("告知时间")
    # the period to apply for a new appraisal is the agency's profile setting ([documents.appraisal]), printed from
    # there; records made before it carry the period typed in, and their 告知书 still print it
    objection_days = fields.Integer(required=False, allow_none=True,
                                    validate=validate.Range(min=1, max=365, error="申请期限应为 1 至 365 日"),
                                    metadata={"title": "申请重新鉴定的期限（日）（旧记录）",
                                              "help": "由机构配置（执法文书 › 鉴定结果告知）规定并打印，无需填写"})
    working_days = flag("期限按工作日计算（旧记录）", "由机构配置规定，无需填写", required=False)
    objection_basis = text("期限依据（旧记录）", "由机构配置规定，无需填写", required=False)


class AssistanceRequest(Strict):
    """协助调查函 (行政处罚法 第二十六条: 行政机关因实施行政处罚的需要，可以向有关机关提出协助请求)."""

    recipient = text("受函单位")
    matters = text("请求协助调查的事项", "需要协助调查、核实或提供的具体内容")
    reply_by = moment("回复期限")
    contact = text("联系人及联系电话")
    attachments = many(text("附件"), "附件", min_len=0, required=False)
    requested_at = moment("发函时间")

    @validates_schema
    def _in_order(self, data: dict[str, Any], **_: Any) -> None:
        in_order(data, "requested_at", "reply_by", "回复期限应晚于发函时间", strictly=True)


class MaterialsNotice(Strict):
    """限期提供材料通知书 (行政处罚法 第五十五条: 当事人或者有关人员应当如实回答询问，并协助调查或者检查): the materials,
    the date by which to provide them, and what follows if they are not."""

    addressee = text("受通知人", "不填的，为本案当事人", required=False)
    materials = many(text("材料名称"), "需提供的材料")
    provide_by = moment("提供期限")
    place = text("提供地点", required=False)
    consequences = text("逾期不提供的后果", "依照有关法律、法规的规定，写明逾期不提供或者拒绝提供的法律后果")
    contact = text("联系人及联系电话", required=False)
    notified_at = moment("通知时间")

    @validates_schema
    def _in_order(self, data: dict[str, Any], **_: Any) -> None:
        in_order(data, "notified_at", "provide_by", "提供期限应晚于通知时间", strictly=True)


KINDS = [
    RecordKind("investigation_plan", "调查措施", InvestigationPlan,
               ("fushun-culture 第十一条",), exports=("measures",)),
    RecordKind("inquiry_record", "询问笔录", InquiryRecord,
               ("fushun-culture 第九条", "fushun-culture 第十一条", "行政处罚法 第五十五条")),
    RecordKind("inspection_record", "现场检查（勘验）笔录", InspectionRecord,
               ("fushun-culture 第十一条", "fushun-culture 第十二条", "lishui-city 第十一条")),
    RecordKind("sampling_record", "抽样取证通知书及物品清单", SamplingRecord,
               ("fushun-culture 第十一条", "fushun-culture 第十二条")),
    RecordKind("evidence_collection", "调取证据通知书及证据清单", EvidenceCollection,
               ("fushun-culture 第十一条",)),
    RecordKind("evidence_preservation", "证据先行登记保存通知书及清单", EvidencePreservation,
               ("fushun-culture 第十三条", "lishui-city 第十四条", "行政处罚法 第五十六条")),
    RecordKind("investigation_report", "调查终结报告", InvestigationReport,
               ("fushun-culture 第十五条", "行政处罚法 第五十七条")),
    RecordKind("case_review", "承办机构审核意见", CaseReview,
               ("fushun-culture 第十五条", "fushun-culture 第三十六条"), exports=("major_case",)),
    RecordKind("prior_notice", "行政处罚事先告知书", PriorNotice,
               ("行政处罚法 第四十四条", "fushun-culture 第十条", "lishui-city 第十二条")),
    RecordKind("statement_record", "陈述申辩笔录", StatementRecord,
               ("行政处罚法 第四十五条", "fushun-culture 第十一条", "lishui-city 第十二条"),
               exports=("hearing_requested", "waived")),
    RecordKind("hearing_record", "听证笔录", HearingRecord,
               ("行政处罚法 第六十四条", "fushun-culture 第十一条")),
    RecordKind("refusal_record", "拒绝接受调查、提供证据的记录", RefusalRecord,
               ("fushun-culture 第十一条", "pishan-culture 第九条", "changli-market 第十一条", "lishui-city 第十一条"),
               offered_on=INVESTIGATING),
    RecordKind("expert_opinion", "鉴定意见或专家论证意见", ExpertOpinion,
               ("fushun-culture 第十一条", "fushun-culture 第十七条", "lishui-city 第十一条", "lishui-city 第十五条"),
               file_fields=("files",), offered_on=INVESTIGATING),
    # issue 17: the other 文书 of 调查取证 (offered on every investigation step's page; none is required by every case)
    RecordKind("electronic_data", "电子数据提取笔录", ElectronicData,
               ("行政处罚法 第四十六条", "行政处罚法 第五十五条", "fushun-culture 第十一条"), file_fields=("extracted.sha256",),
               offered_on=INVESTIGATING),
    RecordKind("appraisal_commission", "鉴定委托书", AppraisalCommission,
               ("fushun-culture 第十一条", "lishui-city 第十一条"), offered_on=INVESTIGATING),
    RecordKind("appraisal_notice", "鉴定结果告知书", AppraisalNotice, ("fushun-culture 第十一条", "lishui-city 第十一条"),
               offered_on=INVESTIGATING),
    RecordKind("assistance_request", "协助调查函", AssistanceRequest, ("行政处罚法 第二十六条",), offered_on=INVESTIGATING),
    RecordKind("materials_notice", "限期提供材料通知书", MaterialsNotice, ("行政处罚法 第五十五条",),
               offered_on=INVESTIGATING),
]


# --- 询问通知书 and 听证报告 (issue 17: the official set) ---------------------------------------------------


class InquirySummons(Strict):
    """询问通知书: whom the agency summons to be questioned, when and where to attend, what to bring, and the officers
    who will question (行政处罚法 第五十五条: 执法人员不得少于两人、出示执法证件; 当事人或者有关人员应当如实回答询问).
    Submitted on the 询问 step when a person is summoned rather than questioned on the spot; not required there."""

    person = one(Party, "被通知人")
    capacity = choice("被通知人身份", {"party": "当事人", "witness": "证人", "other": "其他有关人员"})
    issued_at = moment("通知时间")
    attend_at = moment("接受询问时间")
    place = text("接受询问地点")
    materials = many(text("材料"), "需携带的材料", min_len=0, required=False, help="如：营业执照、身份证件、相关账簿")
    officers = many(Officer, "执法人员", min_len=2, help="至少两名持证执法人员（行政处罚法 第四十二条）")
    contact = text("联系人及联系电话", required=False)

    @validates_schema
    def _later(self, data: dict[str, Any], **_: Any) -> None:
        in_order(data, "issued_at", "attend_at", "接受询问时间须晚于通知时间", strictly=True)


class HearingReport(Signed):
    """听证报告: after the hearing the 听证主持人 reports what the investigators put forward, what the party answered,
    the points in dispute and the chair's findings and recommendation (行政处罚法 第六十五条: 听证结束后，行政机关应当
    根据听证笔录…作出决定); the chair, the time held and the investigators are read from the 听证笔录, never retyped."""

    signers_needed = {"chair": 1}
    investigators_case = text("调查人员提出的违法事实、证据和处罚意见")
    party_case = text("当事人陈述、申辩的事实、理由和证据")
    disputes = text("争议焦点")
    findings = text("主持人对事实、证据和适用法律的意见")
    recommendation = text("处理意见和建议")
    reported_at = moment("报告日期")


# --- 证据提取单 and 协助辨认/鉴别通知书 (issue 17: the market set, items 1–20) ------------------------------------


class ExtractedEvidence(Strict):
    name = text("证据名称", "如：进货单据、销售台账、合同")
    source = text("证据来源", "证据的出处：持有人、存放地点或所在的账册、卷宗")
    method = text("提取方式", "如：复印、复制、拍照、抄录、提取原件")
    quantity = text("页数或件数", "如：3 页、2 件")


class EvidenceExtraction(Witnessed):
    """证据提取单 (市场监督管理行政处罚文书格式范本（2021年修订版）; 行政处罚法 第四十六条、第五十五条: 当事人或者有关人员
    应当协助调查): each item of evidence extracted or copied from its provider — name, source, how, pages or pieces —
    confirmed and signed by the provider and signed by the two officers."""

    signers_needed = {"officer": 2, "party|witness|present": 1}
    provider = one(Party, "证据提供人", "提供证据的当事人或者有关人员、单位")
    place = text("提取地点")
    extracted_at = moment("提取时间")
    evidence = many(ExtractedEvidence, "提取的证据")
    confirmation = text("提供人核对意见", "如：以上证据由我（单位）提供，复印件（复制件）与原件核对无误")


IDENTIFICATION_FORMS = {"identify": "辨认", "authenticate": "鉴别", "both": "辨认、鉴别"}


class IdentificationRequest(Strict):
    """协助辨认/鉴别通知书 (市场监督管理行政处罚文书格式范本（2021年修订版）; 行政处罚法 第五十五条: 有关人员应当协助调查): the
    rights holder or producer asked to identify or authenticate goods — the goods, the matters, the date to reply."""

    recipient = text("受通知人", "商标注册人、权利人或者产品生产者等")
    form = choice("协助事项类别", IDENTIFICATION_FORMS)
    goods = many(Item, "需辨认（鉴别）的物品")
    matters = text("需辨认（鉴别）的事项", "如：是否为受通知人生产、是否侵犯其注册商标专用权")
    reply_by = moment("回复期限")
    contact = text("联系人及联系电话", required=False)
    notified_at = moment("通知时间")

    @validates_schema
    def _in_order(self, data: dict[str, Any], **_: Any) -> None:
        in_order(data, "notified_at", "reply_by", "回复期限应晚于通知时间", strictly=True)


KINDS.extend([
    RecordKind("evidence_extraction", "证据提取单", EvidenceExtraction, ("行政处罚法 第四十六条", "行政处罚法 第五十五条"),
               offered_on=INVESTIGATING),
    RecordKind("identification_request", "协助辨认/鉴别通知书", IdentificationRequest, ("行政处罚法 第五十五条",),
               offered_on=INVESTIGATING),
    RecordKind("inquiry_summons", "询问通知书", InquirySummons, ("行政处罚法 第五十五条",), offered_on=("询问",)),
    RecordKind("hearing_report", "听证报告", HearingReport, ("行政处罚法 第六十五条",), offered_on=("听证",)),
])


# --- 检测/检验/检疫/鉴定期间告知书 (issue 17: the market set, item 31) ------------------------------------------


class AppraisalPeriod(Strict):
    """鉴定期间告知: the party is told that the case's commission (its 委托书 quoted as issued) is under way and that
    the time it takes is not counted in the period for deciding the case (行政处罚法 第六十条: 九十日内作出行政处罚决定；
    法律、法规、规章另有规定的，从其规定), from when to when it is expected to last."""

    notified_at = moment("告知时间")
    period_from = moment("期间起算时间", "如：送检之日")
    expected_until = moment("预计结束时间")
    basis = text("不计入办案期限的依据", "规定检测、检验、检疫、鉴定等期间不计入案件办理期限的规章名称及条款")

    @validates_schema
    def _in_order(self, data: dict[str, Any], **_: Any) -> None:
        in_order(data, "period_from", "expected_until", "预计结束时间应晚于期间起算时间", strictly=True)


KINDS.append(RecordKind("appraisal_period", "检测、检验、检疫、鉴定期间告知", AppraisalPeriod, ("行政处罚法 第六十条",),
                        offered_on=INVESTIGATING))

