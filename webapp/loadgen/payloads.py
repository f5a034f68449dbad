"""Realistic valid payloads for every record kind, as an officer would fill them in.

Shared by the tests, the benchmarks and the case generator (``flask liuhen generate-cases``), which
walks its template cases with them; kept here, not under tests/, because the application may not import tests.
"""
from __future__ import annotations

import copy
import hashlib
from typing import Any

T = "2026-03-02T10:00:00+08:00"
PARTY = {"name": "抚顺县星光网吧", "kind": "organisation", "id_number": "91210421MA0XXXXXXK", "licence": "营业执照",
         "representative": "王建国", "address": "抚顺县石文镇人民路 18 号", "phone": "024-5551234"}
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
                       "content": "问：你是否知道接纳未成年人上网违法？答：知道。", "gender": "male", "age": 42,
                       "work_unit": "抚顺县星光网吧负责人", "relation": "当事人的负责人", "recorder": "李强"},
    "inspection_record": {**_WITNESSED, "place": "抚顺县石文镇人民路 18 号星光网吧", "started_at": T,
                          "ended_at": "2026-03-02T10:40:00+08:00", "party_present": True,
                          "findings": "营业场所内有三名未成年人正在上网，未核对身份证件。"},
    "sampling_record": {**_WITNESSED, "place": "星光网吧", "sampled_at": T, "items": ITEMS, "notice_given": True},
    "evidence_collection": {**_WITNESSED, "holder": "星光网吧", "items": ITEMS, "notice_given": True},
    "evidence_preservation": {**_WITNESSED, "reason": "证据可能被转移", "items": ITEMS, "form": "registration",
                              "approved_by": "刘伟", "approved_at": T},
    "investigation_report": {"drafter": "张明", "facts": "当事人接纳三名未成年人上网。", "evidence": "询问笔录、现场检查笔录、录像",
                             "legal_basis": "《互联网上网服务营业场所管理条例》第三十一条",
                             "factors": "初次违法，积极配合调查", "proposed_penalty": "警告，罚款人民币一万元",
                             "reported_at": T},
    "case_review": {"opinion": "事实清楚，证据确凿。", "major_case": False,
                    "signatures": [{"signer": "王芳", "capacity": "reviewer", "signed": True, "signed_at": T}]},
    "prior_notice": {"facts": "接纳未成年人上网", "reasons": "违反条例第二十一条",
                     "legal_basis": "《互联网上网服务营业场所管理条例》第三十一条", "proposed_penalty": "警告，罚款一万元",
                     "rights": ["statement", "defence", "hearing"], "manner": "document", "notified_at": T},
    "statement_record": {"waived": False, "statement": "当事人称已安装身份核验设备但当晚故障。",
                         "review": "经核查设备故障不能免除核验义务。", "adopted": "no",
                         "adoption_reason": "理由不能成立。", "hearing_requested": False, "reviewed_at": T,
                         "signatures": [OFFICER_SIGS[0], PARTY_SIG]},
    "hearing_record": {"notice_served_at": "2026-03-05T10:00:00+08:00", "held_at": "2026-03-16T09:00:00+08:00",
                       "chair": "赵静", "investigators": ["张明", "李强"], "content": "调查人员陈述事实，当事人申辩。",
                       "signatures": [{"signer": "赵静", "capacity": "chair", "signed": True, "signed_at": T},
                                      PARTY_SIG, {"signer": "孙丽", "capacity": "recorder", "signed": True, "signed_at": T}]},
    "refusal_record": {"officers": OFFICERS, "certificates_shown": True, "signatures": OFFICER_SIGS, "person": PARTY,
                       "capacity": "party", "refused": ["inquiry_record"], "refused_at": T, "place": "星光网吧",
                       "circumstances": "当事人负责人王五拒绝接受询问，称须请示投资人；执法人员告知拒绝调查的法律后果后仍拒绝。"},
    "expert_opinion": {"form": "appraisal", "issuer": "辽宁省文化市场技术鉴定中心", "commissioned_at": T,
                       "issued_at": "2026-03-04T15:00:00+08:00", "subject": "涉案电脑主机上网记录",
                       "conclusion": "主机记录显示三名未成年人身份证号于当晚登录。", "files": ["0" * 64]},
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


