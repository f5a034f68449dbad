"""Every 文书 kind rendered from a realistic case: mandatory contents and 文号 in the text, the CJK font
embedded, party text escaped, the fast (HarfBuzz) font subsetter in use."""
from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import subprocess
import time
from collections.abc import Callable
from typing import Any

import pytest
from lxml import etree

import documents
import documents.compact_cff
from documents import DOCUMENT_KINDS, format_number
from documents.render import STYLESHEET, TEMPLATES, renderer
from handlers import profiles
from handlers.catalogue import CATALOGUE
from handlers.task_rules import split_list
from handlers.workcalendar import national
from tests.support import WORKFLOWS
from webapp.loadgen.payloads import EXTRACTED_SHA, PAYLOADS, disposal_announced, payload
from webapp.models import Agency, Case, Record
from webapp.worker import sealing

BPMN, SPIFF = "http://www.omg.org/spec/BPMN/20100524/MODEL", "http://spiffworkflow.org/bpmn/schema/1.0/core"

AGENCY = "抚顺县文化市场综合行政执法队"
CASE = {"id": 7, "title": "星光网吧接纳未成年人上网案", "party_name": "抚顺县星光网吧"}
CASE_NO = "抚县文执案〔2026〕3号"
SINGLE = [k for k in DOCUMENT_KINDS if not k.bound]  # the 电子案卷 binds the others: tests/documents/test_sealing.py

