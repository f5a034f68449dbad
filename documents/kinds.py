"""The 文书 kinds: what each is called, its template, its 文号 series, and the record it is made from.

A kind is made when a task completes with a record of kind ``made_on`` (and, if ``when`` names an
exported flag, only when that flag is true); a user task may instead list its documents in the
diagram property ``documents``.  ``source`` is the record whose payload the template reads as
``doc``; the rest of the case's records are available as ``records``.  Record kinds are named by
their code in ``handlers.catalogue`` (this package imports nothing from handlers).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DocumentKind:
    code: str
    title: str
    series: str
    source: str
    basis: tuple[str, ...]
    made_on: str = ""
    when: str | None = None
    uses: tuple[str, ...] = ()  # other record kinds the template quotes (linked as sources when present)
    record_style: bool = False  # 笔录: 第x页 共y页 and a signature line on every page
    numbered: bool = True  # carries its own 文号; 笔录, 审批表, 回证 and records carry only the case's 案号
    dated_by: tuple[str, ...] = ()  # where the act's moment is: ``kind.field`` or ``kind.signatures@capacity``
    quotes: str = ""  # the kind of 文书 whose issued 文号, title and date this one prints (``issued`` in the template)
    typed_instead: str = ""  # the source record's field naming that 文书 where the case holds none (made elsewhere)
    bound: bool = False  # the 电子案卷: binds the case's sealed 文书 (documents.case_file), not one record's template
    titles: tuple[tuple[str, str], ...] = ()  # (format set, title) where that set's 范本 names the kind otherwise
    #: ``kind.field``: a record the case must hold before the source record, dated no later; ``kind.field=a|b``: and
    #: of that sort (a 协助扣押通知书 needs a 查封 or 扣押, not a 冻结, which issues no 决定书 to quote)
    needs: tuple[str, ...] = ()
    #: where the set's title names alternatives (“/”: choose one, strike the others), the one the paper prints:
    #: (``kind.field=a|b``, title) in order, the first whose record holds such a value; an empty condition always fits
    picks: tuple[tuple[str, str], ...] = ()

    @property
    def template(self) -> str:
        return f"{self.code}.html"

    def title_in(self, format_set: str) -> str:
        """The kind's title in the agency's official format set (``market``: 市场监督管理行政处罚文书格式范本（2021年修订版）)."""
        return dict(self.titles).get(format_set, self.title)

    def printed_title(self, format_set: str, payloads: Mapping[str, Mapping[str, Any]]) -> str:
        """The title the paper bears: the set's, or of its alternatives the one :attr:`picks` chooses for the case."""
        title = self.title_in(format_set)
        if "/" not in title:
            return title
        for condition, option in self.picks:
            kind_code, _, rest = condition.partition(".")
            if not condition or _when(rest, payloads.get(kind_code) or {}):
                return option
        return title

    @property
    def trigger(self) -> str:
        return self.made_on or self.source


def appraisal_picks(suffix: str) -> tuple[tuple[str, str], ...]:
    """检测/检验/检疫/鉴定…: the paper names the kind of commission the case's 委托 made (a 鉴定 where none says)."""
    return (*((f"appraisal_commission.form={code}", f"{name}{suffix}")
              for code, name in (("testing", "检测"), ("inspection", "检验"), ("quarantine", "检疫"))),
            ("", f"鉴定{suffix}"))


#: 先行处置 (行政强制法 第二十八条); a market agency also cites the 规定 it applies (its 第四十一条第三款)
DISPOSAL_BASIS = ("行政强制法 第二十八条", "市场监督管理行政处罚程序规定 第四十一条第三款")

