"""The other 文书 of 调查取证 (issue 17): 电子数据提取笔录, 鉴定委托书 and 鉴定结果告知书, 协助调查函 and 限期提供材料通知书.
No case must hold their records; the officers add them at the investigation step where the act happened, and the
文书 are made, numbered and sealed when that step completes (SQLite and PostgreSQL)."""
from __future__ import annotations

import hashlib
import re
import subprocess

from tests.support.app import profiled
from tests.support.walker import Walker
from tests.support.web_client import submitted, web
from webapp.loadgen.flows import file_case
from webapp.loadgen.payloads import EXTRACTED_BYTES, EXTRACTED_SHA, payload
from webapp.views.record_forms import form_values

NUMBER = re.compile(r"^测执(\S+)〔(\d{4})〕(\d+)号$")
CASE_NUMBERED = re.compile(r"^测执案〔(\d{4})〕(\d+)号·(\S+?)(\d+)$")
OFFERED = ("electronic_data", "appraisal_commission", "appraisal_notice", "assistance_request", "materials_notice")
SUPPORTING = ("electronic_data", "appraisal_commission", "expert_opinion", "appraisal_notice", "assistance_request",
              "materials_notice")


def pdf_text(pdf: bytes, tmp_path) -> str:
    (tmp_path / "d.pdf").write_bytes(pdf)
    return re.sub(r"\s+", "", subprocess.run(["pdftotext", str(tmp_path / "d.pdf"), "-"], check=True,
                                             capture_output=True, text=True).stdout)


def _supporting(w: Walker, cid: int, task: dict) -> None:
    """Every supporting record of the investigation, on one step; the files they name uploaded first."""
    assert w.upload(EXTRACTED_BYTES, name="上机登记_20260301.csv") == EXTRACTED_SHA
    opinion = w.upload("辽宁省文化市场技术鉴定中心 鉴定意见书".encode(), name="鉴定意见书.pdf")
    for kind in SUPPORTING:
        data = payload(kind, files=[opinion]) if kind == "expert_opinion" else payload(kind)
        res = w.add(cid, task, kind, data)
        assert res.status_code == 201, (kind, res.get_json())


def test_the_investigations_other_documents_are_sealed_when_their_step_completes(app, agency, walker, tmp_path):
    """The 电子数据提取笔录 carries the case's 案号 and lists each extracted file by name and SHA-256; the 委托书, 告知书,
    函 and 通知书 draw 文号 of their own; the 结果告知书 names the 委托书 as issued and tells the 鉴定意见's conclusion
    from its record; each is dated the day of its act."""
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": None})
    task = walker.task(cid, "t_inquiry")
    _supporting(walker, cid, task)
    walker.do(cid, "t_inquiry", {"inquiry_record": None})
    docs = {d["kind"]: d for d in walker.call("get", f"/api/cases/{cid}/documents", "officer1").get_json()}
    assert {"electronic_data", "appraisal_commission", "appraisal_notice", "assistance_request",
            "materials_notice"} <= set(docs), sorted(docs)
    assert CASE_NUMBERED.match(docs["electronic_data"]["number"]), docs["electronic_data"]["number"]
    for kind in ("appraisal_commission", "appraisal_notice", "assistance_request", "materials_notice"):
        assert NUMBER.match(docs[kind]["number"]), docs[kind]["number"]
    assert len({docs[k]["number"] for k in docs}) == len(docs)

    def text(kind: str) -> str:
        res = walker.call("get", docs[kind]["url"], "officer1")
        assert res.status_code == 200 and res.mimetype == "application/pdf"
        return pdf_text(res.data, tmp_path)

    extraction = text("electronic_data")
    assert "电子数据提取笔录" in extraction and "上机登记_20260301.csv" in extraction and EXTRACTED_SHA in extraction
    assert f"案号：{docs['electronic_data']['number'].split('·')[0]}" in extraction
    assert "张明（执法证号21040001）" in extraction and "电子数据持有人" in extraction
    commission = docs["appraisal_commission"]
    notice = text("appraisal_notice")
    assert f"于2026年3月2日以鉴定委托书（{commission['number']}）委托辽宁省文化市场技术鉴定中心" in notice, notice
    assert "主机记录显示三名未成年人身份证号于当晚登录" in notice and "书面申请重新鉴定" in notice  # period: test_appraisal_period
    assert notice.endswith("2026年3月5日") or "2026年3月5日" in notice[-40:], notice[-60:]
    assert "协助调查函" in text("assistance_request") and "抚顺县公安局石文派出所" in text("assistance_request")
    materials = text("materials_notice")
    assert "2026年3月9日17时00分前" in materials and "营业执照副本复印件" in materials
    # the extracted file is in the case file the next step shows, downloadable, beside the opinion's scan
    page = web(app, agency, "officer1").text(f"/cases/{cid}/tasks/{walker.task(cid, 't_inspection')['id']}")
    assert "上机登记_20260301.csv" in page and f"/files/{EXTRACTED_SHA}" in page, page


