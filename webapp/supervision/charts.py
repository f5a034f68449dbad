"""Charts of the supervision figures as inline SVG, drawn on the server.

The same SVG goes into the web page and into the WeasyPrint report, so the chart a supervisor
looks at and the one printed are one drawing; no JavaScript and no chart library is needed for
bars.  Every bar is a ``rect.bar`` with a ``<title>`` (the browser's tooltip) and its number
written beside it, so the chart can be read without colour.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', sans-serif"
WIDTH, LABEL, ROW, BAR = 600, 170, 28, 18
BLUE, GREEN, AMBER, RED, GREY = "#2e90fa", "#12b76a", "#f79009", "#d92d20", "#98a2b3"
NO_DATA = '<text x="0" y="20" fill="#667085">暂无数据</text>'


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    basis: str
    svg: Markup


def bars(key: str, title: str, items: list[tuple[str, int]], color: str = BLUE) -> Markup:
    """Horizontal bars, one per item, scaled to the largest."""
    if not items:
        return _svg(key, title, 30, NO_DATA)
    top = max(n for _, n in items) or 1
    room = WIDTH - LABEL - 60
    parts = []
    for i, (label, n) in enumerate(items):
        y, w = 6 + i * ROW, round(n / top * room)
        parts.append(f'<text x="{LABEL - 8}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
                     f'<rect class="bar" x="{LABEL}" y="{y}" width="{w}" height="{BAR}" fill="{color}" '
                     f'data-label="{escape(label)}" data-value="{n}"><title>{escape(label)}：{n}</title></rect>'
                     f'<text x="{LABEL + w + 6}" y="{y + 14}">{n}</text>')
    return _svg(key, title, 12 + len(items) * ROW, "".join(parts))


def stacked(key: str, title: str, parts: list[tuple[str, int, str]]) -> Markup:
    """One bar split into parts (e.g. recorded / reason / neither), with a legend giving counts and shares."""
    total = sum(n for _, n, _ in parts)
    if not total:
        return _svg(key, title, 30, NO_DATA)
    room, x, out = WIDTH - 2, 1, []
    for label, n, color in parts:
        w = round(n / total * room)
        out.append(f'<rect class="bar" x="{x}" y="4" width="{w}" height="26" fill="{color}" data-label="{escape(label)}" '
                   f'data-value="{n}"><title>{escape(label)}：{n}</title></rect>')
        x += w
    for i, (label, n, color) in enumerate(parts):
        lx = 1 + i * (WIDTH // len(parts))
        out.append(f'<rect x="{lx}" y="42" width="12" height="12" fill="{color}"/>'
                   f'<text x="{lx + 18}" y="53">{escape(label)} {n}（{n * 100 / total:.0f}%）</text>')
    return _svg(key, title, 62, "".join(out))


def _svg(key: str, title: str, height: int, body: str) -> Markup:
    return Markup(f'<svg class="chart" data-chart="{key}" xmlns="http://www.w3.org/2000/svg" role="img" '
                  f'aria-label="{escape(title)}" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
                  f'font-family="{FONT}" font-size="13" fill="#101828">{body}</svg>')


def charts(figures: dict[str, Any]) -> list[Chart]:
    """The charts of whatever figures are present, in the order of the page."""
    out = [_stages(figures), _overdue(figures), _handover(figures)]
    if "av_coverage" in figures:
        out.append(_coverage(figures["av_coverage"]))
    if "accountability" in figures:
        out.append(_accountability(figures["accountability"]))
    if "spot_checks" in figures:
        out.append(_spot_checks(figures["spot_checks"]))
    return out


def _stages(f: dict[str, Any]) -> Chart:
    title = "案件所处环节"
    return Chart("stages", title, "fushun-culture 第三条", bars("stages", title, list(f["cases_by_stage"].items())))


def _overdue(f: dict[str, Any]) -> Chart:
    title = "逾期事项（按期限）"
    counts = Counter(d["title"] for d in f["overdue"]).most_common()
    return Chart("overdue", title, "各期限依据见逾期事项表", bars("overdue", title, counts, RED))


def _handover(f: dict[str, Any]) -> Chart:
    title, av = "音像记录移交", f["av"]
    parts = [("按时移交", av["recordings"] - av["late"], GREEN), ("逾期移交", av["late"], RED)]
    return Chart("handover", title, av["basis"],
                 stacked("handover", title, parts))


def _coverage(c: dict[str, Any]) -> Chart:
    title = "音像记录覆盖（应记录的步骤）"
    parts = [("已记录", c["recorded"], GREEN), ("有不宜记录说明", c["reason"], AMBER), ("二者皆无", c["neither"], RED)]
    return Chart("av_coverage", title, c.get("basis", ""), stacked("av_coverage", title, parts))


def _accountability(a: dict[str, Any]) -> Chart:
    title = "责任追究情形"
    return Chart("accountability", title, "fushun-culture 第三十五条",
                 bars("accountability", title, list(a["counts"].items()), RED))


def _spot_checks(s: dict[str, Any]) -> Chart:
    title = "检查台账结论"
    items = [*s["by_finding"].items(), ("待整改", s.get("open_rectifications", 0))]
    return Chart("spot_checks", title, s.get("basis", "naiman-culture 第十四条"),
                 bars("spot_checks", title, items, AMBER))
