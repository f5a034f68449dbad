"""The enforcement acts a user task performs (its ``act`` property), and the acts of the shipped diagrams.

Rules target acts, not task ids, so renaming or moving a task cannot escape a rule.  An act is a
dotted path: a rule on ``送达`` governs ``送达.留置`` and every other method of service; a rule on
``送达.留置`` governs only that one.
"""
from __future__ import annotations

from collections.abc import Mapping

ACTS: dict[str, str] = {
    "紧急先行处置": "情况紧急，先行启动执法程序", "补报立案": "紧急先行处置后补报立案", "立案": "填写立案审批表",
    "立案审核": "承办机构审核立案", "立案审批": "负责人审批立案", "调查方案": "确定调查措施",
    "询问": "询问当事人、证人", "现场检查": "现场检查（勘验）", "抽样取证": "抽样取证", "调取证据": "调取证据",
    "调查终结": "调查终结报告", "案件审核": "承办机构审核", "事先告知": "行政处罚事先告知",
    "陈述申辩": "听取陈述申辩", "法制审核": "法制审核", "集体讨论": "负责人集体讨论", "决定审批": "负责人审批决定",
    "决定": "作出行政处罚决定", "履行": "记录履行情况", "责令改正": "责令改正", "复查": "责令改正后复查",
    "结案报告": "结案报告", "结案审核": "审核结案报告", "结案审批": "结案审批", "归档": "立卷归档",
    "强制措施.呈请": "呈请采取行政强制措施", "查封扣押": "实施查封、扣押或限制人身自由",
    "强制措施.其他": "实施冻结等其他行政强制措施", "强制措施.报告": "紧急实施后二十四小时内报告",
    "强制措施.解除": "解除行政强制措施", "强制措施.处理": "期限内处理或解除", "强制措施.延期": "延长期限并书面告知",
    "投诉举报.登记": "登记投诉举报", "投诉举报.审查": "审查投诉举报", "投诉举报.告知": "书面告知投诉人、举报人",
    "催告": "制作并送达催告书", "催告复核": "陈述申辩复核及催告期满履行情况", "执行途径": "确定执行途径",
    "申请法院执行": "申请人民法院强制执行", "法院裁定": "记录法院裁定和执行结果",
    "强制执行决定": "作出强制执行决定", "强制执行.加处罚款": "加处罚款或滞纳金", "强制执行.划拨": "划拨存款、汇款",
    "强制执行.拍卖": "拍卖或处理查封、扣押的财物", "强制执行.排除妨碍": "排除妨碍、恢复原状",
    "强制执行.代履行": "代履行", "强制执行.其他": "其他强制执行方式", "强制执行.结果": "记录执行情况",
    "先行登记保存": "证据先行登记保存", "先行登记保存处理决定": "先行登记保存后七日内作出处理决定",
    "听证通知": "指定主持人并通知听证", "听证": "举行听证",
    "内部审批.呈请": "承办人提出意见和理由", "内部审批.审核": "审核人审核", "内部审批.批准": "批准人批准",
    "许可.申请": "登记许可申请", "许可.受理": "审查材料并决定是否受理", "许可.现场核查": "许可现场核查",
    "许可.当场更正": "申请材料当场更正", "许可.补正告知": "一次告知补正", "许可.补正": "登记申请人补正的材料",
    "许可.告知另行申请": "告知向有关机关申请",
    "送达.选择方式": "选择送达方式", "送达.直接": "直接送达", "送达.直接.回证": "直接送达回证签收",
    "送达.委托": "委托送达", "送达.委托.结果": "委托送达结果", "送达.委托.回证": "委托送达回证签收",
    "送达.转交": "转交送达", "送达.转交.结果": "转交送达结果", "送达.转交.回证": "转交送达回证签收",
    "送达.留置": "留置送达", "送达.邮寄": "邮寄送达", "送达.邮寄.结果": "邮寄送达结果",
    "送达.邮寄.回执": "留存邮寄回执", "送达.邮寄.退回": "记录邮件退回情况", "送达.公告": "公告送达", "送达.电子": "电子送达",
    "简易程序.条件": "确认适用简易程序的条件", "简易程序.陈述申辩": "当场告知并听取陈述申辩",
    "当场处罚决定": "当场作出行政处罚决定", "简易程序.音像记录": "提交当场执法音像记录",
    "当场收缴罚款": "当场收缴罚款", "简易程序.备案": "报所属行政机关备案",
    "复制.当事人": "为当事人复制执法全过程记录", "复制.相关部门": "为相关部门调取、复制音像记录",
    "音像记录.移交": "移交、存储音像记录", "音像记录.移交.返回后": "异地或连续执法的，返回单位后移交音像记录",
    "音像记录.中断说明": "说明音像记录中断或不完整的原因", "音像记录.查阅": "查阅涉密或涉及隐私的音像记录",
    "复制.当事人.遮蔽": "为当事人复制时隐去举报人、投诉人、第三人的身份信息",
    "延期缴纳罚款": "批准延期（分期）缴纳罚款", "案件移送": "移送司法机关或有管辖权的行政机关",
}