# --- issue 3: 送达 by each method, internal approval, simple procedure, enforcement, intake -------------
CITIZEN = {"name": "赵六", "kind": "citizen", "id_number": "210421199001011232", "address": "抚顺县石文镇幸福街 3 号"}
DOC = {"document": "行政处罚决定书", "document_no": "抚文执罚〔2026〕12号"}
SERVER_SIG = {"signer": "张明", "capacity": "server", "signed": True, "signed_at": T}
LATER = "2026-04-06T10:00:00+08:00"

PAYLOADS.update({
    "service_plan": {**DOC, "recipient": "王五", "method": "direct"},
    "service_attempt": {"method": "direct", "attempted_at": T, "outcome": "served"},
    "mail_posting": {**DOC, "recipient": "王五", "address": "抚顺县石文镇人民路 18 号", "carrier": "ems",
                     "tracking_no": "EA123456789CN", "register_entry": "邮寄送达登记簿第 2026-031 号", "posted_at": T},
    "mail_receipt": {**DOC, "tracking_no": "EA123456789CN", "signed_by": "王五", "received_at": "2026-03-04T15:00:00+08:00"},
    "mail_returned": {"tracking_no": "EA123456789CN", "returned_at": "2026-03-09T10:00:00+08:00", "reason": "unknown",
                      "details": "邮政企业以“查无此人”退回，退回信封已留存。", "envelope_kept": True},
    "lodging_record": {**DOC, "recipient": "王五", "residence": "抚顺县石文镇人民路 18 号", "refused_at": T,
                       "refusal_reason": "当事人称不认可处罚决定，拒绝签收", "left_at_residence": True,
                       "signatures": [SERVER_SIG, {"signer": "孙七（石文镇人民路社区工作人员）", "capacity": "witness",
                                                   "signed": True, "signed_at": T}]},
    "entrustment_record": {**DOC, "reason": "受送达人现居沈阳市，直接送达有困难", "entrusted_to": "沈阳市文化市场综合行政执法队",
                           "entrusted_at": T},
    "forwarding_record": {**DOC, "reason": "prisoner", "forwarded_via": "辽宁省抚顺监狱",
                          "details": "受送达人正在服刑，通过所在监狱转交", "forwarded_at": T},
    "relay_receipt": {**DOC, "recipient": "王五", "served_at": T,
                      "signatures": [SERVER_SIG, {"signer": "王五", "capacity": "recipient", "signed": True, "signed_at": T}]},
    "service_address_confirmation": {
        "recipient": "王五", "postal_address": "抚顺县石文镇人民路 18 号", "phone": "024-5551234",
        "electronic_consent": True, "electronic_address": "wangwu@xingguang.example", "confirmed_at": T,
        "signatures": [{"signer": "王五（星光网吧负责人）", "capacity": "party", "signed": True, "signed_at": T}]},
    # the version the worker appends once sent (webapp.worker.outbox); an officer submits only document_id
    "electronic_service": {"document_id": 1, "address": "wangwu@xingguang.example", "channel": "email",
                           "status": "sent", "message_id": "<1@liuhen.example>", "sha256": "0" * 64, "sent_at": T,
                           "delivered_at": T, "receipt": "250 OK queued", "attempts": 1},
    "public_notice": {"grounds": "others_failed", "failed_methods": ["direct", "mail"],
                      "failure_details": "三次上门无人，邮寄被退回，经社区核实当事人已搬离且去向不明。",
                      "carrier": "抚顺日报及本队公告栏", "form": "登报并张贴公告", "notice_text": "王五：本队已作出……特此公告。",
                      "notice_files": [], "published_at": T, "deemed_served_at": LATER,
                      "reason_and_course": "直接送达、邮寄送达均未成功，依法公告送达。"},
    "approval_request": {"subject": "作出强制执行决定", "proposal": "对当事人加处罚款", "reasons": "经催告仍未缴纳罚款，无正当理由",
                         "legal_basis": "《中华人民共和国行政处罚法》第七十二条", "officers": OFFICERS[:1],
                         "requested_at": T},
    "approval_review": {"opinion": "同意。", "agreed": True,
                        "signatures": [{"signer": "王芳", "capacity": "reviewer", "signed": True, "signed_at": T}]},
    "approval_decision": {"opinion": "批准。", "decision": "approve",
                          "signatures": [{"signer": "刘伟", "capacity": "approver", "signed": True, "signed_at": T}]},
    "simple_conditions": {"party": CITIZEN, "facts": "在禁止张贴区域张贴演出广告", "facts_certain": True,
                          "legal_basis": "《营业性演出管理条例》第四十六条", "penalty": "fine", "fine": "50.00",
                          "likely_disputed": False},
    "simple_statement": {"waived": False, "statement": "当事人称不知道该处禁止张贴。", "review": "不知情不影响违法事实认定。",
                         "adopted": "no", "adoption_reason": "理由不能成立。",
                         "signatures": [OFFICER_SIGS[0], {"signer": "赵六", "capacity": "party", "signed": True, "signed_at": T}]},
    "onspot_decision": {"officers": OFFICERS, "certificates_shown": True, "decision_no": "抚文执简〔2026〕0031号",
                        "party": CITIZEN, "violation": "在禁止张贴区域张贴演出广告", "penalty": "fine", "fine": "50.00",
                        "legal_basis": "《营业性演出管理条例》第四十六条", "decided_at": T, "place": "抚顺县石文镇人民路",
                        "remedies": "可在六十日内申请行政复议，或在六个月内提起行政诉讼", "agency": "抚顺县文化市场综合行政执法队",
                        "handed_over": True, "payment": "bank",
                        "signatures": OFFICER_SIGS + [{"signer": "赵六", "capacity": "party", "signed": True, "signed_at": T}]},
    "fine_collection": {"amount": "50.00", "receipt_no": "辽财罚字 No.0012345", "collected_at": T,
                        "handed_in_at": "2026-03-03T09:00:00+08:00",
                        "signatures": [OFFICER_SIGS[0], {"signer": "赵六", "capacity": "party", "signed": True, "signed_at": T}]},
    "simple_filing": {"decision_no": "抚文执简〔2026〕0031号", "filed_to": "抚顺县文化市场综合行政执法队法制科",
                      "filed_at": "2026-03-03T09:00:00+08:00", "contents": "当场处罚决定书副本、现场照片"},
    "enforcement_reminder": {"decision_document": "行政处罚决定书 抚文执罚〔2026〕12号", "party": PARTY,
                             "obligation": "缴纳罚款人民币一万元", "period_ends_at": "2026-03-20T17:00:00+08:00",
                             "manner": "到指定银行缴纳", "sum_due": "10000.00", "payment_method": "到中国工商银行抚顺县支行缴纳",
                             "rights_stated": True, "issued_at": T},
    "reminder_response": {"checked_at": "2026-03-23T10:00:00+08:00", "performed": "none", "statement_made": True,
                          "statement": "当事人称经营困难，无力缴纳。", "review": "当事人未提交证据证明确有困难。", "adopted": "no",
                          "adoption_reason": "未提供证据，且未申请延期或分期缴纳。", "justified": False},
    "enforcement_route": {"route": "self", "power_basis": "《中华人民共和国行政处罚法》第七十二条第一款第一项",
                          "reasons": "当事人到期不缴纳罚款，依法加处罚款"},
    "enforcement_decision": {"party": PARTY, "reasons_and_basis": "经催告仍不缴纳罚款，依据行政处罚法第七十二条加处罚款",
                             "method": "surcharge", "scheduled_at": "2026-03-25T09:00:00+08:00",
                             "remedies": "可在六十日内申请行政复议，或在六个月内提起行政诉讼", "agency": "抚顺县文化市场综合行政执法队",
                             "document_no": "抚文执强〔2026〕1号", "decided_at": "2026-03-24T10:00:00+08:00"},
    "surcharge_record": {"principal": "10000.00", "daily_rate": "3.00", "days": "10", "surcharge": "3000.00",
                         "standard_notified": True},
    "deposit_transfer": {"bank": "中国工商银行抚顺县支行", "account": "0707 0000 0000 1234", "sum_transferred": "10000.00",
                         "notice_no": "抚文执划〔2026〕1号", "transferred_at": "2026-03-26T10:00:00+08:00",
                         "treasury": "已划入财政专户"},
    "auction_record": {"items": ITEMS, "manner": "auction", "auctioneer": "抚顺市华辰拍卖有限公司", "proceeds": "3200.00",
                       "treasury": "已上缴国库", "done_at": "2026-04-10T10:00:00+08:00"},
    "restoration_record": {**_WITNESSED, "executed_at": "2026-03-26T10:00:00+08:00", "emergency": False,
                           "place": "抚顺县石文镇人民路 18 号", "course": "拆除违规设置的户外广告牌，恢复原状。"},
    "substitute_performance": {"performer": "抚顺县城建工程队", "cost_estimate": "2000.00", "decision_served": True,
                               "reminded_at": "2026-03-20T10:00:00+08:00", "executed_at": "2026-03-26T10:00:00+08:00",
                               "emergency": False, "supervisor": "张明", "course": "代为拆除违规广告牌。", "actual_cost": "1800.00",
                               "signatures": [OFFICER_SIGS[0], {"signer": "钱八（城建工程队）", "capacity": "present",
                                                                "signed": True, "signed_at": T}, PARTY_SIG]},
    "other_enforcement": {"method": "依法采取的其他强制执行方式", "legal_basis": "有关法律规定", "executed_at": T, "course": "执行完毕。"},
    "enforcement_result": {"result": "complete", "details": "当事人已缴纳罚款及加处罚款。", "ended_at": "2026-03-27T10:00:00+08:00"},
    "court_application": {"court": "抚顺县人民法院", "applied_at": "2026-03-20T10:00:00+08:00",
                          "materials": ["application", "decision", "opinions", "object"],
                          "signatures": [{"signer": "刘伟", "capacity": "approver", "signed": True, "signed_at": T}]},
    "court_result": {"accepted_at": "2026-03-23T10:00:00+08:00", "ruling": "enforce", "ruling_no": "（2026）辽0421行审12号",
                     "result": "法院已强制执行完毕。", "ended_at": "2026-04-20T10:00:00+08:00"},
    "complaint_record": {"received_at": T, "channel": "phone", "named": True, "complainant": "周九", "contact": "13800000000",
                         "reported_party": "抚顺县星光网吧", "content": "反映该网吧夜间接纳未成年人上网。"},
    "complaint_review": {"findings": "经现场核查，情况属实。", "pursue": True, "procedure": "general",
                         "reasons": "涉嫌违反《互联网上网服务营业场所管理条例》第二十一条"},
    "complaint_notice": {"complainant": "周九", "notice_text": "经核查未发现违法行为，不予立案。", "manner": "letter",
                         "notified_at": "2026-03-05T10:00:00+08:00", "written_record": "已邮寄不予立案告知书，留存底稿。"},
    "license_application": {"applicant": "抚顺县新星文化传媒有限公司", "matter": "营业性演出许可证",
                            "channel": "counter", "materials": ["申请书", "营业执照复印件", "演出场所证明"], "received_at": T},
    "intake_decision": {"outcome": "accept", "reasons": "申请材料齐全、符合法定形式。", "voucher_no": "抚文许受〔2026〕8号",
                        "voucher_sealed_and_dated": True, "decided_at": T},
    "onspot_correction": {"corrections": [{"item": "申请书中法定代表人姓名笔误", "corrector": "吴十",
                                           "signed": True, "corrected_at": T}], "complete_after": True},
    "supplement_notice": {"items": ["演出场所消防验收证明", "演员名单及身份证明"], "once": True, "manner": "on_spot",
                          "notified_at": T, "materials_returned": True,
                          "receipt": [{"signer": "吴十", "capacity": "party", "signed": True, "signed_at": T}]},
    "supplement_submission": {"outcome": "resubmitted", "items": ["演出场所消防验收证明", "演员名单及身份证明"],
                              "received_at": "2026-03-04T10:00:00+08:00"},
    "license_referral": {"refer_to": "抚顺县市场监督管理局", "notified_at": T, "reasons": "申请事项不属于本机关职权范围。"},
    "onsite_verification": {"officers": OFFICERS, "place": "抚顺县新星剧场", "verified_at": T, "findings": "场所与申请材料一致。",
                            "recording": "av", "files": [],
                            "signatures": OFFICER_SIGS + [{"signer": "吴十", "capacity": "present", "signed": True, "signed_at": T}]},
})

