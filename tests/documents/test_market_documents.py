"""The market set's (市场监督管理行政处罚文书格式范本（2021年修订版）, items 1–20) 证据提取单, 协助辨认/鉴别通知书, 协助扣押通知书
and 查封/扣押物品移送告知书 (issue 17): offered records at the step where the act happens (or, for the 移送告知书, the
案件移送 record listing goods), sealed with 案号 or 文号 when the step completes, their facts read from the case
(SQLite and PostgreSQL)."""
from __future__ import annotations

import re
import subprocess

import documents
from tests.support.web_client import web
from webapp.loadgen.flows import file_case, investigate, report_to_statement
from webapp.loadgen.payloads import av_recording, payload

NUMBER = re.compile(r"^测执(\S+)〔(\d{4})〕(\d+)号$")
CASE_NUMBERED = re.compile(r"^测执案〔(\d{4})〕(\d+)号·(\S+?)(\d+)$")


def pdf_text(pdf: bytes, tmp_path) -> str:
    (tmp_path / "d.pdf").write_bytes(pdf)
    return re.sub(r"\s+", "", subprocess.run(["pdftotext", str(tmp_path / "d.pdf"), "-"], check=True,
                                             capture_output=True, text=True).stdout)


def _documents(walker, cid: int) -> dict[str, dict]:
    return {d["kind"]: d for d in walker.call("get", f"/api/cases/{cid}/documents", "officer1").get_json()}


def _text(walker, doc: dict, tmp_path) -> str:
    res = walker.call("get", doc["url"], "officer1")
    assert res.status_code == 200 and res.mimetype == "application/pdf"
    return pdf_text(res.data, tmp_path)


def test_an_extraction_slip_and_an_identification_notice_are_sealed_with_the_investigation_step(app, agency, walker,
                                                                                                tmp_path):
    """The 询问 page offers both; the 证据提取单 carries the case's 案号 and lists each item with its source, method and
    pages, confirmed by its provider; the 协助辨认/鉴别通知书 draws a 文号 of its own and names the goods and the date
    to reply."""
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": None})
    task = walker.task(cid, "t_inquiry")
    page = web(app, agency, "officer1").text(f"/cases/{cid}/tasks/{task['id']}")
    assert 'id="offered-evidence_extraction"' in page and 'id="offered-identification_request"' in page
    for kind in ("evidence_extraction", "identification_request"):
        res = walker.add(cid, task, kind, payload(kind))
        assert res.status_code == 201, (kind, res.get_json())
    late = walker.add(cid, task, "identification_request",
                      payload("identification_request", reply_by="2026-03-01T10:00:00+08:00"))
    assert late.status_code == 422 and "回复期限应晚于通知时间" in str(late.get_json()), late.get_json()
    walker.do(cid, "t_inquiry", {"inquiry_record": None})
    docs = _documents(walker, cid)
    assert CASE_NUMBERED.match(docs["evidence_extraction"]["number"]), docs["evidence_extraction"]
    assert NUMBER.match(docs["identification_request"]["number"]), docs["identification_request"]
    assert docs["identification_request"]["title"] == "协助辨认/鉴别通知书"
    slip = _text(walker, docs["evidence_extraction"], tmp_path)
    assert f"案号：{docs['evidence_extraction']['number'].split('·')[0]}" in slip
    for part in ("证据提取单", "证据提供人：抚顺县星光网吧", "星光网吧收银台登记簿", "复印", "3页", "网络文化经营许可证",
                 "证据提供人核对意见：以上证据由本单位提供", "张明（执法证号21040001）"):
        assert part in slip, part
    notice = _text(walker, docs["identification_request"], tmp_path)
    assert docs["identification_request"]["number"] in notice and "联想（北京）有限公司：" in notice
    assert "于2026年3月16日17时00分前将鉴别结果书面回复本机关" in notice and "电脑主机" in notice