def test_a_result_notice_waits_for_the_opinion_and_an_extraction_for_its_files(walker):
    """The 结果告知书 tells the result of a 鉴定意见 the case holds: stored before one, or dated before the opinion was
    issued, it is refused in Chinese; an extracted file the store does not hold is refused too (its hash would prove
    nothing)."""
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": None})
    task = walker.task(cid, "t_inquiry")
    res = walker.add(cid, task, "appraisal_notice", payload("appraisal_notice"))
    assert res.status_code == 422 and "本案尚无“鉴定意见或专家论证意见”记录" in str(res.get_json()), res.get_json()
    absent = hashlib.sha256(b"an extracted file never uploaded").hexdigest()
    never = payload("electronic_data", extracted=[{"name": "lost.csv", "sha256": absent}])
    res = walker.add(cid, task, "electronic_data", never)
    assert res.status_code == 422 and "记录库中没有这些文件" in str(res.get_json()["fields"]["extracted"]), res.get_json()
    opinion = walker.upload(b"opinion", name="opinion.pdf")
    assert walker.add(cid, task, "expert_opinion", payload("expert_opinion", files=[opinion])).status_code == 201
    early = walker.add(cid, task, "appraisal_notice", payload("appraisal_notice", notified_at="2026-03-03T10:00:00+08:00"))
    assert early.status_code == 422, early.get_json()  # the opinion was issued on 3-04 (payloads)
    assert "早于鉴定意见或专家论证意见的出具时间" in early.get_json()["fields"]["notified_at"][0], early.get_json()
    assert walker.add(cid, task, "appraisal_notice", payload("appraisal_notice")).status_code == 201
    walker.upload(EXTRACTED_BYTES, name="上机登记_20260301.csv")
    assert walker.add(cid, task, "electronic_data", payload("electronic_data")).status_code == 201


def test_the_market_set_titles_them_as_its_2021_formats_do(app, client, tmp_path):
    """市场监督管理行政处罚文书格式范本（2021年修订版）: 电子数据证据提取笔录, 检测/检验/检疫/鉴定委托书 and 结果告知书; the paper
    prints the one that fits the commission (a 鉴定: 鉴定委托书)."""
    w = Walker(client, profiled(app, "changli-market").tokens)
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": None})
    task = w.task(cid, "t_inquiry")
    _supporting(w, cid, task)
    w.do(cid, "t_inquiry", {"inquiry_record": None, "av_not_suitable": None})  # changli-market 第十一条
    docs = {d["kind"]: d for d in w.call("get", f"/api/cases/{cid}/documents", "officer1").get_json()}
    titles = {k: docs[k]["title"] for k in ("electronic_data", "appraisal_commission", "appraisal_notice")}
    assert titles == {"electronic_data": "电子数据证据提取笔录", "appraisal_commission": "鉴定委托书",
                      "appraisal_notice": "鉴定结果告知书"}
    assert "电子数据证据提取笔录" in pdf_text(w.call("get", docs["electronic_data"]["url"], "officer1").data, tmp_path)
    commission = pdf_text(w.call("get", docs["appraisal_commission"]["url"], "officer1").data, tmp_path)
    assert "鉴定委托书" in commission and "/" not in commission.split("鉴定委托书")[0], commission[:80]


def test_every_investigation_page_offers_them_and_a_filled_one_makes_its_document(app, agency, walker):
    """The 询问 and 现场检查 pages offer the five records beside the required ones (RecordKind.offered_on); a 限期提供材料
    通知书 typed into the page is stored and sealed with its 文号 when the step completes, the untouched ones are not."""
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": None})
    officer = web(app, agency, "officer1")
    for name in ("t_inquiry", "t_inspection"):
        page = officer.text(f"/cases/{cid}/tasks/{walker.task(cid, name)['id']}")
        assert all(f'id="offered-{k}"' in page for k in OFFERED), name
        walker.do(cid, name, {"inquiry_record": None} if name == "t_inquiry" else
                  {"inspection_record": None, "av_not_suitable": None})
    page = officer.text(f"/cases/{cid}/tasks/{walker.task(cid, 't_report')['id']}")
    assert not any(f'id="offered-{k}"' in page for k in OFFERED)  # the report is no investigation step

    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": None})
    task = walker.task(cid, "t_inquiry")
    url = f"/cases/{cid}/tasks/{task['id']}"
    form = submitted(officer.text(url), "task-form")
    for kind in ("inquiry_record", "materials_notice"):
        for k, v in form_values(kind, payload(kind)).items():
            form.setlist(k, v if isinstance(v, list) else [v])
    form["action"] = "complete"
    res = officer.post(url, form, csrf_from=url)
    assert res.status_code == 302, res.get_data(as_text=True)[:2000]
    kinds = sorted(r["kind"] for r in walker.call("get", f"/api/cases/{cid}/tasks/{task['id']}", "officer1")
                   .get_json()["records"])
    assert kinds == ["inquiry_record", "materials_notice"]
    docs = walker.call("get", f"/api/cases/{cid}/documents", "officer1").get_json()
    [notice] = [d for d in docs if d["kind"] == "materials_notice"]
    assert notice["title"] == "限期提供材料通知书" and NUMBER.match(notice["number"]), notice