# The acts of the shipped diagrams' tasks: what ``act`` says in workflows/base, and what diagram
# versions stored before tasks declared ``act`` are read as (migration b1a2c3d4e5f6 and the runner).
BASE_ACTS: dict[str, str] = {
    "t_coercive_request": "强制措施.呈请", "t_coercive_onsite": "查封扣押", "t_coercive_written": "强制措施.其他",
    "t_coercive_report": "强制措施.报告", "t_immediate_release": "强制措施.解除", "t_coercive_outcome": "强制措施.处理",
    "t_coercive_extension": "强制措施.延期", "t_complaint": "投诉举报.登记", "t_complaint_review": "投诉举报.审查",
    "t_complaint_notice": "投诉举报.告知", "t_reminder": "催告", "t_reminder_response": "催告复核",
    "t_enforcement_route": "执行途径", "t_court_application": "申请法院执行", "t_court_result": "法院裁定",
    "t_enforcement_decision": "强制执行决定", "t_surcharge": "强制执行.加处罚款", "t_transfer": "强制执行.划拨",
    "t_auction": "强制执行.拍卖", "t_restore": "强制执行.排除妨碍", "t_substitute": "强制执行.代履行",
    "t_other_enforcement": "强制执行.其他", "t_enforcement_result": "强制执行.结果",
    "t_preservation": "先行登记保存", "t_preservation_decision": "先行登记保存处理决定",
    "t_emergency": "紧急先行处置", "t_filing_late": "补报立案", "t_filing": "立案", "t_unit_opinion": "立案审核",
    "t_filing_approval": "立案审批", "t_plan": "调查方案", "t_inquiry": "询问", "t_inspection": "现场检查",
    "t_sampling": "抽样取证", "t_collection": "调取证据", "t_report": "调查终结", "t_case_review": "案件审核",
    "t_notice": "事先告知", "t_statement": "陈述申辩", "t_legal": "法制审核", "t_collective": "集体讨论",
    "t_approval": "决定审批", "t_decision": "决定", "t_performance": "履行", "t_correction": "复查",
    "t_closing_report": "结案报告", "t_closing_review": "结案审核", "t_closing_approval": "结案审批",
    "t_archive": "归档", "t_hearing_notice": "听证通知", "t_hearing": "听证", "t_check": "现场检查",
    "t_correction_order": "责令改正", "t_recheck": "复查", "t_approval_request": "内部审批.呈请",
    "t_approval_review": "内部审批.审核", "t_approval_decision": "内部审批.批准", "t_application": "许可.申请",
    "t_intake_decision": "许可.受理", "t_verification": "许可.现场核查", "t_onspot_correction": "许可.当场更正",
    "t_supplement_notice": "许可.补正告知", "t_resubmission": "许可.补正", "t_referral": "许可.告知另行申请", "t_service_plan": "送达.选择方式",
    "t_direct_attempt": "送达.直接", "t_direct_receipt": "送达.直接.回证", "t_entrust": "送达.委托",
    "t_entrusted_result": "送达.委托.结果", "t_entrusted_receipt": "送达.委托.回证", "t_forward": "送达.转交",
    "t_forwarded_result": "送达.转交.结果", "t_forwarded_receipt": "送达.转交.回证", "t_lodged": "送达.留置",
    "t_mail_post": "送达.邮寄", "t_mail_result": "送达.邮寄.结果", "t_mail_receipt": "送达.邮寄.回执",
    "t_mail_returned": "送达.邮寄.退回", "t_public": "送达.公告", "t_electronic": "送达.电子", "t_simple_conditions": "简易程序.条件",
    "t_simple_statement": "简易程序.陈述申辩", "t_onspot_decision": "当场处罚决定",
    "t_simple_av": "简易程序.音像记录", "t_fine_collection": "当场收缴罚款", "t_simple_filing": "简易程序.备案",
    "t_simple_performance": "履行", "t_simple_archive": "归档", "t_deferral": "延期缴纳罚款", "t_case_transfer": "案件移送",
    "t_simple_deferral": "延期缴纳罚款",
}


#: the acts of a recording's own handling (handover, gaps, viewing): no diagram's step, the A/V register enforces them
RECORDING_ACT = "音像记录"


def governs(rule_act: str, task_act: str | None) -> bool:
    """Whether a rule on ``rule_act`` applies to a task performing ``task_act`` (the act or one under it)."""
    return bool(task_act) and (task_act == rule_act or str(task_act).startswith(rule_act + "."))


def act_of(task_id: str, props: Mapping[str, str]) -> str | None:
    """The task's declared act; a task of a version stored before ``act`` existed is read by its base id."""
    return (props.get("act") or "").strip() or BASE_ACTS.get(task_id)


def known(act: str) -> bool:
    """An act of the vocabulary, or a group of them a rule may target (``送达``, ``强制执行``)."""
    return act in ACTS or any(a.startswith(act + ".") for a in ACTS)