def test_a_seizure_assistance_notice_quotes_the_issued_decision_of_its_step(app, agency, walker, tmp_path):
    """The 协助扣押通知书 is offered on the 查封扣押 step; stored before the case holds a 决定书 it is refused in Chinese;
    sealed with the step, it names the 决定书 by the 文号 it was issued under and lists its goods, read from the case."""
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": payload("investigation_plan", measures=["coercive"])})
    walker.do(cid, "t_coercive_request", {"coercive_request": payload("coercive_request", emergency=True)})
    task = walker.task(cid, "t_coercive_onsite")
    page = web(app, agency, "officer1").text(f"/cases/{cid}/tasks/{task['id']}")
    assert 'id="offered-seizure_assistance"' in page
    first = walker.add(cid, task, "seizure_assistance", payload("seizure_assistance"))
    body = first.get_json()
    assert first.status_code == 422 and "本案尚无“行政强制措施决定书（查封、扣押附清单）”记录" in str(body), body
    # a measure that is neither 查封 nor 扣押 issues no 决定书 a third party could be asked to help carry out
    other = walker.add(cid, task, "coercive_decision", payload("coercive_decision", measure="other"))
    assert other.status_code == 201, other.get_json()
    refused = walker.add(cid, task, "seizure_assistance", payload("seizure_assistance"))
    assert refused.status_code == 422 and "为“其他行政强制措施”（行政强制措施），不能制作协助扣押通知书（依据：《中华人民共和国行政强制法》" \
        "第二十四条）" in str(refused.get_json()), refused.get_json()
    assert walker.add(cid, task, "coercive_decision", payload("coercive_decision")).status_code == 201
    early = walker.add(cid, task, "seizure_assistance", payload("seizure_assistance", notified_at="2026-03-01T10:00:00+08:00"))
    assert early.status_code == 422 and "notified_at" in early.get_json()["fields"], early.get_json()
    assert walker.add(cid, task, "seizure_assistance", payload("seizure_assistance")).status_code == 201
    walker.do(cid, "t_coercive_onsite", {"coercive_record": None,
                                         "av_recording": av_recording(walker.upload(b"seizure assistance clip"))})
    docs = _documents(walker, cid)
    decision, notice = docs["coercive_decision"], docs["seizure_assistance"]
    assert NUMBER.match(notice["number"]) and notice["number"] != decision["number"]
    text = _text(walker, notice, tmp_path)
    assert f"于2026年3月2日以{decision['title']}（{decision['number']}）" in text, text
    assert "抚文执扣〔2026〕1号" not in text  # the 文号 typed into the decision's record is not the issued one
    for part in ("协助扣押通知书", "抚顺县顺达物流有限公司：", "下列财物采取扣押财物的行政强制措施", "电脑主机", "联想M720", "2台"):
        assert part in text, part


def test_goods_listed_in_a_transfer_are_told_to_the_party(walker, tmp_path):
    """A 案件移送 record listing goods makes the 查封/扣押物品移送告知书 beside the 移送书: the party, the receiving
    authority, the goods and the day they went; one listing none makes no 告知书."""
    assert [k.code for k in documents.made_on({"case_transfer"}, {"case_transfer": payload("case_transfer", items=[])})] \
        == ["crime_referral"]
    cid = file_case(walker)
    investigate(walker, cid)
    report_to_statement(walker, cid)
    walker.do(cid, "t_approval", {"decision_approval": payload("decision_approval", decision="transfer")})
    walker.do(cid, "t_case_transfer", {"case_transfer": None})
    docs = _documents(walker, cid)
    assert {"crime_referral", "seized_goods_transfer"} <= set(docs), sorted(docs)
    told = docs["seized_goods_transfer"]
    assert NUMBER.match(told["number"]) and told["title"] == "查封/扣押物品移送告知书"
    text = _text(walker, told, tmp_path)
    for part in ("当事人：抚顺县星光网吧", "因当事人的行为涉嫌非法经营罪", "已于2026年3月6日随案移送抚顺县公安局", "电脑主机", "2台"):
        assert part in text, part
