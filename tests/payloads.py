"""Realistic valid payloads for every record kind, as an officer would fill them in."""
from __future__ import annotations

import copy
from typing import Any

T = "2026-03-02T10:00:00+08:00"
PARTY = {"name": "抚顺县星光网吧", "kind": "organisation", "id_number": "91210421MA0XXXXXX1",
         "address": "抚顺县石文镇人民路 18 号", "phone": "024-5551234"}
OFFICERS = [{"name": "张明", "certificate_no": "21040001"}, {"name": "李强", "certificate_no": "21040002"}]
OFFICER_SIGS = [{"signer": "张明", "capacity": "officer", "signed": True, "signed_at": T},
                {"signer": "李强", "capacity": "officer", "signed": True, "signed_at": T}]
PARTY_SIG = {"signer": "王五（星光网吧负责人）", "capacity": "party", "signed": True, "signed_at": T}
PARTY_REFUSED = {"signer": "王五（星光网吧负责人）", "capacity": "party", "signed": False,
                 "refusal_note": "当事人以不认可检查结果为由拒绝签名，执法人员张明、李强在场见证，已录像"}
ITEMS = [{"name": "电脑主机", "specification": "联想 M720", "quantity": "2 台"}]

_WITNESSED = {"officers": OFFICERS, "certificates_shown": True, "signatures": OFFICER_SIGS + [PARTY_SIG]}