#: What the regulations require each document to state, as it must appear in the PDF's text.
MANDATORY: dict[str, list[str]] = {
    "case_filing": ["立案（程序启动）审批表", "启动原因", "日常巡查发现接纳未成年人上网", "案件来源", "检查发现", "基本案情",
                    "当事人基本情况", "91210421MA0XXXXXXK", "承办人意见", "建议立案调查", "承办机构意见", "同意立案",
                    "行政机关负责人意见", "刘伟", "2026年3月2日"],
    "inquiry_record": ["调查询问笔录", "询问时间", "2026年3月2日10时00分", "询问地点", "执法队询问室", "张明（执法证号21040001）",
                       "李强（执法证号21040002）", "执法人员已向当事人出示执法证件", "权利告知", "申请回避", "询问内容",
                       "被询问人签名", "第1页共1页", "性别：男", "年龄：42", "与本案关系：当事人的负责人", "记录人：李强",
                       "这是我们的执法证件", "以上笔录我看过（或向我宣读过），与我说的相符"],
    "inspection_record": ["现场检查（勘验）笔录", "检查（勘验）地点", "星光网吧", "当事人是否在场", "执法证号21040001",
                          "执法人员已向当事人出示执法证件", "三名未成年人正在上网", "当事人签名", "第1页共1页"],
    "sampling_record": ["抽样取证凭证", "抽样物品清单", "电脑主机", "联想M720", "2台", "执法证号21040001"],
    "evidence_collection": ["调取证据通知书及证据清单", "调取证据清单", "电脑主机", "执法证号21040002"],
    "evidence_preservation": ["证据先行登记保存通知书", "证据可能被转移", "刘伟", "先行登记保存", "七个工作日",
                              "证据先行登记保存清单", "电脑主机"],
    "prior_notice": ["行政处罚事先告知书", "违法事实", "接纳未成年人上网", "理由", "第三十一条", "警告，罚款一万元",
                     "陈述、申辩、要求听证", "五个工作日"],
    "statement_record": ["陈述申辩笔录", "陈述、申辩内容", "身份核验设备", "复核意见", "是否采纳", "不采纳", "理由不能成立",
                         "是否要求听证", "当事人签名", "第1页共1页"],
    "hearing_notice": ["行政处罚听证通知书", "2026年3月16日9时00分", "赵静", "申请回避", "2026年3月5日10时00分"],
    "hearing_record": ["行政处罚听证笔录", "听证主持人", "赵静", "本案调查人员", "张明、李强", "调查人员陈述事实", "记录人签名",
                       "第1页共1页"],
    "legal_review": ["法制审核意见书", "法制审核人员", "赵静", "审核意见", "程序合法", "建议", "审核通过"],
    "collective_discussion": ["集体讨论笔录", "主持人", "参加人员", "刘伟、王芳、赵静", "讨论意见", "讨论结论"],
    "penalty_decision": ["行政处罚决定书", "当事人", "主体资格证照名称：营业执照", "法定代表人（负责人、经营者）：王建国",
                         "抚顺县石文镇人民路18号", "违法事实和证据", "决定理由", "处罚依据",
                         "警告、罚款", "人民币壹万元整（¥10,000.00）", "履行方式和期限", "十五日内",
                         "中国工商银行抚顺县支行", "抚顺县财政局非税收入汇缴结算户", "0704 0000 0000 0000 001",
                         "申请行政复议或者提起行政诉讼的途径和期限", "60日内向抚顺县人民政府申请行政复议",
                         "6个月内依法向抚顺县人民法院提起行政诉讼", "（印章）", "2026年3月2日"],
    "onspot_decision": ["当场处罚决定书", "在禁止张贴区域张贴演出广告", "《营业性演出管理条例》第四十六条", "人民币伍拾元整（¥50.00）",
                        "2026年3月2日10时00分", "抚顺县石文镇人民路", "60日内向抚顺县人民政府申请行政复议", "执法证号21040001", "执法人员签名",
                        "当事人签名", "已当场交付当事人"],
    "correction_notice": ["责令改正通知书", "责令你（单位）改正", "2026年3月20日17时00分", "复查"],
    "service_receipt": ["送达回证", "送达文书名称", "行政处罚决定书", "文号", "抚县文执罚〔2026〕1号", "文书日期", "受送达人", "王五",
                        "送达方式", "直接送达", "送达人签名", "张明", "受送达人签名"],
    "enforcement_reminder": ["行政处罚履行催告书", "本机关作出的行政处罚决定书（抚县文执罚〔2026〕1号，2026年3月2日）已依法送达",
                             "履行义务的期限", "2026年3月20日17时00分", "履行义务的方式", "到指定银行缴纳",
                             "人民币壹万元整（¥10,000.00）", "中国工商银行抚顺县支行", "陈述和申辩"],
    "enforcement_decision": ["行政强制执行决定书", "强制执行的理由和依据", "第七十二条加处罚款", "强制执行的方式和时间",
                             "加处罚款或滞纳金", "2026年3月25日9时00分", "申请行政复议或者提起行政诉讼的途径和期限",
                             "2026年3月24日", "（印章）"],
    "closing_approval": ["结案报告", "罚款人民币壹万元整（¥10,000.00）", "案件办理情况", "案件已执行完毕", "处理结果", "已作出处罚并执行完毕", "负责人结案意见",
                         "同意结案", "刘伟"],
    "complaint_notice": ["不予立案告知书", "周九", "不予立案", "经核查未发现违法行为", "2026年3月5日10时00分"],
    "intake_decision": ["受理通知书", "抚顺县新星文化传媒有限公司", "营业性演出许可证", "予以受理", "申请材料齐全",
                        "抚文许受〔2026〕8号", "（印章）", "2026年3月2日"],
    "supplement_notice": ["补正告知书", "需要补正的全部内容", "演出场所消防验收证明", "演员名单及身份证明", "申请材料已退回"],
    "coercive_decision": ["查封（扣押）决定书", "抚顺县星光网吧", "涉嫌违法经营", "扣押财物", "期限为30日", "扣押财物清单",
                          "电脑主机", "联想M720", "2台", "本清单为抚文执封扣〔2026〕12号决定书的附件",
                          "60日内向抚顺县人民政府申请行政复议", "已当场交付当事人", "《中华人民共和国行政强制法》第二十四条",
                          "当事人签名"],
    "court_application": ["强制执行申请书", "抚顺县人民法院", "申请人", "被申请人", "行政处罚决定书", "抚县文执罚〔2026〕1号",
                          "人民币壹万元整（¥10,000.00）", "催告书送达十日后", "《中华人民共和国行政强制法》第五十三条",
                          "强制执行申请书", "负责人签名", "刘伟", "2026年3月20日"],
    "decision_approval": ["行政处罚决定审批表", "违法事实", "当事人接纳三名未成年人上网", "承办人处理意见", "警告，罚款人民币一万元",
                          "法制审核意见", "审核通过", "集体讨论意见", "同意给予警告并罚款一万元", "行政机关负责人意见",
                          "同意作出处罚决定", "刘伟"],
    "no_penalty_decision": ["不予行政处罚决定书", "抚顺县星光网吧", "91210421MA0XXXXXXK", "调查终结", "决定不予行政处罚",
                            "《中华人民共和国行政处罚法》第五十七条", "60日内向抚顺县人民政府申请行政复议"],
    "address_confirmation": ["送达地址确认书", "受送达人", "王五", "送达地址", "是否同意电子送达", "是",
                             "wangwu@xingguang.example", "到达上述电子邮箱所在系统的日期为送达日期",
                             "《中华人民共和国民事诉讼法》第九十条", "当事人签名"],
    "case_source": ["文化市场举报处理单", "来源渠道", "电话", "周九", "13800000000", "被投诉、举报对象", "夜间接纳未成年人上网",
                    "登记日期：2026年3月2日"],
    "coercive_extension": ["延长行政强制措施期限决定书", "抚顺县星光网吧", "91210421MA0XXXXXXK",
                           "2026年3月2日以查封（扣押）决定书（抚县文执封扣〔2026〕1号）", "扣押财物的行政强制措施",
                           "至2026年4月1日止", "需等待检验结果，情况复杂", "经本机关负责人批准",
                           "《中华人民共和国行政强制法》第二十五条", "延长至2026年5月1日", "电脑主机", "2台",
                           "60日内向抚顺县人民政府申请行政复议"],
    "coercive_release": ["解除行政强制措施决定书", "抚顺县星光网吧", "2026年3月2日以查封（扣押）决定书（抚县文执封扣〔2026〕1号）",
                         "扣押财物的行政强制措施", "经查明与违法行为无关", "《中华人民共和国行政强制法》第二十八条",
                         "解除扣押财物的清单",
                         "自2026年3月20日起解除该行政强制措施", "查封、扣押的财物已退还", "电脑主机", "（印章）",
                         "2026年3月20日"],
    "preservation_decision": ["证据先行登记保存处理告知书", "抚顺县星光网吧", "于2026年3月2日以证据先行登记保存通知书及清单（抚文执保〔2026〕5号）",
                              "《中华人民共和国行政处罚法》第五十六条", "七个工作日内", "处理决定：解除先行登记保存",
                              "经核查，解除先行登记保存，退还物品。", "电脑主机", "执法人员签名", "（印章）", "2026年3月9日"],
    "investigation_report": ["案件调查终结报告", "抚顺县星光网吧", "91210421MA0XXXXXXK", "案由", "星光网吧接纳未成年人上网案",
                             "案件来源", "检查发现", "立案日期", "2026年3月2日", "张明（执法证号21040001）",
                             "李强（执法证号21040002）", "违法事实", "当事人接纳三名未成年人上网", "证据材料",
                             "询问笔录、现场检查笔录、录像", "法律依据", "《互联网上网服务营业场所管理条例》第三十一条", "裁量情节",
                             "初次违法", "拟处理意见", "警告，罚款人民币一万元", "承办人：张明"],
    "av_explanation": ["工作情况说明", "未进行（或中断）音像记录的原因", "不适宜录像", "说明人", "张明", "负责人"],
    # 延期（分期）缴纳罚款, 代履行, 案件移送, 解除先行登记保存
    "payment_deferral": ["延期（分期）缴纳罚款决定书", "抚顺县星光网吧", "91210421MA0XXXXXXK",
                         "本机关于2026年3月2日作出的行政处罚决定书（抚县文执罚〔2026〕1号）",
                         "处以罚款人民币壹万元整（¥10,000.00）", "于2026年3月10日", "提出分期缴纳罚款的申请",
                         "《中华人民共和国行政处罚法》第六十六条", "分2期缴纳", "第1期", "2026年4月10日前",
                         "人民币伍仟元整（¥5,000.00）", "第2期", "2026年5月10日前", "中国工商银行抚顺县支行",
                         "（印章）", "2026年3月12日"],
    # law17: a refused deferral is told in writing (行政处罚法 第六十六条)
    "payment_deferral_refusal": ["不予延期（分期）缴纳罚款通知书", "抚顺县星光网吧", "91210421MA0XXXXXXK",
                                 "本机关于2026年3月2日作出的行政处罚决定书（抚县文执罚〔2026〕1号）",
                                 "处以罚款人民币壹万元整（¥10,000.00）", "于2026年3月10日", "提出延期（分期）缴纳罚款的申请",
                                 "当事人确有经济困难", "《中华人民共和国行政处罚法》第六十六条", "决定不予批准",
                                 "中国工商银行抚顺县支行", "百分之三加处罚款", "（印章）", "2026年3月12日"],
    "substitute_decision": ["代履行决定书", "抚顺县星光网吧", "91210421MA0XXXXXXK",
                            "行政处罚决定书（抚县文执罚〔2026〕1号，2026年3月2日）已依法送达", "代履行的理由和依据",
                            "危害交通安全", "代履行的方式和时间：委托抚顺县城建工程队拆除，2026年3月26日10时00分", "2026年3月26日10时00分",
                            "代履行的标的", "门前违规设置的户外广告牌一块", "费用预算", "人民币贰仟元整（¥2,000.00）",
                            "代履行人", "《中华人民共和国行政强制法》第五十条、第五十一条之规定", "60日内向抚顺县人民政府申请行政复议",
                            "（印章）", "2026年3月24日"],
    "case_referral": ["案件移送单", "抚顺县公安局：", "于2026年3月2日立案调查的星光网吧接纳未成年人上网案（当事人：抚顺县星光网吧）",
                      "违法经营额达十五万元", "《中华人民共和国行政处罚法》第二十二条、第二十三条之规定", "不属于本机关管辖",
                      "现移送你单位依法处理", "移送材料4项", "涉嫌犯罪案件情况的调查报告", "电脑主机", "2026年3月6日"],
    "crime_referral": ["涉嫌犯罪案件移送书", "抚顺县公安局：", "于2026年3月2日立案调查的星光网吧接纳未成年人上网案",
                       "抚顺县星光网吧（91210421MA0XXXXXXK，抚顺县石文镇人民路18号）", "涉嫌非法经营罪",
                       "《中华人民共和国行政处罚法》第二十七条", "《行政执法机关移送涉嫌犯罪案件的规定》第三条",
                       "经本机关负责人批准", "涉嫌犯罪案件情况的调查报告", "有关检验报告或者鉴定意见", "涉案物品清单",
                       "电脑主机", "（印章）", "2026年3月6日", "抄送：抚顺县人民检察院"],
    "preservation_release": ["解除先行登记保存通知书", "抚顺县星光网吧",
                             "于2026年3月2日以证据先行登记保存通知书及清单（抚文执保〔2026〕5号）",
                             "《中华人民共和国行政处罚法》第五十六条", "自2026年3月9日起解除先行登记保存", "领回下列物品",
                             "电脑主机", "联想M720", "执法人员签名", "（印章）", "2026年3月9日"],
    # issue 17: 询问通知书, 陈述申辩复核意见, 听证报告, 通用审批表
    "inquiry_summons": ["调查询问通知书", "被通知人", "抚顺县星光网吧", "91210421MA0XXXXXXK", "星光网吧接纳未成年人上网案",
                        "《中华人民共和国行政处罚法》第五十五条", "于2026年3月3日9时00分到抚顺县文化市场综合行政执法队询问室接受询问",
                        "营业执照副本", "2026年3月1日上网登记记录", "如实回答询问", "申请回避",
                        "张明（执法证号21040001）", "李强（执法证号21040002）", "张明024-5550001", "（印章）", "2026年3月2日"],
    "statement_review": ["陈述（申辩）情况审核表", "抚顺县星光网吧", "91210421MA0XXXXXXK",
                         "行政处罚事先告知书（抚县文执告〔2026〕2号，2026年3月2日）", "当事人称已安装身份核验设备但当晚故障",
                         "经核查设备故障不能免除核验义务", "是否采纳", "不采纳", "理由不能成立",
                         "不得因当事人陈述、申辩而给予更重的处罚", "《中华人民共和国行政处罚法》第四十五条", "复核人员：张明",
                         "复核日期：2026年3月2日"],
    "hearing_report": ["行政处罚听证意见书", "抚顺县星光网吧", "听证时间", "2026年3月16日9时00分", "执法队听证室（公开举行）",
                       "听证主持人", "赵静", "记录人", "孙丽", "本案调查人员", "张明、李强", "拟警告并罚款一万元",
                       "设备故障能否免除当事人核验上网消费者身份的义务", "主持人意见", "建议维持拟作出的处罚",
                       "《中华人民共和国行政处罚法》第六十五条", "听证主持人签名：赵静", "报告日期：2026年3月17日"],
    "general_approval": ["审批表", "审批事项", "作出强制执行决定", "承办人意见", "对当事人加处罚款", "经催告仍未缴纳罚款",
                         "《中华人民共和国行政处罚法》第七十二条", "承办人：张明（执法证号21040001）", "审核意见",
                         "同意承办人意见", "王芳", "负责人审批意见", "批准", "负责人：刘伟", "填表日期：2026年3月2日"],
    # issue 17: the other 文书 of 调查取证
    "electronic_data": ["电子数据提取笔录", "提取时间", "2026年3月2日10时00分", "提取地点", "星光网吧收银台",
                        "电子数据持有人", "抚顺县星光网吧", "91210421MA0XXXXXXK", "张明（执法证号21040001）",
                        "李强（执法证号21040002）", "《中华人民共和国行政处罚法》第五十五条", "电子数据来源",
                        "联想TS80X", "提取方法", "当场计算SHA-256", "提取内容", "上机登记_20260301.csv",
                        EXTRACTED_SHA, "共1个，已当场计算SHA-256校验值", "电子数据持有人签名", "第1页共1页"],
    "appraisal_commission": ["鉴定委托书", "辽宁省文化市场技术鉴定中心", "星光网吧接纳未成年人上网案", "进行鉴定",
                             "委托鉴定事项", "上网记录是否被删除或篡改", "司法鉴定许可证210000001", "十五个工作日内",
                             "送检材料（样品）清单", "电脑主机", "联想M720", "2台", "（印章）", "2026年3月2日"],
    "appraisal_notice": ["鉴定结果告知书", "抚顺县星光网吧：", "于2026年3月2日以鉴定委托书（抚县文执鉴委〔2026〕1号）",
                         "委托辽宁省文化市场技术鉴定中心", "辽宁省文化市场技术鉴定中心于2026年3月4日出具鉴定意见书",
                         "主机记录显示三名未成年人身份证号于当晚登录", "自收到本告知书之日起15日内", "书面申请重新鉴定",
                         "视为对该结果无异议", "2026年3月5日"],
    "assistance_request": ["协助调查函", "抚顺县公安局石文派出所：", "星光网吧接纳未成年人上网案",
                           "《中华人民共和国行政处罚法》第二十六条", "2026年3月12日17时00分前", "请求协助调查的事项",
                           "核实三名未成年上网人员的身份信息", "张明024-5550001", "上机登记记录摘录", "2026年3月2日"],
    "materials_notice": ["限期提供材料通知书", "抚顺县星光网吧：", "《中华人民共和国行政处罚法》第五十五条",
                         "2026年3月9日17时00分前", "营业执照副本复印件", "网络文化经营许可证复印件", "逾期不提供的，",
                         "依据已经查明的事实和取得的证据依法处理", "（印章）", "2026年3月2日"],
    # issue 17: the market set's items 1–20 (证据提取单, 协助辨认/鉴别通知书, 协助扣押通知书, 查封/扣押物品移送告知书)
    "evidence_extraction": ["证据提取单", "证据提供人：抚顺县星光网吧", "91210421MA0XXXXXXK", "提取时间：2026年3月2日10时00分",
                            "提取地点：星光网吧收银台", "张明（执法证号21040001）", "《中华人民共和国行政处罚法》第五十五条",
                            "共2项", "证据名称", "证据来源", "提取方式", "页数或件数", "2026年3月上机登记",
                            "星光网吧收银台登记簿", "复印", "3页", "网络文化经营许可证", "拍照", "1件",
                            "证据提供人核对意见：以上证据由本单位提供，复印件、照片与原件核对无误", "当事人签名：王五",
                            "证据提供人签名", "第1页共1页"],
    "identification_request": ["协助辨认/鉴别通知书", "联想（北京）有限公司：", "星光网吧接纳未成年人上网案",
                               "需要你（单位）协助鉴别", "《中华人民共和国行政处罚法》第五十五条",
                               "于2026年3月16日17时00分前将鉴别结果书面回复本机关", "需鉴别的事项：涉案电脑主机是否为贵公司生产",
                               "需鉴别的物品", "电脑主机", "联想M720", "2台", "（印章）", "2026年3月2日"],
    "seizure_assistance": ["协助扣押通知书", "抚顺县顺达物流有限公司：", "于2026年3月2日以查封（扣押）决定书（抚县文执封扣〔2026〕1号）",
                           "《中华人民共和国行政强制法》第二十四条", "决定对当事人抚顺县星光网吧的下列财物采取扣押财物的行政强制措施",
                           "协助事项：停止向当事人交付上述财物", "需协助扣押的财物", "电脑主机", "2台", "不得转移、处分上述财物",
                           "（印章）", "2026年3月2日"],
    "seized_goods_transfer": ["查封/扣押物品移送告知书", "当事人：抚顺县星光网吧", "91210421MA0XXXXXXK",
                              "于2026年3月2日以查封（扣押）决定书（抚县文执封扣〔2026〕1号）查封（扣押）的你（单位）的下列物品",
                              "因当事人的行为涉嫌非法经营罪", "《中华人民共和国行政处罚法》第二十七条",
                              "已于2026年3月6日随案移送抚顺县公安局", "移送物品清单", "电脑主机", "联想M720", "2台",
                              "（印章）", "2026年3月6日"],
    # issue 17: the market set's items 2–3, the notice a higher agency issued, as the receiving agency filed it
    "designation_notice": ["指定管辖通知书", "抚顺市文化市场综合行政执法支队", "抚市文执交〔2026〕2号", f"{AGENCY}：",
                           "关于星光网吧涉嫌接纳未成年人上网一案（当事人：抚顺县星光网吧）",
                           "《中华人民共和国行政处罚法》第二十五条", "现指定你单位管辖", "案件材料2项：举报登记表",
                           "2026年2月27日", "抄送：抚顺县文化旅游和广播电视局",
                           "收文登记：本机关于2026年2月28日10时00分收到本通知书，收文人：王芳", f"本案案号：{CASE_NO}"],
    "assignment_notice": ["案件交办通知书", "抚顺市文化市场综合行政执法支队", "抚市文执交〔2026〕2号", f"{AGENCY}：",
                          "现将星光网吧涉嫌接纳未成年人上网一案（当事人：抚顺县星光网吧）交由你单位办理",
                          "由你单位办理更为便利", "并于2026年4月30日17时00分前将查处结果报送本机关", "2026年2月27日",
                          "收文登记：本机关于2026年2月28日10时00分收到本通知书", f"本案案号：{CASE_NO}"],
    # issue 17: the market set's items 31 and 51
    "appraisal_period": ["鉴定期间告知书", "抚顺县星光网吧：", "于2026年3月2日以鉴定委托书（抚县文执鉴委〔2026〕1号）",
                         "委托辽宁省文化市场技术鉴定中心", "鉴定期间自2026年3月2日10时00分起，预计至2026年3月23日17时00分止",
                         "《中华人民共和国行政处罚法》第六十条", "《市场监督管理行政处罚程序规定》第六十四条",
                         "鉴定期间不计入行政处罚案件办理期限", "2026年3月3日"],
    "case_examination": ["案件审核表", "案由", "星光网吧接纳未成年人上网案", "当事人", "抚顺县星光网吧", "审核意见",
                         "事实清楚，证据确凿。", "是否重大、复杂案件", "否", "审核人签名：王芳", f"案号：{CASE_NO}",
                         "2026年3月2日"],
    "service_announcement": ["送达公告", "王五：", "作出的行政处罚决定书（抚县文执罚〔2026〕1号，2026年3月2日）",
                             "因采用其他方式均无法送达（三次上门无人，邮寄被退回，经社区核实当事人已搬离且去向不明）",
                             "《中华人民共和国民事诉讼法》第九十五条", "自本公告发出之日起经过三十日，即视为送达",
                             "公告方式：登报并张贴公告（抚顺日报及本队公告栏）", "视为送达日期：2026年4月6日", "2026年3月2日"],
    # issue 17 (17e): the 查封/扣押's other papers (market items 25–28, 52; the culture set's 查封（扣押）处理告知书)
    "seal_strip": ["封条", "本页封条1张，用于查封（扣押）决定书（抚县文执封扣〔2026〕1号）所列", "沿虚线剪下", AGENCY, "封",
                   "2026年3月2日", f"编号：{CASE_NO}·封1-1", "电脑主机（联想M720）", "2台", "（印章）"],
    "custody_entrustment": ["委托保管书", "抚顺县顺达仓储有限公司：", "于2026年3月2日以查封（扣押）决定书（抚县文执封扣〔2026〕1号）",
                            "对当事人抚顺县星光网吧的下列财物", "《中华人民共和国行政强制法》第二十六条", "现委托你（单位）保管",
                            "证件号码：91210421MA0YYYYYYL", "保管地点：抚顺县顺达仓储有限公司3号库房",
                            "保管期限：自2026年3月2日10时00分起至2026年4月1日10时00分止", "电脑主机", "2台",
                            "不得损毁或者擅自转移、处置", "因查封发生的保管费用由本机关承担", "受委托保管人（签名或者盖章）",
                            "（印章）", "2026年3月2日"],
    "disposal_confirmation": ["先行处置物品确认书", "当事人：抚顺县星光网吧", "于2026年3月2日以查封（扣押）决定书（抚县文执封扣〔2026〕1号）",
                              "属于鲜活物品或者容易腐烂、变质的物品", "经本机关负责人刘伟批准，拟以变卖方式先行处置", "鲜活草鱼",
                              "120公斤", "变卖所得款项人民币壹仟伍佰陆拾元整（¥1,560.00）", "《中华人民共和国行政强制法》第二十八条",
                              "解除查封、扣押的，本机关退还变卖所得款项", "本人（单位）同意对上述物品先行处置",
                              "当事人签名：王五（星光网吧负责人）"],
    "disposal_announcement": ["先行处置物品公告", "于2026年3月2日以查封（扣押）决定书（抚县文执封扣〔2026〕1号）",
                              "因其权利人不明确，经本机关负责人刘伟批准，拟对上述物品以变卖方式先行处置，现予公告", "鲜活草鱼",
                              "自本公告发布之日起5日内", "公告期满后仍没有权利人同意或者申请的，本机关将依法以变卖方式先行处置",
                              "《中华人民共和国行政强制法》第二十八条", "解除查封、扣押的，本机关退还变卖所得款项",
                              "公告发布时间：2026年3月2日10时00分", "公告期限：5日", "公告方式：在本机关公告栏和门户网站公告",
                              "特此公告", "（印章）", "2026年3月2日"],
    "goods_handling": ["涉案物品处理记录", "当事人：抚顺县星光网吧", "查封、扣押决定：查封（扣押）决定书（抚县文执封扣〔2026〕1号，2026年3月2日）",
                       "处理依据：经查明与违法行为无关，本机关决定解除扣押，退还财物", "处理时间：2026年3月20日14时00分",
                       "张明（执法证号21040001）", "电脑主机", "退还当事人", "接收人：王五（星光网吧负责人）",
                       "当事人签名：王五（星光网吧负责人）"],
    "coercive_disposal": ["查封（扣押）处理告知书", "当事人：抚顺县星光网吧", "于2026年3月2日以查封（扣押）决定书（抚县文执封扣〔2026〕1号）",
                          "电脑主机", "《中华人民共和国行政强制法》第二十七条", "本机关已于2026年3月20日依法作出处理",
                          "申请行政复议", "（印章）", "2026年3月20日"],
    # issue 17 (market set item 34): 责令退款通知书 — the sum in figures and 大写, the substantive article as recorded
    "refund_order": ["责令退款通知书", "当事人：抚顺县星光网吧", "91210421MA0XXXXXXK", "共向上网消费者多收价款3280.50元",
                     "依据《价格违法行为行政处罚规定》第十六条",
                     "于2026年3月20日17时00分前向多付价款的上网消费者退还多收价款人民币叁仟贰佰捌拾元零伍角（¥3,280.50）",
                     "难以查找多付价款的消费者或者其他经营者的，你（单位）应当公告查找",
                     "退还完毕后三个工作日内将退还凭证报送本机关", "（印章）", "2026年3月2日"],
}