DOCUMENT_KINDS: tuple[DocumentKind, ...] = (
    DocumentKind("case_filing", "立案（程序启动）审批表", "立", "case_filing",
                 ("fushun-culture 第七条", "lishui-city 第八条"), made_on="filing_approval",
                 uses=("unit_opinion", "emergency_start"),
                 numbered=False, dated_by=("filing_approval.signatures@approver",),
                 titles=(("market", "立案/不予立案审批表"),),
                 picks=(("filing_approval.decision=reject", "不予立案审批表"), ("", "立案审批表"))),
    DocumentKind("inquiry_record", "询问笔录", "询", "inquiry_record",
                 ("行政处罚法 第五十五条", "fushun-culture 第九条", "fushun-culture 第十一条"), record_style=True,
                 numbered=False, dated_by=("inquiry_record.started_at",), titles=(("culture", "调查询问笔录"),)),
    DocumentKind("inspection_record", "现场检查（勘验）笔录", "检", "inspection_record",
                 ("fushun-culture 第十一条", "lishui-city 第十一条"), record_style=True,
                 numbered=False, dated_by=("inspection_record.started_at",), titles=(("market", "现场笔录"),)),
    DocumentKind("sampling_record", "抽样取证通知书及物品清单", "抽", "sampling_record", ("fushun-culture 第十一条",),
                 dated_by=("sampling_record.sampled_at",), titles=(("culture", "抽样取证凭证"), ("market", "抽样记录"))),
    DocumentKind("evidence_collection", "调取证据通知书及证据清单", "调", "evidence_collection", ("fushun-culture 第十一条",),
                 dated_by=("evidence_collection.signatures@officer",)),
    DocumentKind("evidence_preservation", "证据先行登记保存通知书及清单", "保", "evidence_preservation",
                 ("行政处罚法 第五十六条", "fushun-culture 第十三条", "lishui-city 第十四条"),
                 dated_by=("evidence_preservation.approved_at",), titles=(("culture", "证据先行登记保存通知书"),)),
    DocumentKind("prior_notice", "行政处罚事先告知书", "告", "prior_notice",
                 ("行政处罚法 第四十四条", "fushun-culture 第十条", "lishui-city 第十二条"),
                 dated_by=("prior_notice.notified_at",),
                 titles=(("market", "行政处罚告知书"),)),
    DocumentKind("statement_record", "陈述申辩笔录", "陈", "statement_record",
                 ("行政处罚法 第四十五条", "lishui-city 第十二条"), record_style=True,
                 numbered=False, dated_by=("statement_record.signatures@officer",)),
    DocumentKind("hearing_notice", "听证通知书", "听通", "hearing_record", ("行政处罚法 第六十四条",),
                 dated_by=("hearing_record.notice_served_at",),
                 titles=(("culture", "行政处罚听证通知书"), ("market", "行政处罚听证通知书"))),
    DocumentKind("hearing_record", "听证笔录", "听", "hearing_record",
                 ("行政处罚法 第六十四条", "fushun-culture 第十一条"), record_style=True,
                 numbered=False, dated_by=("hearing_record.held_at",), titles=(("culture", "行政处罚听证笔录"),)),
    DocumentKind("legal_review", "法制审核意见书", "法审", "legal_review",
                 ("行政处罚法 第五十八条", "fushun-culture 第十六条"),
                 numbered=False, dated_by=("legal_review.signatures@reviewer",),
                 titles=(("market", "案件审核/法制审核表"),), picks=(("", "法制审核表"),)),
    DocumentKind("collective_discussion", "集体讨论记录", "讨", "collective_discussion",
                 ("行政处罚法 第五十七条", "fushun-culture 第十八条"),
                 numbered=False, dated_by=("collective_discussion.held_at",),
                 titles=(("culture", "集体讨论笔录"), ("market", "行政处罚案件集体讨论记录"))),
    DocumentKind("penalty_decision", "行政处罚决定书", "罚", "penalty_decision",
                 ("行政处罚法 第五十九条", "fushun-culture 第二十条"),
                 dated_by=("penalty_decision.decided_at",)),
    DocumentKind("onspot_decision", "当场行政处罚决定书", "简罚", "onspot_decision",
                 ("行政处罚法 第五十二条", "fushun-culture 第二十一条"),
                 dated_by=("onspot_decision.decided_at",), titles=(("culture", "当场处罚决定书"),)),
    DocumentKind("correction_notice", "责令改正通知书", "改", "performance_record",
                 ("fushun-culture 第二十七条", "lishui-city 第十九条"), when="correction_ordered"),
    DocumentKind("service_receipt", "送达回证", "送", "service_receipt",
                 ("fushun-culture 第二十二条", "民事诉讼法 第八十七条"),
                 numbered=False, dated_by=("service_receipt.served_at",)),
    DocumentKind("enforcement_reminder", "催告书", "催", "enforcement_reminder",
                 ("行政强制法 第三十五条", "fushun-culture 第二十八条"),
                 dated_by=("enforcement_reminder.issued_at",), quotes="penalty_decision",
                 typed_instead="decision_document", titles=(("culture", "行政处罚履行催告书"), ("market", "行政处罚决定履行催告书"))),
    DocumentKind("enforcement_decision", "行政强制执行决定书", "强执", "enforcement_decision",
                 ("行政强制法 第三十七条", "fushun-culture 第二十九条"),
                 dated_by=("enforcement_decision.decided_at",)),
    DocumentKind("closing_approval", "结案审批表", "结", "closing_approval",
                 ("fushun-culture 第三十一条", "fushun-culture 第三十六条"), uses=("closing_report", "penalty_decision"),
                 numbered=False, dated_by=("closing_approval.signatures@approver",), titles=(("culture", "结案报告"),)),
    DocumentKind("complaint_notice", "不予立案告知书", "不立", "complaint_notice",
                 ("fushun-culture 第八条", "lishui-city 第九条"),
                 dated_by=("complaint_notice.notified_at",)),
    DocumentKind("intake_decision", "受理（不予受理）通知书", "受", "intake_decision",
                 ("行政许可法 第三十二条", "changli-market 第六条", "lishui-city 第七条"),
                 uses=("license_application", "license_referral"),
                 dated_by=("intake_decision.decided_at",)),
    DocumentKind("supplement_notice", "补正告知书", "补", "supplement_notice",
                 ("行政许可法 第三十二条", "changli-market 第六条"),
                 dated_by=("supplement_notice.notified_at",)),
    DocumentKind("coercive_decision", "查封（扣押）决定书", "封扣", "coercive_decision",
                 ("行政强制法 第二十四条", "fushun-culture 第十四条"), when="measure=seal|seize",
                 dated_by=("coercive_decision.decided_at",), titles=(("market", "实施行政强制措施决定书"),)),
    # the step extends any measure the case took (查封、扣押: 第二十五条; 冻结: 第三十二条), so the kind bears the
    # title that fits them all
    DocumentKind("coercive_extension", "延长行政强制措施期限决定书", "延强", "coercive_extension",
                 ("行政强制法 第二十五条", "行政强制法 第三十二条"), quotes="coercive_decision", uses=("coercive_decision",)),
    DocumentKind("coercive_release", "解除行政强制措施决定书", "解强", "coercive_outcome",
                 ("行政强制法 第二十八条", "行政强制法 第三十三条"), when="outcome=release", quotes="coercive_decision",
                 uses=("coercive_decision",), dated_by=("coercive_outcome.decided_at",)),
    DocumentKind("preservation_decision", "先行登记保存处理决定书", "保处", "preservation_decision",
                 ("行政处罚法 第五十六条",), when="measure=inspect|seize|confiscate|transfer",
                 quotes="evidence_preservation", uses=("evidence_preservation",),
                 dated_by=("preservation_decision.decided_at",), titles=(("culture", "证据先行登记保存处理告知书"),)),
    DocumentKind("investigation_report", "案件调查终结报告", "终", "investigation_report",
                 ("fushun-culture 第十五条",), uses=("case_filing", "filing_approval", "inquiry_record", "inspection_record"),
                 numbered=False, dated_by=("investigation_report.reported_at",)),
    DocumentKind("court_application", "强制执行申请书", "申执", "court_application",
                 ("行政强制法 第五十三条", "行政强制法 第五十五条"), dated_by=("court_application.applied_at",),
                 quotes="penalty_decision", uses=("penalty_decision",)),
    DocumentKind("decision_approval", "行政处罚决定审批表", "审", "decision_approval",
                 ("行政处罚法 第五十七条", "fushun-culture 第十九条"), when="decision=approve",
                 uses=("investigation_report", "legal_review", "collective_discussion"),
                 numbered=False, dated_by=("decision_approval.signatures@approver",),
                 titles=(("market", "行政处理决定审批表"),)),
    DocumentKind("no_penalty_decision", "不予行政处罚决定书", "不罚", "decision_approval",
                 ("行政处罚法 第五十七条",), when="decision=no_penalty", uses=("case_filing", "investigation_report"),
                 dated_by=("decision_approval.signatures@approver",)),
    DocumentKind("address_confirmation", "送达地址确认书", "址", "service_address_confirmation",
                 ("行政处罚法 第六十一条", "民事诉讼法 第九十条"), numbered=False,
                 dated_by=("service_address_confirmation.confirmed_at",)),
    DocumentKind("case_source", "案件来源登记表", "源", "complaint_record", ("fushun-culture 第八条",),
                 numbered=False, dated_by=("complaint_record.received_at",), titles=(("culture", "文化市场举报处理单"),)),
    DocumentKind("case_file", "电子案卷", "卷", "archive_record", ("fushun-culture 第三十一条", "档案法 第十四条"),
                 numbered=False, bound=True, dated_by=("archive_record.archived_at",)),
    DocumentKind("av_explanation", "工作情况说明", "说", "av_not_suitable",
                 ("fushun-culture 第十二条", "pishan-culture 第十九条", "naiman-culture 第十条"),
                 numbered=False, dated_by=("av_not_suitable.recorded_at",)),
    # 延期（分期）缴纳罚款, 代履行, 案件移送, 解除先行登记保存 (issue 17, the full official set)
    DocumentKind("payment_deferral", "延期（分期）缴纳罚款决定书", "延缴", "payment_deferral", ("行政处罚法 第六十六条",),
                 when="decision=defer|instalments", quotes="penalty_decision", uses=("penalty_decision",),
                 dated_by=("payment_deferral.decided_at",),
                 titles=(("market", "延期/分期缴纳罚款通知书"),),
                 picks=(("payment_deferral.decision=instalments", "分期缴纳罚款通知书"), ("", "延期缴纳罚款通知书"))),
    # a refused 延期（分期）缴纳罚款 is told in writing (行政处罚法 第六十六条)
    DocumentKind("payment_deferral_refusal", "不予延期（分期）缴纳罚款通知书", "不延", "payment_deferral",
                 ("行政处罚法 第六十六条",), when="decision=refuse", quotes="penalty_decision", uses=("penalty_decision",),
                 dated_by=("payment_deferral.decided_at",)),
    DocumentKind("substitute_decision", "代履行决定书", "代履", "substitute_performance", ("行政强制法 第五十一条",),
                 quotes="penalty_decision", typed_instead="decision_document", uses=("penalty_decision",),
                 dated_by=("substitute_performance.decided_at",)),
    DocumentKind("case_referral", "案件移送函", "移", "case_transfer", ("行政处罚法 第二十二条", "行政处罚法 第二十三条"),
                 when="ground=jurisdiction", uses=("case_filing", "filing_approval"),
                 dated_by=("case_transfer.transferred_at",), titles=(("culture", "案件移送单"),)),
    DocumentKind("crime_referral", "涉嫌犯罪案件移送书", "刑移", "case_transfer", ("行政处罚法 第二十七条",),
                 when="ground=crime", uses=("case_filing", "filing_approval", "investigation_report"),
                 dated_by=("case_transfer.transferred_at",)),
    DocumentKind("preservation_release", "解除先行登记保存通知书", "解保", "preservation_decision", ("行政处罚法 第五十六条",),
                 when="measure=release", quotes="evidence_preservation", uses=("evidence_preservation",),
                 dated_by=("preservation_decision.decided_at",), titles=(("market", "解除先行登记保存证据通知书"),)),
    # --- issue 17 (the official set): 询问通知书, 陈述申辩复核意见, 听证报告, 通用审批表 ---
    # a summons submitted on the 询问 step (not required there): the notice carries a 文号
    DocumentKind("inquiry_summons", "询问通知书", "询通", "inquiry_summons", ("行政处罚法 第五十五条",),
                 dated_by=("inquiry_summons.issued_at",), titles=(("culture", "调查询问通知书"),)),
    # the agency's review of what the party put forward (行政处罚法 第七条、第四十五条), held in the 陈述申辩笔录's
    # 复核 fields; made whenever the party did state or defend (a waiver has nothing to review)
    DocumentKind("statement_review", "陈述申辩复核意见", "复", "statement_record",
                 ("行政处罚法 第七条", "行政处罚法 第四十五条"), when="adopted=yes|partly|no", quotes="prior_notice",
                 uses=("prior_notice",), numbered=False,
                 dated_by=("statement_record.reviewed_at", "statement_record.signatures@officer"),
                 titles=(("culture", "陈述（申辩）情况审核表"),)),
    # the 听证主持人's report, submitted on the 举行听证 step with the 听证笔录 it reports on (行政处罚法 第六十五条)
    DocumentKind("hearing_report", "听证报告", "听报", "hearing_report", ("行政处罚法 第六十五条",),
                 uses=("hearing_record", "hearing_arrangement"), numbered=False, dated_by=("hearing_report.reported_at",),
                 titles=(("culture", "行政处罚听证意见书"),)),
    # every internal approval (internal_approval.bpmn): the request, the review and the approver's decision
    DocumentKind("general_approval", "通用审批表", "批", "approval_decision", ("行政处罚法 第四十七条",),
                 uses=("approval_request", "approval_review"), numbered=False,
                 dated_by=("approval_decision.signatures@approver",),
                 titles=(("culture", "审批表"), ("market", "行政处罚案件有关事项审批表"),)),
    # issue 17: the other 文书 of 调查取证, made when the investigation step that holds their record completes (none is
    # required by every case: the officers add the record at the step where the act happened)
    DocumentKind("electronic_data", "电子数据提取笔录", "电", "electronic_data",
                 ("行政处罚法 第四十六条", "行政处罚法 第五十五条"), record_style=True, numbered=False,
                 dated_by=("electronic_data.started_at",), titles=(("market", "电子数据证据提取笔录"),)),
    DocumentKind("appraisal_commission", "鉴定委托书", "鉴委", "appraisal_commission", ("fushun-culture 第十一条",),
                 dated_by=("appraisal_commission.commissioned_at",),
                 titles=(("market", "检测/检验/检疫/鉴定委托书"),), picks=appraisal_picks("委托书")),
    DocumentKind("appraisal_notice", "鉴定结果告知书", "鉴告", "appraisal_notice", ("fushun-culture 第十一条",),
                 quotes="appraisal_commission", uses=("expert_opinion", "appraisal_commission", "case_filing"),
                 needs=("expert_opinion.issued_at",), dated_by=("appraisal_notice.notified_at",),
                 titles=(("market", "检测/检验/检疫/鉴定结果告知书"),), picks=appraisal_picks("结果告知书")),
    DocumentKind("assistance_request", "协助调查函", "协查", "assistance_request", ("行政处罚法 第二十六条",),
                 dated_by=("assistance_request.requested_at",)),
    DocumentKind("materials_notice", "限期提供材料通知书", "限提", "materials_notice", ("行政处罚法 第五十五条",),
                 uses=("case_filing",), dated_by=("materials_notice.notified_at",)),
    # issue 17: the market set's (2021) items 1–20 the culture set lacks; made for every profile under the same title
    DocumentKind("evidence_extraction", "证据提取单", "提", "evidence_extraction",
                 ("行政处罚法 第四十六条", "行政处罚法 第五十五条"), record_style=True, numbered=False,
                 dated_by=("evidence_extraction.extracted_at",)),
    DocumentKind("identification_request", "协助辨认/鉴别通知书", "辨鉴", "identification_request", ("行政处罚法 第五十五条",),
                 dated_by=("identification_request.notified_at",)),
    # offered at the 查封扣押 step: the 决定书 of the same step is sealed first (it precedes in this table) and quoted
    DocumentKind("seizure_assistance", "协助扣押通知书", "协扣", "seizure_assistance", ("行政强制法 第二十四条",),
                 quotes="coercive_decision", uses=("coercive_decision",),
                 needs=("coercive_decision.decided_at", "coercive_decision.measure=seal|seize"),
                 dated_by=("seizure_assistance.notified_at",)),
    # made on the 案件移送 record when it lists goods (its 涉案物品清单): the party is told they went with the case
    DocumentKind("seized_goods_transfer", "查封/扣押物品移送告知书", "物移", "case_transfer",
                 ("行政处罚法 第二十二条", "行政处罚法 第二十七条"), when="items", quotes="coercive_decision",
                 uses=("case_filing", "coercive_decision"), dated_by=("case_transfer.transferred_at",)),
    # --- issue 17 (market set items 2–3): 指定管辖通知书, 案件交办通知书 — issued by the higher agency under its own 文号,
    # recorded by the receiving agency on its 立案 step and filed with the case (the agency's counter gives no 文号)
    DocumentKind("designation_notice", "指定管辖通知书", "指管", "jurisdiction_notice",
                 ("行政处罚法 第二十五条", "市场监督管理行政处罚程序规定 第十三条"),
                 when="form=designate", uses=("case_filing",), numbered=False,
                 dated_by=("jurisdiction_notice.issued_at",)),
    DocumentKind("assignment_notice", "案件交办通知书", "交办", "jurisdiction_notice",
                 ("市场监督管理行政处罚程序规定 第十五条",),
                 when="form=assign", uses=("case_filing",), numbered=False, dated_by=("jurisdiction_notice.issued_at",)),
    # --- issue 17 (market set items 31, 51): 鉴定期间告知书 (offered on the 调查取证 steps; needs the case's 委托书 and
    # quotes it as issued) and the 送达公告 of the 公告送达 step (the document its service plan names, as issued)
    DocumentKind("appraisal_period", "鉴定期间告知书", "鉴期", "appraisal_period",
                 ("行政处罚法 第六十条", "市场监督管理行政处罚程序规定 第六十四条第二款"),
                 quotes="appraisal_commission", uses=("appraisal_commission", "case_filing"),
                 needs=("appraisal_commission.commissioned_at",), dated_by=("appraisal_period.notified_at",),
                 titles=(("market", "检测/检验/检疫/鉴定期间告知书"),), picks=appraisal_picks("期间告知书")),
    # the 承办机构's review before the 事先告知 (market item 36, 案件审核/法制审核表: its 案件审核 half)
    DocumentKind("case_examination", "案件审核表", "案审", "case_review",
                 ("行政处罚法 第五十八条", "fushun-culture 第十五条", "市场监督管理行政处罚程序规定 第四十九条",
                  "市场监督管理行政处罚程序规定 第五十二条"),
                 uses=("case_filing", "investigation_report"), numbered=False,
                 dated_by=("case_review.signatures@reviewer",), titles=(("market", "案件审核/法制审核表"),),
                 picks=(("", "案件审核表"),)),
    DocumentKind("service_announcement", "送达公告", "公告", "public_notice", ("民事诉讼法 第九十五条",),
                 uses=("service_plan",), dated_by=("public_notice.published_at",),
                 titles=(("market", "行政处罚文书送达公告"),)),
    # --- issue 17 (17e): the 查封/扣押's other papers (市场范本 items 25–28, 52; the culture set's 查封（扣押）处理告知书).
    # 封条: one strip for each sealed place, facility or item of the 决定书's 清单, made with it (it precedes here)
    DocumentKind("seal_strip", "封条", "封", "coercive_decision", ("行政强制法 第二十四条",), when="measure=seal",
                 numbered=False, quotes="coercive_decision", dated_by=("coercive_decision.decided_at",)),
    # offered while the measure runs; each needs and quotes the case's 决定书 (委托第三人保管: only a 查封, 第二十六条)
    DocumentKind("custody_entrustment", "委托保管书", "委保", "custody_entrustment", ("行政强制法 第二十六条",),
                 quotes="coercive_decision", uses=("coercive_decision",),
                 needs=("coercive_decision.decided_at", "coercive_decision.measure=seal"),
                 dated_by=("custody_entrustment.entrusted_at",),
                 titles=(("market", "实施行政强制措施场所/设施/财物委托保管书"),),
                 picks=(("custody_entrustment.target=place", "实施行政强制措施场所委托保管书"),
                        ("custody_entrustment.target=facility", "实施行政强制措施设施委托保管书"),
                        ("", "实施行政强制措施财物委托保管书"))),
    DocumentKind("disposal_confirmation", "先行处置物品确认书", "处确", "advance_disposal", DISPOSAL_BASIS,
                 when="form=confirm", quotes="coercive_decision", uses=("coercive_decision",), numbered=False,
                 needs=("coercive_decision.decided_at", "coercive_decision.measure=seal|seize"),
                 dated_by=("advance_disposal.decided_at",)),
    DocumentKind("disposal_announcement", "先行处置物品公告", "处告", "advance_disposal", DISPOSAL_BASIS,
                 when="form=announce", quotes="coercive_decision", uses=("coercive_decision",),
                 needs=("coercive_decision.decided_at", "coercive_decision.measure=seal|seize"),
                 dated_by=("advance_disposal.announced_at", "advance_disposal.decided_at")),
    DocumentKind("goods_handling", "涉案物品处理记录", "物处", "goods_handling",
                 ("行政强制法 第二十八条", "行政处罚法 第七十四条"), numbered=False, quotes="coercive_decision",
                 uses=("coercive_decision", "case_filing"), needs=("coercive_decision.decided_at",),
                 dated_by=("goods_handling.handled_at",)),
    # a 处理 other than 解除 (没收、销毁 …, 行政强制法 第二十七条) told to the party; the 解除 has its 决定书 above
    DocumentKind("coercive_disposal", "查封（扣押）处理告知书", "封处", "coercive_outcome", ("行政强制法 第二十七条",),
                 when="outcome=dispose", quotes="coercive_decision", uses=("coercive_decision",),
                 dated_by=("coercive_outcome.decided_at",)),
    # --- issue 17 (market set item 34): 责令退款通知书 (市场监督管理行政处罚程序规定 第五十九条), offered on the 陈述申辩 and
    # 决定审批 steps: after the party was heard, before the decision; the sum in figures and 大写
    DocumentKind("refund_order", "责令退款通知书", "退款", "refund_order", ("市场监督管理行政处罚程序规定 第五十九条",),
                 uses=("case_filing", "prior_notice"), dated_by=("refund_order.ordered_at",)),
)

