"""The supervision figures as tables, and the CSV and PDF exports built from them.

:func:`tables` flattens ``supervision.figures()`` into titled tables, each with the article it
rests on; the CSV, the PDF report and the page's export section all read those tables, so the
three cannot disagree.  Figures added later by other modules appear once a table builder knows
their key; unknown keys are left out rather than guessed at.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import xlsxwriter

from documents.render import render
from handlers import clock
from handlers.audit_actions import Action
from handlers.hashing import sha256_bytes
from handlers.roles import ROLES
from webapp.engine.diagrams import procedure_title
from webapp.models import Agency, User
from webapp.store import audit
from webapp.supervision import charts

STAGE_BASIS = "fushun-culture 第三条"
ACCOUNTABILITY_BASIS = "fushun-culture 第三十五条"


#: rows per table in the PDF report: a large agency's lists would run to dozens of pages and seconds of
#: rendering; the report says how many rows it left out and the CSV export carries them all
PDF_ROWS = 30


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    basis: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def _stages(f: dict[str, Any]) -> list[Table]:
    return [Table("cases_by_stage", "案件所处环节", STAGE_BASIS, ("环节", "案件数"), list(f.items()))]


def _procedures(f: dict[str, Any]) -> list[Table]:
    rows = [(procedure_title(pid), n.get("open", 0), n.get("closed", 0)) for pid, n in f.items()]
    return [Table("cases_by_procedure", "按执法程序", "naiman-culture 第三条", ("程序", "办理中", "已办结"), rows)]


def _deadlines(f: dict[str, Any]) -> list[Table]:
    rows = [("进行中", f["open"]), ("其中已逾期", f["overdue"]), ("按期办结", f["met"]), ("逾期办结", f["late"])]
    return [Table("deadlines", "期限", "各期限的依据见“逾期事项”表", ("项目", "数量"), rows)]


def _overdue(items: list[dict[str, Any]]) -> list[Table]:
    rows = [(d["title"], d["case_id"], d.get("case_title") or "", ROLES.get(d["role"], d["role"]), clock.local_text(d["due_at"]),
             d["overdue_hours"], d["basis"]) for d in items]
    return [Table("overdue", "逾期事项", "见各行依据",
                  ("事项", "案件", "案件名称", "承办角色", "届满时间", "已逾期（小时）", "依据"), rows)]


def _av(f: dict[str, Any]) -> list[Table]:
    rows = [("已移交", f["recordings"]), ("其中逾期移交", f["late"])]
    return [Table("av", "音像记录移交", f["basis"], ("项目", "数量"), rows)]


def _coverage(c: dict[str, Any]) -> list[Table]:
    summary = [("须音像记录的环节", c["required"]), ("有音像记录", c["recorded"]), ("有不宜记录的书面理由", c["reason"]),
               ("两者皆无", c["neither"])]
    steps = [(s["task"], s["required"], s["recorded"], s["reason"], s["neither"]) for s in c["by_step"]]
    items = [(i["case_id"], i["case_title"], i["task"], i["basis"]) for i in c["neither_items"]]
    return [Table("av_coverage", "音像记录覆盖", c["basis"], ("项目", "数量"), summary),
            Table("av_coverage_by_step", "音像记录覆盖（按环节）", c["basis"],
                  ("环节", "须记录", "有音像记录", "有书面理由", "两者皆无"), steps),
            Table("av_coverage_neither", "两者皆无的环节", c["basis"], ("案件", "案件名称", "环节", "依据"), items)]


def _reviews(r: dict[str, Any]) -> list[Table]:
    summary = [("已评查案件", r["cases"]), ("平均得分", r["average"]), ("满分案件", r["full_marks"]),
               ("缺陷总数", r["defects_total"])]
    worst = [(w["case_id"], w["title"], w["score"],
              "；".join(f"{d['task']}：{d['text']}（{d['basis']}）" for d in w["defects"])) for w in r["worst"]]
    return [Table("case_reviews", "案卷评查", r["basis"], ("项目", "数值"), summary),
            Table("case_reviews_worst", "案卷评查得分最低的案件", r["basis"], ("案件", "案件名称", "得分", "缺陷"), worst)]


def _accountability(a: dict[str, Any]) -> list[Table]:
    items = [(i["category"], i["case_id"] if i["case_id"] is not None else "", i["what"], i["detected_by"],
              clock.local_text(i["at"]), i["basis"]) for i in a["items"]]
    return [Table("accountability", "责任追究线索", ACCOUNTABILITY_BASIS, ("情形", "数量"), list(a["counts"].items())),
            Table("accountability_items", "责任追究线索明细", ACCOUNTABILITY_BASIS,
                  ("情形", "案件", "情况", "发现方式", "时间", "依据"), items)]


def _spot_checks(s: dict[str, Any]) -> list[Table]:
    summary = [("检查总数", s["total"]), *s["by_finding"].items(), ("待整改（尚无复查）", s["open_rectifications"])]
    recent = [(r["id"], clock.local_text(r["at"]), r["checker"], r["case_id"], r["media_id"] or "", "、".join(r["aspects"]),
               r["finding"], r["note"], r["rectification"] or "", r["follow_up_of"] or "") for r in s["recent"]]
    return [Table("spot_checks", "检查台账", s["basis"], ("项目", "数量"), summary),
            Table("spot_checks_recent", "检查台账（最近的检查）", s["basis"],
                  ("编号", "时间", "检查人", "案件", "音像记录", "检查内容", "结论", "检查情况", "整改要求", "复查的检查"), recent)]


BUILDERS: dict[str, Callable[[Any], list[Table]]] = {
    "cases_by_stage": _stages, "cases_by_procedure": _procedures, "deadlines": _deadlines, "overdue": _overdue,
    "av": _av, "av_coverage": _coverage, "case_reviews": _reviews, "accountability": _accountability,
    "spot_checks": _spot_checks}


def tables(figures: dict[str, Any]) -> list[Table]:
    """Every figure present, as tables, in the page's order."""
    return [t for key, build in BUILDERS.items() if key in figures for t in build(figures[key])]