SOURCE_CHANGES: dict[str, dict[str, Any]] = {
    "performance_record": {"correction_ordered": True, "correction_due": "2026-03-20T17:00:00+08:00",
                           "details": "当事人未落实未成年人身份核验制度。"},
}


#: the kinds made from another form of their source record than its sample (the 公告 from the record as announced)
KIND_SOURCES: dict[str, dict[str, Callable[[], dict[str, Any]]]] = {
    "disposal_announcement": {"advance_disposal": disposal_announced},
}


def snapshot(code: str, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """The agency snapshot of a shipped profile, less the rules ``drop`` names."""
    flat = profiles.load(code).agency_profile(national())
    return {**flat, "rules": [r for r in flat["rules"] if r["id"] not in drop]}


@functools.cache
def makers() -> dict[str, str]:
    """Record kind → the first task of the shipped diagrams that makes it (a 文书's source record names its step)."""
    out: dict[str, str] = {}
    for path in sorted((WORKFLOWS / "base").glob("*.bpmn")):
        for task in etree.parse(str(path)).iter(f"{{{BPMN}}}userTask"):
            props = {p.get("name"): p.get("value") for p in task.iter(f"{{{SPIFF}}}property")}
            for code in split_list(props.get("records")):
                out.setdefault(code, str(task.get("id")))
    return out


def context_for(kind: documents.DocumentKind, n: int = 12, party: dict[str, Any] | None = None,
                profile: str = "fushun-culture", name: str = AGENCY, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """What webapp.worker.sealing gives a template (its own ``context``), built from the realistic payloads of
    webapp/loadgen/payloads.py for an agency on the shipped ``profile``; the 回证 serves an issued 决定书."""
    changes = {k: dict(v) for k, v in SOURCE_CHANGES.items()}
    if party is not None:
        changes["penalty_decision"] = {"party": party}
    made = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
    records = {k: Record(kind=k, payload=payload(k, **changes.get(k, {})), created_at=made, task_name=makers().get(k))
               for k in PAYLOADS}
    for code, made_from in KIND_SOURCES.get(kind.code, {}).items():
        records[code] = Record(kind=code, payload=made_from(), created_at=made, task_name=makers().get(code))
    agency = Agency(name=name, profile=snapshot(profile, drop))
    number = (format_number("抚文执", kind.series, 2026, n) if kind.numbered
              else f"{CASE_NO}{sealing.CASE_NO_SEPARATOR}{kind.series}1")
    served = {"id": 1, "title": "行政处罚决定书", "number": "抚县文执罚〔2026〕1号", "date": "2026年3月2日"}
    return sealing.context(kind, agency, Case(id=7, title=CASE["title"], party_name=CASE["party_name"]), records,
                           number, dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), "现场检查（勘验）",
                           case_no=CASE_NO, served=served if kind.code in SERVING else None,
                           issued=ISSUED.get(kind.quotes, served) if kind.quotes else None)


#: the kinds that print the 文书 they serve, as issued (the 回证; the 公告 through its service plan)
SERVING = ("service_receipt", "service_announcement")

#: the sealed 文书 a kind quotes, as the case's documents table holds it (``references.of_kind``)
ISSUED = {"prior_notice": {"id": 4, "title": "行政处罚事先告知书", "number": "抚县文执告〔2026〕2号", "date": "2026年3月2日"},
          "coercive_decision": {"id": 2, "title": "查封（扣押）决定书", "number": "抚县文执封扣〔2026〕1号", "date": "2026年3月2日"},
          "evidence_preservation": {"id": 3, "title": "证据先行登记保存通知书及清单", "number": "抚文执保〔2026〕5号",
                                    "date": "2026年3月2日"},
          "appraisal_commission": {"id": 5, "title": "鉴定委托书", "number": "抚县文执鉴委〔2026〕1号", "date": "2026年3月2日"}}


def pdf_text(pdf: bytes, tmp_path, layout: bool = False) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def embedded_fonts(pdf: bytes, tmp_path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def test_every_kind_has_a_template_mandatory_contents_and_known_record_kinds():
    assert set(MANDATORY) == {k.code for k in SINGLE}
    table = (TEMPLATES.parent / "README.md").read_text()
    assert all(f"| `{k.code}` | `templates/{k.template}` |" in table for k in DOCUMENT_KINDS)  # documents/README.md
    approved = {k.code for k in documents.made_on({"decision_approval"}, {"decision_approval": {"decision": "approve"}})}
    refused = {k.code for k in documents.made_on({"decision_approval"}, {"decision_approval": {"decision": "no_penalty"}})}
    assert approved == {"decision_approval"} and refused == {"no_penalty_decision"}  # 行政处罚法 第五十七条（二）
    seized = documents.made_on({"coercive_decision"}, {"coercive_decision": {"measure": "seize"}})
    assert [k.code for k in seized] == ["coercive_decision"]
    assert not documents.made_on({"coercive_decision"}, {"coercive_decision": {"measure": "freeze"}})
    for k in DOCUMENT_KINDS:
        assert (TEMPLATES / k.template).is_file(), k.code
        for record_kind in (k.source, k.trigger, *k.uses):
            assert record_kind in CATALOGUE, f"{k.code}: record kind {record_kind} not in the catalogue"


@pytest.mark.parametrize("kind", SINGLE, ids=lambda k: k.code)
def test_each_document_states_what_the_regulations_require(kind, tmp_path):
    pdf = documents.render(kind.template, context_for(kind))
    assert pdf.startswith(b"%PDF")
    text = squeeze(pdf_text(pdf, tmp_path))
    if kind.numbered:  # a 文号 of its own only where the official formats give one; the others carry the 案号
        assert f"抚文执{kind.series}〔2026〕12号" in text and "案号" not in text
    else:
        assert f"案号：{CASE_NO}" in text and "〔2026〕12号" not in text
    assert squeeze(AGENCY) in text
    missing = [m for m in MANDATORY[kind.code] if squeeze(m) not in text]
    assert not missing, f"{kind.code} lacks {missing}"
    if kind.quotes:  # the issued document, never the 文号 typed into the record (抚文执罚〔2026〕12号 in the samples)
        assert "抚文执罚〔2026〕12号" not in text
    assert "\ufffd" not in text and "□" not in text
    fonts = embedded_fonts(pdf, tmp_path)
    cjk = [f for f in fonts if "CJK-SC" in f[0]]
    assert cjk and all(f[-5] == "yes" for f in cjk), fonts  # column "emb"
    assert {f[0].split("+", 1)[1] for f in fonts} <= {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC-Bold", "Noto-Sans-CJK-SC"}


def test_a_long_record_numbers_every_page_and_repeats_the_signature_line(tmp_path):
    kind = documents.kind("inquiry_record")
    ctx = context_for(kind)
    qa = "\n".join(f"问：第{i}个问题，请说明当晚核验身份证件的经过？\n答：当晚设备故障，未能逐一核验，我们已经登记。" for i in range(60))
    ctx["doc"] = {**ctx["doc"], "content": qa}
    pdf = documents.render(kind.template, ctx)
    pages = [squeeze(p) for p in pdf_text(pdf, tmp_path).split("\f") if p.strip()]
    assert len(pages) >= 3
    for i, page in enumerate(pages, 1):
        assert f"第{i}页共{len(pages)}页" in page
        assert "被询问人签名" in page and "执法人员签名" in page


def test_party_text_is_escaped_not_markup(tmp_path):
    kind = documents.kind("penalty_decision")
    hostile = {**payload("penalty_decision")["party"], "name": "坏人<script>alert(1)</script></td><b>粗</b>"}
    ctx = context_for(kind, party=hostile)
    html = renderer().html(kind.template, ctx)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;/td&gt;" in html
    text = squeeze(pdf_text(documents.render(kind.template, ctx), tmp_path))
    assert "坏人<script>alert(1)</script></td><b>粗</b>" in text


def test_stylesheet_is_a_file_and_templates_hold_no_style(tmp_path):
    css = STYLESHEET.read_text()
    assert '"Noto Serif CJK SC"' in css and '"Noto Sans CJK SC"' in css and "size: A4" in css
    for template in TEMPLATES.glob("*.html"):
        assert "<style" not in template.read_text() and "style=" not in template.read_text(), template.name
    assert 'lang="zh-CN"' in (TEMPLATES / "base.html").read_text()


def test_fonts_are_subset_by_harfbuzz_not_fonttools(caplog):
    """Without libharfbuzz-subset0 WeasyPrint subsets the CJK fonts with fontTools: seconds per document."""
    assert documents.subsetter() == "harfbuzz"
    kind = documents.kind("penalty_decision")
    documents.render(kind.template, context_for(kind))
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        started = time.process_time()  # CPU time: not inflated by other load on a shared machine
        documents.render(kind.template, context_for(kind, n=13))
        elapsed = time.process_time() - started
    assert not [r for r in caplog.records if "fontTools" in r.getMessage()]
    assert elapsed < 2.0, f"one page took {elapsed:.1f} s of CPU: the fontTools subsetter takes ~9 s"


def test_the_slow_subsetter_is_refused(monkeypatch):
    import weasyprint.text.ffi as ffi

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    assert documents.subsetter() == "fonttools"
    kind = documents.kind("penalty_decision")
    with pytest.raises(documents.SlowFontSubsetting):
        documents.render(kind.template, context_for(kind))


def test_a_one_page_decision_is_small_and_draws_the_same_as_uncompacted(tmp_path, monkeypatch):
    """documents.compact_cff empties unused glyphs; the page must look exactly as with WeasyPrint's own fonts."""
    import sys

    kind = documents.kind("penalty_decision")
    compact = documents.render(kind.template, context_for(kind))
    assert len(compact) < 150_000, len(compact)
    monkeypatch.setattr(sys.modules["documents.render"], "compact_font", lambda font: font)
    plain = documents.render(kind.template, context_for(kind))
    assert len(plain) > len(compact) + 100_000
    pngs = []
    for name, pdf in (("compact", compact), ("plain", plain)):
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / f"{name}.pdf"),
                        str(tmp_path / name)], check=True, capture_output=True)
        pngs.append(next(tmp_path.glob(f"{name}*.png")).read_bytes())
    assert pngs[0] == pngs[1]


