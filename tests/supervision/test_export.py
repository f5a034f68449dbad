"""The supervision figures exported as CSV (Excel-readable) and as a WeasyPrint PDF; both agree with figures()."""
from __future__ import annotations

import csv
import hashlib
import html
import io
import re
import subprocess
import zipfile
from pathlib import Path

from sqlalchemy import select

from handlers import profiles
from handlers.clock import local as local_time
from tests.support.app import adopt_regulation
from tests.support.media import MiB, upload
from webapp.db import db
from webapp.engine.diagrams import procedure_title
from webapp.models import Agency, AuditEntry
from webapp.supervision import figures as supervision
from webapp.supervision import ledger
from webapp.supervision import reports as supervision_report

NOTE = "执法人员未出示执法证件即开始检查"
SAVED = "/tmp/liuhen-supervision-report.pdf"


def _busy_agency(walker) -> None:
    """Three cases (one with a recording), a spot check that found a problem."""
    cids = [walker.create_case()["id"] for _ in range(3)]
    item = upload(walker, cids[0], size=MiB, seed=cids[0])
    res = walker.call("post", "/oversight/api/spot-checks", "legal1", json={
        "media_id": item["id"], "aspects": ["队容风纪"], "finding": "存在问题", "note": NOTE,
        "rectification": "一周内组织学习并整改"})
    assert res.status_code == 201, res.get_json()


def _sections(body: bytes) -> dict[str, tuple[list[str], list[list[str]], list[str]]]:
    """CSV sections by title: (title row, header row, data rows)."""
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    out, i = {}, 1
    while i < len(rows):
        assert rows[i] == [], rows[i]
        title, headers = rows[i + 1], rows[i + 2]
        j = i + 3
        while j < len(rows) and rows[j] != []:
            j += 1
        out[title[0]] = (title, headers, rows[i + 3:j])
        i = j
    return out


def _pairs(section: tuple) -> dict[str, int]:
    return {r[0]: int(r[1]) for r in section[2]}


def test_csv_has_a_bom_and_one_section_per_figure_matching_the_figures(walker, app, agency):
    """fushun-culture 第三十一条: the handover figures cite the agency's av-handover rule, none without it."""
    with app.app_context():
        assert supervision.figures(agency.id)["av"]["basis"] == ""
        row = db.session.get(Agency, agency.id)
        row.profile = {**row.profile, "rules": [r.to_json() for r in profiles.load("fushun-culture").rules
                                                if r.id == "av-handover"]}
        db.session.commit()
    _busy_agency(walker)
    res = walker.call("get", "/oversight/supervision.csv", "approver1")
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert res.data.startswith(b"\xef\xbb\xbf") and "attachment" in res.headers["Content-Disposition"]
    with app.app_context():
        figures = supervision.figures(agency.id)
        name = db.session.get(Agency, agency.id).name
        titles = {pid: procedure_title(pid) for pid in figures["cases_by_procedure"]}
    head = next(csv.reader(io.StringIO(res.data.decode("utf-8-sig"))))
    assert head[:2] == ["执法监督数据", name]
    s = _sections(res.data)
    assert s["案件所处环节"][0][1] == "依据：fushun-culture 第三条" and s["案件所处环节"][1] == ["环节", "案件数"]
    assert _pairs(s["案件所处环节"]) == figures["cases_by_stage"]
    assert {r[0]: (int(r[1]), int(r[2])) for r in s["按执法程序"][2]} == {
        titles[pid]: (n["open"], n["closed"]) for pid, n in figures["cases_by_procedure"].items()}
    assert sum(int(r[1]) for r in s["按执法程序"][2]) == 3
    d = figures["deadlines"]
    assert _pairs(s["期限"]) == {"进行中": d["open"], "其中已逾期": d["overdue"], "按期办结": d["met"], "逾期办结": d["late"]}
    assert _pairs(s["音像记录移交"]) == {"已移交": 1, "其中逾期移交": figures["av"]["late"]}
    assert "fushun-culture 第三十一条" in s["音像记录移交"][0][1]
    assert _pairs(s["检查台账"]) == {"检查总数": 1, "合格": 0, "存在问题": 1, "待整改（尚无复查）": 1}
    assert s["检查台账（最近的检查）"][2][0][6:8] == ["存在问题", NOTE]
    assert len(s["逾期事项"][2]) == len(figures["overdue"])
    if "av_coverage" in figures:
        c = figures["av_coverage"]
        assert _pairs(s["音像记录覆盖"]) == {"须音像记录的环节": c["required"], "有音像记录": c["recorded"],
                                             "有不宜记录的书面理由": c["reason"], "两者皆无": c["neither"]}
    if "case_reviews" in figures:
        assert int(s["案卷评查"][2][0][1]) == figures["case_reviews"]["cases"]
    if "accountability" in figures:
        assert _pairs(s["责任追究线索"]) == figures["accountability"]["counts"]
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.agency_id == agency.id,
                                                            AuditEntry.action == "supervision.exported")).one()
    assert entry.actor_id == agency.user_ids["approver1"] and entry.detail["format"] == "csv"
    assert entry.detail["sha256"] == hashlib.sha256(res.data).hexdigest()


