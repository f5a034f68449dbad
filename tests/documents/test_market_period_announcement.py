"""The market set's items 31 and 51 (市场监督管理行政处罚文书格式范本（2021年修订版）): the 检测/检验/检疫/鉴定期间告知书,
offered on the investigation steps once the case holds a 委托书, and the 行政处罚文书送达公告 of the 公告送达 step, which
names the 文书 it serves as issued, and the 案件审核表 of the 案件审核 step — each sealed with its 文号 when its step completes (SQLite and PostgreSQL)."""
from __future__ import annotations

import re
import subprocess

from tests.support.app import profiled
from tests.support.flows import decided
from tests.support.walker import Walker
from webapp.loadgen.flows import file_case
from webapp.loadgen.payloads import payload

NUMBER = re.compile(r"^\S+〔2026〕\d+号$")


def pdf_text(pdf: bytes, tmp_path) -> str:
    (tmp_path / "d.pdf").write_bytes(pdf)
    return re.sub(r"\s+", "", subprocess.run(["pdftotext", str(tmp_path / "d.pdf"), "-"], check=True,
                                             capture_output=True, text=True).stdout)


def _docs(w: Walker, cid: int) -> dict[str, dict]:
    return {d["kind"]: d for d in w.call("get", f"/api/cases/{cid}/documents", "officer1").get_json()}


def test_a_period_notice_needs_the_commission_and_is_sealed_quoting_it(app, client, tmp_path):
    """Before the case holds a 委托书 the notice is refused in Chinese; after, the 期间告知书 is sealed with its 文号,
    titled by the commission's kind in the market set, and quotes the 委托书 as issued."""
    w = Walker(client, profiled(app, "changli-market").tokens)
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": None})
    task = w.task(cid, "t_inquiry")
    res = w.add(cid, task, "appraisal_period", payload("appraisal_period"))
    assert res.status_code == 422 and "本案尚无“鉴定委托书”记录" in str(res.get_json()), res.get_json()
    testing = payload("appraisal_commission", form="testing")
    assert w.add(cid, task, "appraisal_commission", testing).status_code == 201
    early = payload("appraisal_period", notified_at="2026-03-01T10:00:00+08:00")
    res = w.add(cid, task, "appraisal_period", early)
    assert res.status_code == 422 and "早于鉴定委托书的委托时间" in str(res.get_json()), res.get_json()
    assert w.add(cid, task, "appraisal_period", payload("appraisal_period")).status_code == 201
    w.do(cid, "t_inquiry", {"inquiry_record": None, "av_not_suitable": None})  # changli-market 第十一条
    docs = _docs(w, cid)
    period, commission = docs["appraisal_period"], docs["appraisal_commission"]
    assert (period["title"], commission["title"]) == ("检测期间告知书", "检测委托书")
    assert NUMBER.match(period["number"]) and "鉴期" in period["number"], period
    text = pdf_text(w.call("get", period["url"], "officer1").data, tmp_path)
    assert text.startswith("昌黎县") and "检测期间告知书" in text[:40], text[:60]
    assert f"以检测委托书（{commission['number']}）委托辽宁省文化市场技术鉴定中心" in text, text
    assert "检测期间自2026年3月2日10时00分起，预计至2026年3月23日17时00分止" in text
    assert "不计入行政处罚案件办理期限" in text and "《中华人民共和国行政处罚法》第六十条" in text


def test_an_announcement_serves_the_decision_its_plan_names_as_issued(client, agency, walker, tmp_path):
    """公告送达 of the 行政处罚决定书: the 送达公告 sealed at the 公告 step prints the decision's issued 文号 and date (from
    the service plan's reference, never typed), why no other way served it, and the day it counts as served."""
    cid, decision = decided(walker)
    examined = _docs(walker, cid)["case_examination"]  # the 案件审核 step on the way (market item 36's 案件审核表)
    assert examined["title"] == "案件审核表" and "·案审1" in examined["number"], examined
    assert "审核意见事实清楚，证据确凿。" in pdf_text(walker.call("get", examined["url"], "officer1").data, tmp_path)
    sha = walker.upload("抚顺日报公告版面".encode(), name="公告.jpg")
    plan = {k: v for k, v in payload("service_plan", method="public", reason="当事人下落不明").items()
            if k not in ("document", "document_no")}
    walker.do(cid, "t_service_plan", {"service_plan": {**plan, "document_id": decision["id"]}})
    walker.do(cid, "t_public", {"public_notice": payload("public_notice", notice_files=[sha]), "av_not_suitable": None})
    notice = _docs(walker, cid)["service_announcement"]
    assert notice["title"] == "送达公告" and NUMBER.match(notice["number"]) and "公告" in notice["number"], notice
    text = pdf_text(walker.call("get", notice["url"], "officer1").data, tmp_path)
    assert f"作出的行政处罚决定书（{decision['number']}，2026年3月2日）" in text, text
    assert "因采用其他方式均无法送达（三次上门无人" in text and "《中华人民共和国民事诉讼法》第九十五条" in text
    assert "视为送达日期：2026年4月6日" in text and "2026年3月2日" in text[-30:]