def test_fonts_are_subset_in_one_pass_to_the_bytes_weasyprints_two_passes_make():
    """documents.font_subset: one HarfBuzz pass from a face prepared once per process makes exactly the font that
    WeasyPrint's two passes make — where the first pass ends at the last used glyph, and where the glyph closure kept
    one past it (the 行政处罚决定书 here) and the second pass runs."""
    from weasyprint.pdf import fonts
    from weasyprint.text.ffi import harfbuzz

    renderer()
    ours = fonts.Font._harfbuzz_subset
    assert getattr(ours, "liuhen_once", False), "documents.font_subset is not installed"
    paths: set[str] = set()

    def both(font: Any, to_unicode: dict[int, Any], hinting: bool) -> None:
        ours(font, to_unicode, hinting)
        one = font.file_content
        font.file_content = b""
        ours.weasyprint(font, to_unicode, hinting)
        assert one == font.file_content
        full = harfbuzz.hb_face_get_glyph_count(font.hb_face)
        paths.add("past the last" if full and _first_pass_glyphs(font, to_unicode) > max(to_unicode) + 1 else "one pass")

    fonts.Font._harfbuzz_subset = both
    try:
        for code in ("penalty_decision", "inquiry_record", "case_filing"):
            kind = documents.kind(code)
            documents.render(kind.template, context_for(kind))
    finally:
        fonts.Font._harfbuzz_subset = ours
    assert paths == {"one pass", "past the last"}