PAYLOADS: dict[str, dict[str, Any]] = {
    "case_filing": {"cause": "日常巡查发现接纳未成年人上网", "source": "inspection",
                    "facts": "2026年3月1日21时，执法人员在星光网吧发现三名未成年人上网。", "party": PARTY,
                    "legal_basis": "《互联网上网服务营业场所管理条例》第二十一条、第三十一条",
                    "handler_opinion": "建议立案调查。"},
    "emergency_start": {"emergency": "现场发现证据可能被转移，需立即先行登记保存", "started_at": T,
                        "measures": "对涉案电脑主机两台先行登记保存"},
    "unit_opinion": {"opinion": "同意立案。", "decision": "agree",
                     "signatures": [{"signer": "王芳", "capacity": "reviewer", "signed": True, "signed_at": T}]},
    "filing_approval": {"opinion": "同意立案，由张明、李强承办。", "decision": "approve",
                        "signatures": [{"signer": "刘伟", "capacity": "approver", "signed": True, "signed_at": T}]},
    "investigation_plan": {"measures": ["inquiry", "inspection"]},
    "inquiry_record": {**_WITNESSED, "interviewee": PARTY, "interviewee_role": "party", "place": "执法队询问室",
                       "started_at": T, "ended_at": "2026-03-02T11:00:00+08:00",
                       "rights_notified": "口头告知陈述、申辩、申请回避的权利，当事人表示听清楚了",
                       "content": "问：你是否知道接纳未成年人上网违法？答：知道。"},
    "inspection_record": {**_WITNESSED, "place": "抚顺县石文镇人民路 18 号星光网吧", "started_at": T,
                          "ended_at": "2026-03-02T10:40:00+08:00", "party_present": True,
                          "findings": "营业场所内有三名未成年人正在上网，未核对身份证件。"},
    "sampling_record": {**_WITNESSED, "place": "星光网吧", "sampled_at": T, "items": ITEMS, "notice_given": True},
    "evidence_collection": {**_WITNESSED, "holder": "星光网吧", "items": ITEMS, "notice_given": True},
    "evidence_preservation": {**_WITNESSED, "reason": "证据可能被转移", "items": ITEMS, "form": "registration",
                              "approved_by": "刘伟", "approved_at": T},
    "investigation_report": {"drafter": "张明", "facts": "当事人接纳三名未成年人上网。", "evidence": "询问笔录、现场检查笔录、录像",
                             "legal_basis": "《互联网上网服务营业场所管理条例》第三十一条",
                             "factors": "初次违法，积极配合调查", "proposed_penalty": "警告，罚款人民币一万元"},
    "case_review": {"opinion": "事实清楚，证据确凿。", "major_case": False,
                    "signatures": [{"signer": "王芳", "capacity": "reviewer", "signed": True, "signed_at": T}]},
    "prior_notice": {"facts": "接纳未成年人上网", "reasons": "违反条例第二十一条",
                     "legal_basis": "《互联网上网服务营业场所管理条例》第三十一条", "proposed_penalty": "警告，罚款一万元",
                     "rights": ["statement", "defence", "hearing"], "manner": "document", "notified_at": T},
    "statement_record": {"waived": False, "statement": "当事人称已安装身份核验设备但当晚故障。",
                         "review": "经核查设备故障不能免除核验义务。", "adopted": "no",
                         "adoption_reason": "理由不能成立。", "hearing_requested": False,
                         "signatures": [OFFICER_SIGS[0], PARTY_SIG]},
    "hearing_record": {"notice_served_at": "2026-03-05T10:00:00+08:00", "held_at": "2026-03-16T09:00:00+08:00",
                       "chair": "赵静", "investigators": ["张明", "李强"], "content": "调查人员陈述事实，当事人申辩。",
                       "signatures": [{"signer": "赵静", "capacity": "chair", "signed": True, "signed_at": T},
                                      PARTY_SIG, {"signer": "孙丽", "capacity": "recorder", "signed": True, "signed_at": T}]},
    "legal_review": {"reviewers": ["赵静"], "opinion": "主体适格，程序合法，适用依据正确。", "suggestions": "无",
                     "passed": True, "signatures": [{"signer": "赵静", "capacity": "reviewer", "signed": True, "signed_at": T}]},
    "collective_discussion": {"held_at": T, "chair": "刘伟", "participants": ["刘伟", "王芳", "赵静"],
                              "opinions": "一致同意处罚意见。", "conclusion": "同意给予警告并罚款一万元。"},
    "decision_approval": {"opinion": "同意。", "decision": "approve",
                          "signatures": [{"signer": "刘伟", "capacity": "approver", "signed": True, "signed_at": T}]},
    "penalty_decision": {"party": PARTY, "facts_and_evidence": "接纳未成年人上网，有询问笔录等证据证实。",
                         "reasons": "当事人违法事实清楚，申辩理由不成立。", "penalty": "警告、罚款", "fine": "10000.00",
                         "legal_basis": "《互联网上网服务营业场所管理条例》第三十一条",
                         "performance": "自收到本决定书之日起十五日内缴至指定银行",
                         "remedies": "可在六十日内申请行政复议，或在六个月内提起行政诉讼", "decided_at": T},
    "service_receipt": {"document": "行政处罚决定书", "document_no": "抚文执罚〔2026〕12号", "recipient": "王五",
                        "method": "direct", "place": "星光网吧", "served_at": T,
                        "signatures": [{"signer": "张明", "capacity": "server", "signed": True, "signed_at": T},
                                       {"signer": "王五", "capacity": "recipient", "signed": True, "signed_at": T}]},
    "performance_record": {"status": "full", "details": "已于2026年3月10日缴纳罚款。", "correction_ordered": False},
    "correction_review": {"officers": OFFICERS, "certificates_shown": True, "signatures": OFFICER_SIGS,
                          "reviewed_at": T, "corrected": True, "findings": "已安装身份核验设备并正常运行。"},
    "closing_report": {"summary": "案件已执行完毕。", "result": "penalised", "ended_at": T},
    "closing_approval": {"opinion": "同意结案。",
                         "signatures": [{"signer": "刘伟", "capacity": "approver", "signed": True, "signed_at": T}]},
    "archive_record": {"archive_no": "抚文执档〔2026〕3号", "volumes": "1卷，共58页", "contents": "立案审批表、询问笔录、现场检查笔录、录像2段",
                       "retention": "30y", "archived_at": T, "archivist": "张明"},
    "av_not_suitable": {"reason": "检查场所涉及未成年人隐私，不适宜录像", "recorded_by": "张明", "recorded_at": T},
}


def payload(kind: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(PAYLOADS[kind])
    data.update(changes)
    return data


def av_recording(sha: str) -> dict[str, Any]:
    return {"files": [sha], "device_id": "DSJ-0001", "recorded_by": "张明", "started_at": T,
            "ended_at": "2026-03-02T10:40:00+08:00", "place": "星光网吧"}
