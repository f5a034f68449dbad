"""The article-by-article matrix: for each article, the rules that encode it, the tasks that carry it, the
tests that prove it, or why no software can check it.

Every article of the agency's regulation is listed (``articles`` in its profile), and every article of a
national law that a rule, a task or a test touches.  Tasks "carry" an article when their ``basis``,
``av_basis`` or ``deadline_basis`` cites it, or when a rule citing it governs them (a county's articles reach the
shared diagrams only this way); tests "prove" it when their docstring names it (short form
``fushun-culture 第十二条`` or by real title).  Organisational articles and their reasons are data
(``[organisational]`` in the profile and law files).  Pure: the caller gives the diagrams and the tests.
"""
from __future__ import annotations

import ast
import csv
import html
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from handlers.law.acts import act_of
from handlers.law.model import Rule
from handlers.law.props import split_list

_DIGITS = "零一二三四五六七八九"
_REF = re.compile(r"(?P<code>[a-z][a-z0-9]*(?:-[a-z0-9]+)+|[\u4e00-\u9fff]+(?:法|规定))\s*(?P<art>第[一二三四五六七八九十百零]+条)")
_TITLED = re.compile(r"《(?P<title>[^》]+)》(?P<art>第[一二三四五六七八九十百零]+条)")
_BASIS_PROPS = ("basis", "av_basis", "deadline_basis")


def numeral(n: int) -> str:
    """1 → 一, 14 → 十四, 20 → 二十, 105 → 一百零五 (article numbers as the texts write them)."""
    if n >= 100:
        rest = n % 100
        return _DIGITS[n // 100] + "百" + ("" if rest == 0 else ("零" if rest < 10 else "") + (
            numeral(rest) if rest >= 20 or rest < 10 else "一" + numeral(rest)))
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("" if tens == 1 else _DIGITS[tens]) + "十") + ("" if ones == 0 else _DIGITS[ones])


def article_no(n: int) -> str:
    return f"第{numeral(n)}条"


def number(article: str) -> int:
    """第一百零五条 → 105; 0 when ``article`` is not an article number as the texts write it."""
    m = re.fullmatch(r"第([一二三四五六七八九十百零]+)条", article)
    if not m:
        return 0
    total = digit = 0
    for ch in m[1]:
        if ch == "百":
            total, digit = total + digit * 100, 0
        elif ch == "十":
            total, digit = total + (digit or 1) * 10, 0
        else:
            digit = _DIGITS.index(ch)
    n = total + digit
    return n if n and article_no(n) == article else 0


def span(key: str) -> tuple[int, int]:
    """The articles an ``[organisational]`` key names: ``第十条`` → (10, 10), ``第十条至第十六条`` → (10, 16);
    (0, 0) when a part is not an article number.  A range keeps long runs (设定权, 法律责任) to one reason."""
    first, _, last = key.partition("至")
    return number(first), number(last or first)


def expand(organisational: Mapping[str, str]) -> dict[str, str]:
    """``第N条`` → reason, ranges spelled out (the schema has checked them: start ≤ end, no overlap)."""
    out: dict[str, str] = {}
    for key, reason in organisational.items():
        start, end = span(key)
        out.update({article_no(n): reason for n in range(start, end + 1)})
    return out