# --- issue 3: 行政检查, 行政强制措施, 证据先行登记保存 decision, 听证 notice ------------------------------
OFFICER_SIG = OFFICER_SIGS[:1]
PAYLOADS.update({
    "inspection_check": {**_WITNESSED, "place": "抚顺县石文镇人民路 18 号星光网吧", "started_at": T,
                         "ended_at": "2026-03-02T10:40:00+08:00", "party_present": True,
                         "findings": "营业场所设置电脑 120 台，正在营业。", "inspected": PARTY,
                         "basic_situation": "网吧，持有网络文化经营许可证，负责人王五。",
                         "site_conditions": "现场有上网人员 35 人，未见未成年人；身份核验设备未开启。",
                         "results": "未落实上网消费者身份核验制度。", "outcome": "no_issue"},
    "correction_order": {"signatures": OFFICER_SIG, "document_no": "抚文执改〔2026〕3号",
                         "problems": "未落实上网消费者身份核验制度", "legal_basis": "《互联网上网服务营业场所管理条例》第二十三条",
                         "requirements": "开启并使用身份核验设备，登记上网消费者身份信息",
                         "correct_by": "2026-03-16T17:00:00+08:00", "issued_at": T},
    "coercive_request": {"measure": "seize", "legal_basis": "《互联网上网服务营业场所管理条例》第二十九条",
                         "reasons": "涉案电脑主机可能被转移", "target": "涉案电脑主机两台", "emergency": False},
    "coercive_record": {**_WITNESSED, "measure": "seize", "place": "抚顺县石文镇人民路 18 号星光网吧", "started_at": T,
                        "party_present": True, "notified": "当场告知扣押的理由、依据以及陈述、申辩、复议、诉讼的权利",
                        "statement": "当事人表示无异议。"},
    "coercive_decision": {"signatures": OFFICER_SIG + [PARTY_SIG], "document_no": "抚文执扣〔2026〕1号",
                          "measure": "seize", "party": PARTY, "reasons": "涉嫌违法经营，依据条例第二十九条扣押",
                          "items": ITEMS, "period_days": 30,
                          "remedies": "可在六十日内申请行政复议或者六个月内提起行政诉讼", "decided_at": T,
                          "delivered_on_spot": True},
    "coercive_report": {"reported_to": "刘伟", "reported_at": "2026-03-02T15:00:00+08:00", "started_at": T,
                        "content": "当场扣押电脑主机两台，报请补办批准手续。"},
    "coercive_extension": {"started_at": T, "original_ends_at": "2026-04-01T10:00:00+08:00",
                           "extended_ends_at": "2026-05-01T10:00:00+08:00", "reasons": "需等待检验结果，情况复杂",
                           "notified_in_writing": True},
    "coercive_outcome": {"outcome": "release", "details": "经查明与违法行为无关，解除扣押，退还财物。",
                         "document_no": "抚文执解〔2026〕1号", "items_returned": True, "decided_at": "2026-03-20T10:00:00+08:00"},
    "preservation_decision": {"signatures": OFFICER_SIG, "preserved_at": T, "decided_at": "2026-03-09T10:00:00+08:00",
                              "measure": "release", "details": "经核查，解除先行登记保存，退还物品。",
                              "document_no": "抚文执保处〔2026〕1号"},
    "hearing_arrangement": {"party": PARTY, "held_at": "2026-03-16T09:00:00+08:00", "place": "执法队听证室", "public": True,
                            "chair": "赵静", "recorder": "孙丽", "investigators": ["张明", "李强"],
                            "notice_served_at": "2026-03-05T10:00:00+08:00"},
})