def _first_pass_glyphs(font: Any, to_unicode: dict[int, Any]) -> int:
    """How many glyphs WeasyPrint's first pass keeps (``RETAIN_GIDS``: up to the highest id the closure kept)."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    from documents.font_subset import _subset

    flags = harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    return int(harfbuzz.hb_face_get_glyph_count(_subset(font.hb_face, sorted(to_unicode), flags)))


def test_footers_cite_the_agencys_own_regulation_by_title_and_no_other_countys():
    """《抚顺县…》第七条 on Fushun's 立案审批表, never lishui-city's article; changli's 30-day archive period
    (changli-market 第十九条) on its 结案审批表, not Fushun's sixty days."""
    filing = renderer().html("case_filing.html", context_for(documents.kind("case_filing")))
    assert "《抚顺县文化市场综合执法全过程记录实施办法》第七条" in filing and "lishui" not in filing and "丽水" not in filing
    # the 依据 line is the rules' that govern the step (立案), not a list in the template: without its rule, no 第七条
    bare = renderer().html("case_filing.html", context_for(documents.kind("case_filing"), drop=("rec-7-case-filing",)))
    assert "第七条" not in bare and "依据：" not in bare
    changli = context_for(documents.kind("closing_approval"), profile="changli-market", name="昌黎县市场监督管理局")
    closing = renderer().html("closing_approval.html", changli)
    assert "30日内" in closing and "《昌黎县市场监管局行政执法全过程记录实施办法》第十九条" in closing
    assert "六十日" not in closing and "fushun" not in closing