def to_csv(agency: Agency, figures: dict[str, Any]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads the Chinese), one section per table: title, header, rows."""
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(["执法监督数据", agency.name, f"统计时间 {clock.local_text(figures['at'], '%Y-%m-%d %H:%M:%S')}",
                  *([f"汇总时间 {clock.local_text(figures['as_of'], '%Y-%m-%d %H:%M:%S')}"] if figures.get("as_of") else [])])
    for t in tables(figures):
        out.writerow([])
        out.writerow([t.title, f"依据：{t.basis}"])
        out.writerow(t.headers)
        out.writerows([_cell(v) for v in row] for row in t.rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(agency: Agency, figures: dict[str, Any], extra: list[Table] | tuple[Table, ...] = ()) -> bytes:
    """An Excel workbook (XlsxWriter): one sheet per table, its title and the articles it rests on (by their real
    titles, for this agency) above the header; ``extra`` tables (the case 台账) come after the figures'."""
    citer = agency.settings.citer()
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold, head = book.add_format({"bold": True, "font_size": 13}), book.add_format({"bold": True, "bg_color": "#F0F4F8"})
    used: set[str] = set()
    for t in [*tables(figures), *extra]:
        sheet = book.add_worksheet(_sheet_name(t.title, used))
        sheet.write(0, 0, f"{agency.name} · {t.title}", bold)
        sheet.write(1, 0, f"依据：{citer.text([t.basis]) or t.basis}；统计时间 "
                          f"{clock.local_text(figures['at'], '%Y-%m-%d %H:%M:%S')}")
        sheet.write_row(3, 0, t.headers, head)
        for i, row in enumerate(t.rows):
            sheet.write_row(4 + i, 0, [v if isinstance(v, (int, float)) else str(v) for v in row])
        sheet.set_column(0, max(len(t.headers) - 1, 0), 16)
    book.close()
    return buf.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    """Excel's sheet names: at most 31 characters, none of []:*?/\\, each once."""
    base = "".join(c for c in title if c not in "[]:*?/\\")[:28] or "表"
    name, n = base, 2
    while name in used:
        name, n = f"{base}{n}", n + 1
    used.add(name)
    return name


def _cell(value: Any) -> Any:
    """Typed text that Excel would run as a formula (=, +, -, @) is quoted with an apostrophe, so it stays text."""
    return f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_pdf(agency: Agency, figures: dict[str, Any]) -> bytes:
    """The WeasyPrint report (the 文书 renderer and fonts): every table with its article, the charts inline."""
    return render("supervision_report.html", {
        "agency": agency, "at": clock.local_text(figures["at"], "%Y年%m月%d日 %H:%M"), "tables": tables(figures),
        "charts": charts.charts(figures), "row_limit": PDF_ROWS})


def audit_export(agency: Agency, user: User, kind: str, body: bytes, figures: dict[str, Any]) -> None:
    """Seal the export in the agency's chain: who exported which figures, when, and the file's hash."""
    audit.append(agency.id, Action.SUPERVISION_EXPORTED, actor_id=user.id,
                 detail={"format": kind, "agency_id": agency.id, "figures_at": figures["at"],
                         "sha256": sha256_bytes(body), "size": len(body)})


def overview(agencies: list[Agency], figures_of: Callable[[int], dict[str, Any]]) -> Table:
    """One row per agency for a 司法局 supervisor to compare (lishui-city 第二十二条)."""
    rows = []
    for a in agencies:
        f = figures_of(a.id)
        procs = f["cases_by_procedure"].values()
        cov = f.get("av_coverage")
        rev = f.get("case_reviews")
        spot = f.get("spot_checks")
        rows.append((a.name, sum(p.get("open", 0) for p in procs), sum(p.get("closed", 0) for p in procs),
                     f["deadlines"]["overdue"], f["av"]["recordings"], f["av"]["late"],
                     f"{cov['recorded'] * 100 / cov['required']:.0f}%" if cov and cov["required"] else "—",
                     rev["average"] if rev and rev["cases"] else "—",
                     f"{spot['by_finding'].get('存在问题', 0)}/{spot['total']}" if spot else "—"))
    return Table("overview", "各机关执法监督数据对比", "lishui-city 第五条、第二十二条",
                 ("机关", "办理中", "已办结", "逾期事项", "音像记录", "逾期移交", "音像覆盖率", "案卷评查平均分",
                  "抽检存在问题/总数"), rows)