# --- issue 17: 询问通知书 and 听证报告 ---------------------------------------------------------------------------
PAYLOADS.update({
    "inquiry_summons": {"person": PARTY, "capacity": "party", "issued_at": T,
                        "attend_at": "2026-03-03T09:00:00+08:00", "place": "抚顺县文化市场综合行政执法队询问室",
                        "materials": ["营业执照副本", "法定代表人身份证件", "2026年3月1日上网登记记录"],
                        "officers": OFFICERS, "contact": "张明 024-5550001"},
    "hearing_report": {"investigators_case": "调查人员认为当事人接纳三名未成年人上网，证据为询问笔录、现场检查笔录和录像，拟警告并罚款一万元。",
                       "party_case": "当事人称当晚身份核验设备故障，并非故意接纳未成年人。",
                       "disputes": "设备故障能否免除当事人核验上网消费者身份的义务。",
                       "findings": "违法事实清楚，证据确凿；设备故障不能免除核验义务。",
                       "recommendation": "建议维持拟作出的处罚：警告，罚款人民币一万元。",
                       "reported_at": "2026-03-17T10:00:00+08:00",
                       "signatures": [{"signer": "赵静", "capacity": "chair", "signed": True,
                                       "signed_at": "2026-03-17T10:00:00+08:00"}]},
})