def test_pdf_report_is_a_real_pdf_with_the_figures_their_articles_and_the_charts(walker, app, agency):
    _busy_agency(walker)
    res = walker.call("get", "/oversight/supervision.pdf", "legal1")
    assert res.status_code == 200 and res.mimetype == "application/pdf" and res.data.startswith(b"%PDF-")
    path = Path(SAVED)  # kept for a person to look at (pdftoppm -png)
    path.write_bytes(res.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    with app.app_context():
        figures = supervision.figures(agency.id)
        name = db.session.get(Agency, agency.id).name
    for words in (name, "执法监督数据报告", "案件所处环节", "fushun-culture 第三条", "检查台账", "naiman-culture 第十四条",
                  NOTE, "音像记录移交", "按时移交", "逾期移交", "期限"):
        assert words in text, words
    assert re.search(r"第\s*1\s*页\s*共\s*\d+\s*页", text)
    closed = figures["cases_by_stage"]["已办结"]
    assert any(line.split()[:2] == ["已办结", str(closed)] for line in text.splitlines()), text[:2000]
    for key, title in (("av_coverage", "音像记录覆盖"), ("case_reviews", "案卷评查"), ("accountability", "责任追究线索")):
        assert (title in text) == (key in figures), title
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    assert "Pages:" in info
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    assert "Noto-Sans-CJK-SC" in fonts and "Noto-Serif-CJK-SC" in fonts
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.agency_id == agency.id,
                                                            AuditEntry.action == "supervision.exported")).one()
    assert entry.detail["format"] == "pdf" and entry.detail["sha256"] == hashlib.sha256(res.data).hexdigest()


def test_csv_keeps_typed_formulas_as_text(walker, app, agency):
    cid = walker.create_case()["id"]
    res = walker.call("post", "/oversight/api/spot-checks", "legal1", json={
        "case_id": cid, "aspects": ["案卷文字记录"], "finding": "存在问题", "note": '=HYPERLINK("http://x","点此")',
        "rectification": "@SUM(1+1) 补正案卷"})
    assert res.status_code == 201, res.get_json()
    rows = _sections(walker.call("get", "/oversight/supervision.csv", "legal1").data)["检查台账（最近的检查）"][2]
    assert rows[0][7:9] == ['\'=HYPERLINK("http://x","点此")', "'@SUM(1+1) 补正案卷"]


def test_pdf_lists_are_capped_and_say_how_many_rows_the_csv_carries_instead(walker, app, agency, monkeypatch):
    monkeypatch.setattr(supervision_report, "PDF_ROWS", 2)
    res = walker.call("get", "/oversight/supervision.pdf", "legal1")
    assert res.status_code == 200
    path = Path(SAVED).with_name("capped.pdf")
    path.write_bytes(res.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    with app.app_context():
        stages = len(supervision.figures(agency.id)["cases_by_stage"])
    assert f"另有 {stages - 2} 行未列出，完整清单见 CSV 导出" in text.replace("\n", "")


def _xlsx(body: bytes) -> tuple[list[str], str, int]:
    """The sheet names, all the text and the last sheet's row count of an XLSX (a zip of XML parts: workbook.xml
    names the sheets, the text is in sharedStrings.xml)."""
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        sheets = re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())
        strings = html.unescape(z.read("xl/sharedStrings.xml").decode())
        last = z.read(f"xl/worksheets/sheet{len(sheets)}.xml").decode().count("<row ")
    return sheets, strings, last