BY_CODE: dict[str, DocumentKind] = {k.code: k for k in DOCUMENT_KINDS}


def act_moment(dk: DocumentKind, payloads: Mapping[str, Mapping[str, Any]]) -> Any:
    """The moment of the act ``dk`` records, from the records' payloads (``None``: none states it).

    A 文书 is dated the day of its act (the decision, the notice, the approval), never the day it was rendered.
    """
    for ref in dk.dated_by:
        kind_code, _, name = ref.partition(".")
        name, _, capacity = name.partition("@")
        value = (payloads.get(kind_code) or {}).get(name)
        if capacity:
            value = signed_at(value, capacity)
        if value:
            return value
    return None


def signed_at(signatures: Any, capacity: str) -> Any:
    """When ``capacity`` signed, of a record's signature list (``kind.signatures@capacity``, in a 文书's ``dated_by``
    and a rule's ``at``: an approval states its moment only by the approver's signature)."""
    return next((s.get("signed_at") for s in signatures or () if isinstance(s, Mapping)
                 and s.get("capacity") == capacity and s.get("signed_at")), None)


def made_on(record_kinds: set[str], flags: dict[str, dict[str, object]]) -> list[DocumentKind]:
    """The kinds a task with records of ``record_kinds`` makes; ``flags`` = exported fields per record kind."""
    return [k for k in DOCUMENT_KINDS if k.trigger in record_kinds and _when(k.when, flags.get(k.trigger, {}))]


def _when(condition: str | None, values: Mapping[str, object]) -> bool:
    """``flag`` (the field is true) or ``field=a|b`` (the field holds one of the values)."""
    if condition is None:
        return True
    name, equals, options = condition.partition("=")
    return values.get(name) in options.split("|") if equals else bool(values.get(name))


def kind(code: str) -> DocumentKind:
    try:
        return BY_CODE[code]
    except KeyError:
        raise KeyError(f"未知的文书种类：{code}") from None