# --- issue 17: the other 文书 of 调查取证 (电子数据提取笔录, 鉴定委托书及结果告知书, 协助调查函, 限期提供材料通知书) -----
#: the SHA-256 of the sample extracted file (a walk uploads ``EXTRACTED_BYTES`` first, so the store holds it)
EXTRACTED_BYTES = "上机时间,机号,证件号码\n2026-03-01 21:03,13,2104211**********\n".encode()
EXTRACTED_SHA = hashlib.sha256(EXTRACTED_BYTES).hexdigest()
PAYLOADS.update({
    "electronic_data": {**_WITNESSED, "holder": PARTY, "source": "上网管理系统服务器（联想 TS80X，序列号 S4K2026001）",
                        "place": "星光网吧收银台", "started_at": T,
                        "ended_at": "2026-03-02T10:30:00+08:00",
                        "method": "持有人操作导出为 CSV 文件，复制至执法专用 U 盘，当场计算 SHA-256，全程录像",
                        "content": "3月1日20时至23时的上机登记记录（三名未成年人的上机时间、机号）",
                        "extracted": [{"name": "上机登记_20260301.csv", "sha256": EXTRACTED_SHA,
                                       "description": "3月1日20时至23时上机登记记录"}]},
    "appraisal_commission": {"form": "appraisal", "institution": "辽宁省文化市场技术鉴定中心",
                             "qualification": "司法鉴定许可证 210000001", "matters": "涉案电脑主机中的上网记录是否被删除或篡改",
                             "materials": ITEMS, "requirements": "请于十五个工作日内出具书面鉴定意见",
                             "contact": "张明 024-5550001", "commissioned_at": T},
    "appraisal_notice": {"notified_at": "2026-03-05T10:00:00+08:00"},  # the period: the profile's [documents.appraisal]
    "assistance_request": {"recipient": "抚顺县公安局石文派出所", "matters": "请协助核实三名未成年上网人员的身份信息及年龄",
                           "reply_by": "2026-03-12T17:00:00+08:00", "contact": "张明 024-5550001",
                           "attachments": ["上机登记记录摘录"], "requested_at": T},
    "materials_notice": {"materials": ["营业执照副本复印件", "网络文化经营许可证复印件", "2026年3月上机登记记录"],
                         "provide_by": "2026-03-09T17:00:00+08:00", "place": "抚顺县文化市场综合行政执法队",
                         "consequences": "逾期不提供的，本机关将依据已经查明的事实和取得的证据依法处理；拒绝、阻挠调查的，依法承担相应的法律责任。",
                         "contact": "张明 024-5550001", "notified_at": T},
})