def test_xlsx_has_a_sheet_per_table_with_articles_by_title_and_the_case_ledger_of_a_period(walker, app, agency, clock):
    """One sheet per figure's table, its title and articles (by the regulation's real title, not its code) above the
    header; the last sheet is the case 台账 of the chosen period (lishui-city 第二十二条), shown also on its page."""
    adopt_regulation(app, agency.id)
    _busy_agency(walker)
    year = local_time(clock.now()).year  # the agency's periods are local: UTC is a day behind at times
    res = walker.call("get", f"/oversight/supervision.xlsx?year={year}", "approver1")
    assert res.status_code == 200 and res.mimetype.endswith("spreadsheetml.sheet")
    sheets, text, ledger_rows = _xlsx(res.data)
    assert sheets[:3] == ["案件所处环节", "按执法程序", "期限"] and sheets[-1] == f"案件台账（{year}年）"
    assert "《抚顺县文化市场综合执法全过程记录实施办法》第三条" in text and "fushun-culture 第" not in text
    assert "一般程序" in text and "general_procedure" not in text
    assert "星光网吧接纳未成年人上网案" in text and ledger_rows == 3 + 3  # title, articles, header; three cases
    with app.app_context():
        assert db.session.scalars(select(AuditEntry).where(AuditEntry.agency_id == agency.id)
                                  .order_by(AuditEntry.seq.desc())).first().detail["format"] == "xlsx"
    page = walker.call("get", f"/oversight/ledger?year={year}", "approver1").get_data(as_text=True)
    assert page.count("星光网吧接纳未成年人上网案") == 3 and f"{year}年" in page
    earlier = walker.call("get", f"/oversight/ledger?year={year - 1}&quarter=4", "approver1").get_data(as_text=True)
    assert "此期间没有启动的案件" in earlier and f"{year - 1}年第4季度" in earlier

    # the same period filter on the figures: the cases started in it (the 台账's period, the page's and the export's)
    month = local_time(clock.now()).month
    for query, started in ((f"year={year}&month={month}", 3), (f"year={year - 1}", 0),
                           (f"from={year - 1}-01-01&to={year - 1}-12-31", 0)):
        page = walker.call("get", f"/oversight/supervision?{query}", "approver1").get_data(as_text=True)
        shown = re.search(r"<td>一般程序</td><td>(\d+)</td><td>(\d+)</td>", page)
        assert (int(shown[1]) + int(shown[2]) if shown else 0) == started, query
        assert "检查台账、音像记录覆盖率和责任追究按此期间内的检查、办结的环节和发生的问题计" in page
    with app.app_context():
        period = ledger.period_of({"year": str(year - 1)})
        assert period is not None
        before, now = supervision.figures(agency.id, period.bounds()), supervision.figures(agency.id)
        assert before["av"]["recordings"] == 0 and now["av"]["recordings"] == 1


def test_the_period_filter_reaches_the_json_figures_and_the_spot_check_totals(walker, app, agency, clock):
    """``GET /oversight/api/supervision`` counts the period the page counts (cases started, checks made in it) and
    names it; a period that cannot be read is refused in Chinese rather than silently ignored."""
    _busy_agency(walker)
    walker.do(walker.create_case()["id"], "t_filing", {"case_filing": None})  # a step the 案卷评查 scores
    year = local_time(clock.now()).year  # the agency's periods are local: UTC is a day behind at times

    def figures(query: str) -> dict:
        res = walker.call("get", f"/oversight/api/supervision?{query}", "approver1")
        assert res.status_code == 200, res.get_json()
        return res.get_json()

    now, before = figures(f"year={year}"), figures(f"year={year - 1}&quarter=4")
    assert now["period"] == f"{year}年" and before["period"] == f"{year - 1}年第4季度"
    assert sum(now["cases_by_procedure"]["general_procedure"].values()) == 4
    assert not before["cases_by_procedure"].get("general_procedure")
    assert now["spot_checks"]["total"] == 1 and before["spot_checks"]["total"] == 0
    assert now["case_reviews"]["cases"] == 1 and before["case_reviews"]["cases"] == 0
    assert figures("")["period"] is None and figures("")["spot_checks"]["total"] == 1
    for bad, field in (("year=2026&quarter=5", "quarter"), ("month=3", "year"), (f"from={year}-01-01", "to"),
                       (f"from={year}-02-01&to={year}-01-01", "from"), ("year=2026&quarter=1&month=2", "month")):
        res = walker.call("get", f"/oversight/api/supervision?{bad}", "approver1")
        assert res.status_code == 422 and field in res.get_json()["fields"], (bad, res.get_json())