def refs(text: str, titles: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(code, 第N条) pairs a text cites, short form or by real title (``titles``: title → code)."""
    out = [(m["code"], m["art"]) for m in _REF.finditer(text or "")]
    for m in _TITLED.finditer(text or ""):
        code = (titles or {}).get(m["title"])
        if code:
            out.append((code, m["art"]))
    return out


@dataclass(frozen=True)
class Law:
    code: str
    title: str
    articles: int | None = None  # None: list only the articles something touches
    organisational: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Row:
    law: Law
    article: str
    rules: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    organisational: str = ""

    @property
    def status(self) -> str:
        if self.rules or self.tasks or self.settings:
            return "已落实并有测试" if self.tests else "已落实，无测试"
        if self.organisational:
            return "组织性规定"
        return "未覆盖"


@dataclass
class Matrix:
    profile: str
    rows: list[Row]

    def laws(self) -> list[Law]:
        """The laws with at least one row, in the matrix's order (the agency's regulation first)."""
        return list({r.law.code: r.law for r in self.rows}.values())

    def coverage(self, code: str | None = None) -> dict[str, int]:
        """Counts for one law (default: the agency's regulation); a law without ``articles`` counts only the
        articles something touches, the rows it has."""
        own = [r for r in self.rows if r.law.code == (code or self.profile)]
        checkable = [r for r in own if r.status != "组织性规定"]
        return {"articles": len(own), "organisational": len(own) - len(checkable), "checkable": len(checkable),
                "enforced": sum(r.status.startswith("已落实") for r in checkable),
                "tested": sum(r.status == "已落实并有测试" for r in checkable)}

    def coverage_rows(self) -> list[list[str]]:
        """One row of counts per law shown, for the csv and for anyone who wants numbers, not sentences."""
        head = ["法律法规", "列出条数", "组织性规定", "可检查", "已落实", "有测试", "未覆盖"]
        out = [head]
        for law in self.laws():
            c = self.coverage(law.code)
            out.append([f"《{law.title}》", *(str(c[k]) for k in ("articles", "organisational", "checkable",
                                                                   "enforced", "tested")),
                        str(c["checkable"] - c["enforced"])])
        return out

    def summaries(self) -> list[str]:
        """One coverage line per law and regulation shown, each by its real title."""
        out = []
        for law in self.laws():
            c = self.coverage(law.code)
            listed = (f"共 {c['articles']} 条" if law.articles else f"列出所涉 {c['articles']} 条（本法只列出规则、任务或测试涉及的条款）")
            out.append(f"《{law.title}》：{listed}，组织性规定 {c['organisational']} 条；可检查 {c['checkable']} 条，"
                       f"已落实 {c['enforced']} 条，有测试 {c['tested']} 条，未覆盖 {c['checkable'] - c['enforced']} 条")
        return out

    def summary(self) -> str:
        return "\n".join(self.summaries())

    def title(self) -> str:
        own = next((law for law in self.laws() if law.code == self.profile), None)
        return f"法律依据矩阵：《{own.title}》" if own else f"法律依据矩阵：{self.profile}"

    def table(self) -> list[list[str]]:
        head = ["法律法规", "条款", "状态", "规则", "执行任务", "机构配置", "测试", "组织性规定的理由"]
        return [head] + [[f"《{r.law.title}》", r.article, r.status, "、".join(r.rules), "、".join(r.tasks),
                          "、".join(r.settings), "、".join(r.tests),
                          r.organisational if r.status == "组织性规定" else ""] for r in self.rows]

    def markdown(self) -> str:
        t = self.table()
        esc = [[c.replace("|", "｜") for c in row] for row in t]
        lines = ["| " + " | ".join(esc[0]) + " |", "|" + "---|" * len(esc[0])]
        lines += ["| " + " | ".join(row) + " |" for row in esc[1:]]
        return "\n".join([f"# {self.title()}", "", *lines, "", "## 覆盖率", "",
                          *(f"- {s}" for s in self.summaries())])

    def csv(self) -> str:
        """The article table, an empty row, then the coverage counts per law."""
        buf = io.StringIO()
        csv.writer(buf).writerows([*self.table(), [], *self.coverage_rows()])
        return buf.getvalue()

    def html(self) -> str:
        t = self.table()
        cells = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in t[1:])
        head = "".join(f"<th>{html.escape(c)}</th>" for c in t[0])
        caption = "".join(f"<div>{html.escape(s)}</div>" for s in self.summaries())
        return (f"<table class=\"law-matrix\"><caption>{caption}</caption>"
                f"<thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>")


def named(name: str, slugs: Mapping[str, str]) -> list[tuple[str, str]]:
    """Articles a test's name carries by the suite's convention: ``test_fushun_culture_12_…``,
    ``test_xingzheng_chufa_fa_60_…`` (``slugs``: ``fushun_culture`` → ``fushun-culture``, file stem → short name)."""
    out = []
    for slug, code in slugs.items():
        for m in re.finditer(rf"(?:^|_){re.escape(slug)}_(\d+)(?=_|$)", name):
            out.append((code, article_no(int(m[1]))))
    return out


def tests_by_article(sources: Mapping[str, str], titles: Mapping[str, str],
                     slugs: Mapping[str, str] | None = None) -> dict[tuple[str, str], list[str]]:
    """``path::test`` names by the (code, article) their docstrings, ``article`` marks or names cite."""
    out: dict[tuple[str, str], list[str]] = {}
    for path, text in sources.items():
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                found = refs(ast.get_docstring(node) or "", titles) + _marked(node) + named(node.name, slugs or {})
                for ref in dict.fromkeys(found):
                    out.setdefault(ref, []).append(f"{path}::{node.name}")
    return out


def _marked(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[tuple[str, str]]:
    """``@pytest.mark.article("fushun-culture", 12)`` decorations of a test, as (code, 第十二条)."""
    out = []
    for d in node.decorator_list:
        if (isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "article"
                and len(d.args) == 2 and all(isinstance(a, ast.Constant) for a in d.args)):
            code, number = (a.value for a in d.args)  # type: ignore[attr-defined]  # both are ast.Constant here
            if isinstance(code, str) and isinstance(number, int):
                out.append((code, article_no(number)))
    return out


def build(profile: str, laws: Sequence[Law], rules: Iterable[Rule], tasks: Iterable[tuple[str, Mapping[str, str]]],
          settings: Mapping[str, str], tests: Mapping[tuple[str, str], list[str]]) -> Matrix:
    """The matrix of ``profile``: ``tasks`` are (``process/task``, properties); ``settings`` profile key → basis."""
    by_code = {law.code: law for law in laws}
    rows: dict[tuple[str, str], Row] = {}
    rules = list(rules)

    reasons = {law.code: expand(law.organisational) for law in laws}

    def row(code: str, art: str) -> Row | None:
        law = by_code.get(code)
        if law is None:
            return None
        return rows.setdefault((code, art), Row(law, art, organisational=reasons[code].get(art, "")))

    for law in laws:
        for n in range(1, (law.articles or 0) + 1):
            row(law.code, article_no(n))
        for art in reasons[law.code]:
            row(law.code, art)
    for r in rules:
        for code, art in refs(r.basis):
            if (x := row(code, art)) is not None and r.id not in x.rules:
                x.rules.append(r.id)
    for name, props in tasks:
        carried = {ref for p in _BASIS_PROPS for ref in refs(props.get(p, ""))}
        carried |= {ref for r in rules if _governs(r, name, props) for ref in refs(r.basis)}
        for code, art in carried:
            if (x := row(code, art)) is not None and name not in x.tasks:
                x.tasks.append(name)
    for key, basis in settings.items():
        for code, art in refs(basis):
            if (x := row(code, art)) is not None:
                x.settings.append(key)
    for (code, art), names in tests.items():
        if (code, art) in rows:
            rows[(code, art)].tests.extend(n for n in names if n not in rows[(code, art)].tests)
    order = {law.code: i for i, law in enumerate(laws)}
    ranked = sorted(rows.values(), key=lambda r: (order[r.law.code], number(r.article)))
    return Matrix(profile, ranked)


def _governs(rule: Rule, name: str, props: Mapping[str, str]) -> bool:
    """Whether ``rule`` governs the user task ``name`` (``process/task``): a county's article reaches a shared
    diagram's task through the rules of the agency's law, not through the diagram's ``basis``."""
    task = name.rpartition("/")[2]
    return bool(props.get("act") or props.get("records")) and rule.governs(
        task, split_list(props.get("records")), act_of(task, props))