# --- issue 17: 延期（分期）缴纳罚款, 代履行决定书, 案件移送 ----------------------------------------------------------
PAYLOADS.update({
    "payment_deferral": {"applied_at": "2026-03-10T10:00:00+08:00",
                         "reasons": "受疫情影响停业三个月，账户余额不足，已提交近三个月的银行流水",
                         "decision": "instalments", "instalments": [
                             {"due_at": "2026-04-10T17:00:00+08:00", "sum_due": "5000.00"},
                             {"due_at": "2026-05-10T17:00:00+08:00", "sum_due": "5000.00"}],
                         "opinion": "当事人确有经济困难，同意分两期缴纳。", "decided_at": "2026-03-12T10:00:00+08:00",
                         "signatures": [{"signer": "刘伟", "capacity": "approver", "signed": True,
                                         "signed_at": "2026-03-12T10:00:00+08:00"}]},
    "substitute_performance": {**PAYLOADS["substitute_performance"],
                               "decision_document": "责令限期拆除决定书 抚文执改〔2026〕3号",
                               "reasons_and_basis": "当事人逾期未拆除违规设置的户外广告牌，经催告仍不履行，该广告牌危害交通安全，"
                                                    "依据《中华人民共和国行政强制法》第五十条代履行",
                               "manner": "委托抚顺县城建工程队拆除", "scheduled_at": "2026-03-26T10:00:00+08:00",
                               "target": "抚顺县石文镇人民路 18 号门前违规设置的户外广告牌一块",
                               "decided_at": "2026-03-24T15:00:00+08:00"},
    "case_transfer": {"ground": "crime", "receiver": "抚顺县公安局",
                      "facts": "当事人未经许可擅自从事互联网上网服务经营活动，违法经营额达十五万元。",
                      "reasons": "当事人的行为涉嫌非法经营罪，依法应当追究刑事责任",
                      "items": ITEMS, "materials": ["涉嫌犯罪案件情况的调查报告", "涉案物品清单", "有关检验报告或者鉴定意见",
                                                    "询问笔录、现场检查笔录等其他有关涉嫌犯罪的材料"],
                      "copied_to": "抚顺县人民检察院", "transferred_at": "2026-03-06T10:00:00+08:00"},
})