CODE = re.compile(r"[a-z]+-[a-z]+")


@pytest.mark.parametrize("code,name", [("fushun-culture", AGENCY), ("changli-market", "昌黎县市场监督管理局")])
def test_no_paper_prints_an_internal_code_or_another_agencys_regulation(code, name, tmp_path):
    """Every kind rendered for two agencies: no ``fushun-culture``-style code, no other profile's regulation or
    court on any page; the agency's own remedies (复议机关, 人民法院) and bank on its 决定书."""
    shipped = profiles.load_all()
    foreign = [t for c, p in shipped.items() if c != code
               for t in (p.data["regulation"], p.data["documents"]["remedies"]["court"])]
    own = shipped[code].data["documents"]
    for kind in SINGLE:
        text = pdf_text(documents.render(kind.template, context_for(kind, profile=code, name=name)), tmp_path)
        flat = squeeze(text)
        assert not CODE.search(text), (kind.code, CODE.findall(text))
        assert not [t for t in foreign if squeeze(t) in flat], (kind.code, [t for t in foreign if squeeze(t) in flat])
        if kind.code == "penalty_decision":
            assert squeeze(own["remedies"]["court"]) in flat and squeeze(own["payment"]["account"]) in flat


@pytest.mark.article("lishui-city", 8)
def test_the_start_form_of_a_major_act_prints_the_legality_review(tmp_path):
    """lishui-city 第八条第二款: 重大行政执法行为的程序启动审批表还应载明法制机构合法性审查意见 — printed beside the
    handler's opinion when the record states it, and no empty row on an ordinary filing."""
    kind = documents.kind("case_filing")
    context = context_for(kind, profile="lishui-city", name="丽水市综合行政执法局")
    ordinary = renderer().html("case_filing.html", context)
    assert "合法性审查意见" not in ordinary
    context["doc"] = {**context["doc"], "major": True, "legality_review": "经审查，立案依据充分，程序合法。"}
    text = squeeze(pdf_text(documents.render("case_filing.html", context), tmp_path))
    assert "法制机构合法性审查意见经审查，立案依据充分，程序合法。（重大行政执法行为）" in text, text
    assert "《丽水市行政执法全过程记录实施办法》第八条" in text