# --- issue 17: the market set's 证据提取单, 协助辨认/鉴别通知书 and 协助扣押通知书 (查封/扣押物品移送告知书: case_transfer) ----
PAYLOADS.update({
    "evidence_extraction": {**_WITNESSED, "provider": PARTY, "place": "星光网吧收银台", "extracted_at": T,
                            "evidence": [{"name": "2026年3月上机登记簿", "source": "星光网吧收银台登记簿", "method": "复印",
                                          "quantity": "3 页"},
                                         {"name": "网络文化经营许可证", "source": "星光网吧经营场所悬挂的原件", "method": "拍照",
                                          "quantity": "1 件"}],
                            "confirmation": "以上证据由本单位提供，复印件、照片与原件核对无误"},
    "identification_request": {"recipient": "联想（北京）有限公司", "form": "authenticate", "goods": ITEMS,
                               "matters": "涉案电脑主机是否为贵公司生产，所附“联想”注册商标标识是否真实",
                               "reply_by": "2026-03-16T17:00:00+08:00", "contact": "张明 024-5550001", "notified_at": T},
    "seizure_assistance": {"recipient": "抚顺县顺达物流有限公司",
                           "matters": "停止向当事人交付上述财物，配合执法人员清点、封存并运离",
                           "contact": "张明 024-5550001", "notified_at": T},
})

# --- issue 17: the market set's 指定管辖通知书 and 案件交办通知书 (the notice received, recorded on the 立案 step) ------
PAYLOADS.update({
    "jurisdiction_notice": {"form": "assign", "issuer": "抚顺市文化市场综合行政执法支队", "number": "抚市文执交〔2026〕2号",
                            "issued_at": "2026-02-27T09:00:00+08:00", "received_at": "2026-02-28T10:00:00+08:00",
                            "matter": "星光网吧涉嫌接纳未成年人上网一案",
                            "reasons": "该案违法行为发生地在你单位辖区，由你单位办理更为便利",
                            "others": "抚顺县文化旅游和广播电视局",
                            "report_by": "2026-04-30T17:00:00+08:00",
                            "materials": ["举报登记表", "现场照片 6 张"], "received_by": "王芳"},
})

# --- issue 17: the market set's 检测/检验/检疫/鉴定期间告知书 (送达公告: public_notice) -------------------------------
PAYLOADS.update({
    "appraisal_period": {"notified_at": "2026-03-03T10:00:00+08:00", "period_from": T,
                         "expected_until": "2026-03-23T17:00:00+08:00",
                         "basis": "《市场监督管理行政处罚程序规定》第六十四条"},
})