@pytest.mark.parametrize("kind", [k for k in documents.DOCUMENT_KINDS  # both sets may name a kind alike (听证通知书)
                                  if dict(k.titles).get("culture") and k.title_in("culture") != k.title_in("market")],
                         ids=lambda k: k.code)
def test_each_set_titles_a_kind_as_its_fan_ben_does(kind, tmp_path):
    """文化市场综合行政执法文书格式 (culture) and 市场监督管理行政处罚文书格式范本（2021年修订版） (market) name some kinds
    otherwise (调查询问笔录 / 询问笔录, 结案报告 / 结案审批表 …): the agency's ``format_set`` chooses; the culture
    render test above checks the culture titles, this one that a market agency never gets them."""
    culture, market = kind.title_in("culture"), kind.title_in("market")
    assert culture != market
    text = pdf_text(documents.render(kind.template, context_for(kind, profile="changli-market", name="昌黎县市场监督管理局")),
                    tmp_path)
    assert market in text and culture not in text.replace(market, ""), (market, culture)


def test_the_case_file_binds_the_layouts_sealing_made_and_binding_leaves_them_as_they_were(tmp_path):
    """The worker keeps what it laid out when sealing (documents.render.Renderer._layout): the 电子案卷 binds those
    pages, drawn exactly as fresh layouts are (a PDF/A file carries its moment of making, so pages are compared, not
    bytes); a PDF/A binding does not change a kept layout (its sRGB profile went into the kept document's profiles
    and into the next PDF made of it)."""
    from documents.render import Renderer

    kept, fresh = Renderer(), Renderer()
    kinds = SINGLE[:4]
    sealed = [kept.pdf(k.template, context_for(k)) for k in kinds]
    laid = [kept.pages(k.template, context_for(k)) for k in kinds]
    assert [kept.pages(k.template, context_for(k)) for k in kinds] == laid  # the same objects: not laid out again
    attached = [("manifest.json", b"{}", "清单")]
    drawn = []
    for name, pdf in (("kept", kept.bind(laid, attached)),
                      ("fresh", fresh.bind([fresh.pages(k.template, context_for(k)) for k in kinds], attached))):
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "30", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],
                       check=True, capture_output=True)
        drawn.append([p.read_bytes() for p in sorted(tmp_path.glob(f"{name}*.png"))])
    assert len(drawn[0]) >= len(kinds) and drawn[0] == drawn[1]
    assert [kept.pdf(k.template, context_for(k)) for k in kinds] == sealed