# --- a refused or granted 延期（分期）缴纳罚款 (不予延期（分期）缴纳罚款通知书, 行政处罚法 第六十六条) ------------
def deferral_refused() -> dict[str, Any]:
    """The ``payment_deferral`` sample as the head refuses it: no period, the reason in the opinion."""
    data = payload("payment_deferral", decision="refuse",
                   opinion="当事人提交的银行流水显示其账户余额足以缴纳罚款，不属于确有经济困难的情形。")
    del data["instalments"]
    return data


def deferral_granted() -> dict[str, Any]:
    """The ``payment_deferral`` sample as a deferral of the whole fine (no instalments): whatever the fine, the simple
    procedure's 当场处罚 included (行政处罚法 第六十六条)."""
    data = payload("payment_deferral", decision="defer", deferred_until="2026-04-10T17:00:00+08:00",
                   opinion="当事人确有经济困难，同意延期缴纳。")
    del data["instalments"]
    return data



# --- issue 17 (17e): the seized goods — 委托保管书, 先行处置 (确认书 / 公告), 涉案物品处理记录 ------------------------------
PERISHABLE = [{"name": "鲜活草鱼", "specification": "每尾约 1.5 公斤", "quantity": "120 公斤"}]
PAYLOADS.update({
    "custody_entrustment": {"custodian": "抚顺县顺达仓储有限公司", "custodian_id": "91210421MA0YYYYYYL",
                            "custodian_address": "抚顺县石文镇工业园区 6 号", "custodian_contact": "赵刚 024-5550002",
                            "target": "goods", "place": "抚顺县顺达仓储有限公司 3 号库房",
                            "conditions": "妥善保管，不得使用、损毁，未经本机关书面同意不得转移、处置",
                            "kept_from": T, "kept_until": "2026-04-01T10:00:00+08:00", "party_costs": "0.00",
                            "entrusted_at": T},
    "advance_disposal": {"signatures": OFFICER_SIG + [PARTY_SIG], "form": "confirm", "reason": "perishable",
                         "situation": "现场无冷藏、增氧条件，鲜活草鱼已开始死亡", "items": PERISHABLE, "method": "sale",
                         "approved_by": "刘伟", "proceeds": "1560.00",
                         "proceeds_kept": "存入本机关指定账户，待案件处理后依法退还或者上缴", "decided_at": T,
                         "disposed_at": "2026-03-02T15:00:00+08:00"},
    "goods_handling": {**_WITNESSED, "signatures": OFFICER_SIGS + [PARTY_SIG],
                       "items": [{**ITEMS[0], "disposition": "return", "receiver": "王五（星光网吧负责人）"}],
                       "grounds": "经查明与违法行为无关，本机关决定解除扣押，退还财物", "place": "抚顺县文化市场综合行政执法队",
                       "handled_at": "2026-03-20T14:00:00+08:00"},
})


def disposal_announced() -> dict[str, Any]:
    """The ``advance_disposal`` sample as published in a 先行处置物品公告: the owner unknown, an officer signs, the
    period announced and nothing sold yet — the sale is a later version of the record, after the period
    (市场监督管理行政处罚程序规定 第四十一条第三款)."""
    data = payload("advance_disposal", form="announce", signatures=OFFICER_SIG, announced_at=T, announce_days=5,
                   announced_how="在本机关公告栏和门户网站公告")
    for after in ("proceeds", "disposed_at"):
        del data[after]
    return data


# --- issue 17 (market set item 34): 责令退款通知书 (市场监督管理行政处罚程序规定 第五十九条), offered on 陈述申辩 and 决定审批 --
PAYLOADS.update({
    "refund_order": {"legal_basis": "《价格违法行为行政处罚规定》第十六条",
                     "facts": "你（单位）于2026年1月1日至2月28日在上网服务收费中，在标价之外按每小时加收“空调费”1元，"
                              "共向上网消费者多收价款3280.50元",
                     "overcharged": "3280.50", "refund_to": "多付价款的上网消费者",
                     "refund_by": "2026-03-20T17:00:00+08:00", "announce": True,
                     "report": "退还完毕后三个工作日内将退还凭证报送本机关", "ordered_at": T},
})
