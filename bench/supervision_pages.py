"""Benchmark: supervision pages and the officer inbox on an agency of 100,000 cases (issue 7 point 5, issue 15 point 5).

Builds — or with ``--reuse`` reuses — a large database per engine: SQLite in a file under
/tmp/bench100k/, PostgreSQL in schema ``bench100k`` of the database given by ``--pg-url`` (never the test
suite's schemas).  The agency is the demo agency (``flask liuhen seed-demo``) filled by
``flask liuhen generate-cases``; the database is migrated to the newest revision first, so indexes added
since it was built are there.  Signs in through the real web stack (Flask test client, CSRF and all) and
times N requests per page: every argument-free GET page under ``/oversight/`` found in the URL map (pages
other modules add are picked up; the PDF export only with ``--with-pdf``), the pages taking a case id, the
officer inbox, the approvals queue, the case list and ``GET /api/tasks``, and the 50th page of the inbox and of
the case list reached by following their "下一页" links (keyset pages).  Before timing, the worker's supervision
roll-up job runs once (as ``flask liuhen worker`` does every ``LIUHEN_SUPERVISION_MINUTES``) and its time is printed.
Prints per page the wall-clock median and p95 in ms, the median processor time of this process per request
(``time.process_time`` around the test client's request: the app's Python, templates and driver, far less
disturbed by other jobs on the machine than the wall clock), and the rows shown (HTML table rows, or JSON list
items).  On PostgreSQL, ``--explain-n`` further requests per page (3 by default, after the timed ones) run each
statement first under ``EXPLAIN (ANALYZE, BUFFERS)`` in a savepoint rolled back (hooked on SQLAlchemy's
``before_cursor_execute``), and print the median per request of the statements sent, the shared buffers they
touched (hit + read: pages of 8 KB, the same whether cached or not) and the rows their plans processed (rows out of
every plan node, plus rows removed by filters, × loops): the page's database work in units the machine's load does
not change, which grows with the history exactly when the page reads more of it.  With ``--baseline`` (the
``--json`` of a run on a smaller database) also each page's ratio to it for each of wall, CPU, buffers and rows.
Targets (issue 15 point 5): every /oversight/ page at 30,000 cases ≤ 1.15 × its time at 10,000, and ≤ 80 ms median
on PostgreSQL at 100,000 cases.
"""
from __future__ import annotations

import argparse
import html
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from tests.support.web_client import WebUser  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.db import db  # noqa: E402
from webapp.demo import DEMO_AGENCY, DEMO_PASSWORD, seed_demo  # noqa: E402
from webapp.loadgen.generator import generate  # noqa: E402
from webapp.models import Agency, Case  # noqa: E402
from webapp.supervision import rollups  # noqa: E402

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

#: who asks for the pages: the first of these the page lets in (HTTP 200) is timed
USERS = ("approver1", "admin1", "legal1", "judicial1", "officer1")
INBOX = ("/inbox", "/inbox?overdue=1", "/approvals", "/cases")
#: lists whose 50th page is reached by following "下一页" (keyset pages; the JSON's ``links``), and who reads them
DEEP = {"/inbox": "officer1", "/cases": "officer1", "/oversight/ledger": "approver1",
        "/oversight/deadlines?list=queue": "approver1", "/oversight/api/deadlines?list=queue": "approver1"}
DEEP_PAGE = 50
NEXT = re.compile(r'href="([^"]+)" rel="next"')
PAGE_USERS = {"/inbox": ("officer1",), "/api/tasks": ("officer1",), "/approvals": ("approver1",),
              "/cases": ("officer1",)}
SKIP_SUFFIXES = (".pdf",)  # rendered documents, timed by bench/documents.py; add --with-pdf to include them


#: statements PostgreSQL can EXPLAIN (the others — SAVEPOINT, SET, LOCK … — are counted, not measured)
EXPLAINABLE = ("select", "with", "insert", "update", "delete", "values")
#: a plan node's rows it read and dropped, beside those it passed up
REMOVED = ("Rows Removed by Filter", "Rows Removed by Index Recheck", "Rows Removed by Join Filter")


def plan_rows(node: dict[str, Any]) -> int:
    """Rows a plan processed: each node's rows out and rows removed by its filters, times its loops, summed over the
    tree — an index range read for a page counts its entries once, a scan of the history counts all of it."""
    own = (node.get("Actual Rows", 0) + sum(node.get(k, 0) for k in REMOVED)) * node.get("Actual Loops", 1)
    return int(own) + sum(plan_rows(child) for child in node.get("Plans", ()))


def plan_buffers(node: dict[str, Any]) -> int:
    """Shared buffers (8 KB pages) the statement touched, hit or read: the top node's counts include its children's
    (InitPlans and SubPlans too); local and temporary blocks added for sorts or hashes that spill."""
    keys = ("Shared Hit Blocks", "Shared Read Blocks", "Local Hit Blocks", "Local Read Blocks",
            "Temp Read Blocks", "Temp Written Blocks")
    return int(sum(node.get(k, 0) for k in keys))


class Explainer:
    """While ``on``, runs every statement the app sends first under ``EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`` in a
    savepoint that is rolled back, and adds up the buffers and rows of its plan.  Why: a page's wall-clock time on a
    shared machine moves by 20–50 % with other jobs, so a ratio between two sizes shows noise; buffers touched and
    rows processed are the same whatever the load and grow exactly when the page reads more history.  Executing the
    statement once more inside a rolled-back savepoint leaves the request's own statement and results unchanged."""

    def __init__(self, engine: Engine) -> None:
        self.on = False
        self.statements = self.buffers = self.rows = self.unmeasured = 0
        self.detail: list[tuple[str, int, int]] = []
        sa.event.listen(engine, "before_cursor_execute", self.before)

    def reset(self) -> None:
        self.statements = self.buffers = self.rows = self.unmeasured = 0
        self.detail = []

    def before(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if not self.on:
            return
        self.statements += 1
        verb = statement.lstrip().split(None, 1)[0].lower() if statement.strip() else ""
        raw = cursor.connection
        if executemany or verb not in EXPLAINABLE or (raw.autocommit and verb not in ("select", "values")):
            self.unmeasured += 1
            return
        with raw.cursor() as cur:
            if not raw.autocommit:
                cur.execute("SAVEPOINT bench_explain")
            try:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters)
                plan = cur.fetchone()[0][0]["Plan"]
                self.buffers += plan_buffers(plan)
                self.rows += plan_rows(plan)
                self.detail.append((" ".join(statement.split())[:160], plan_buffers(plan), plan_rows(plan)))
            except psycopg.Error:
                self.unmeasured += 1
            if not raw.autocommit:
                cur.execute("ROLLBACK TO SAVEPOINT bench_explain")
                cur.execute("RELEASE SAVEPOINT bench_explain")


def urls() -> dict[str, str]:
    """Engine → database URL (PostgreSQL in its own schema, created if missing)."""
    return {"sqlite": f"sqlite:///{ARGS.root / 'liuhen.sqlite'}",
            "postgresql": f"{ARGS.pg_url}{'&' if '?' in ARGS.pg_url else '?'}options=-csearch_path%3D{ARGS.schema}"}


def make_app(engine: str) -> Flask:
    if engine == "postgresql":
        with sa.create_engine(ARGS.pg_url).begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {ARGS.schema}"))
    os.environ["LIUHEN_INSTANCE"] = str(ARGS.root)
    return create_app({"SQLALCHEMY_DATABASE_URI": urls()[engine], "SECRET_KEY": "bench",
                       "LIUHEN_FILE_STORE": str(ARGS.root / f"files-{engine}")})


def build(app: Flask, engine: str) -> str:
    """Migrate, seed the demo agency, and generate cases unless ``--reuse`` finds enough; what was done."""
    with app.app_context():
        upgrade(revision="heads")
        agency = db.session.scalar(sa.select(Agency).where(Agency.code == DEMO_AGENCY[0]))
        have = db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(Case.agency_id == agency.id)) \
            if agency else 0
        if ARGS.reuse and have >= ARGS.cases:
            return f"已有 {have} 件（复用）"
        seed_demo()
        summary = generate(DEMO_AGENCY[0], ARGS.cases, seed=1, echo=lambda line: print(f"  [{engine}] {line}"))
        return f"生成 {summary.cases} 件，用时 {summary.seconds:.0f} 秒"


def roll_up(app: Flask) -> float:
    """The worker's supervision job once (every agency's all-time figures); seconds it took."""
    with app.app_context():
        started = time.perf_counter()
        rollups.refresh_all()
        return time.perf_counter() - started


def size(app: Flask, engine: str) -> str:
    with app.app_context():
        if engine == "sqlite":
            return f"{(ARGS.root / 'liuhen.sqlite').stat().st_size / 2**30:.2f} GiB"
        n = db.session.scalar(sa.text("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
                                      "ON n.oid = c.relnamespace WHERE n.nspname = :s AND c.relkind = 'r'"),
                              {"s": ARGS.schema})
        return f"{(n or 0) / 2**30:.2f} GiB"


def pages(app: Flask) -> list[str]:
    """Every GET page under /oversight/ without arguments, the pages taking a case id, the inbox and its API."""
    found = sorted({r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/oversight/")
                    and "GET" in (r.methods or ()) and not r.arguments})
    found = [p for p in found if ARGS.with_pdf or not p.endswith(SKIP_SUFFIXES)]
    with app.app_context():
        agency = db.session.scalar(sa.select(Agency).where(Agency.code == DEMO_AGENCY[0]))
        # the agency's first case: a template the generator walked (the same case at every size), not a random copy
        case_id = db.session.scalar(sa.select(sa.func.min(Case.id)).where(Case.agency_id == agency.id))
    with_case = sorted({r.rule.replace("<int:case_id>", str(case_id)) for r in app.url_map.iter_rules()
                        if r.rule.startswith("/oversight/") and r.arguments == {"case_id"}
                        and "GET" in (r.methods or ())})
    return found + with_case + list(INBOX) + ["/api/tasks"]


def rows_in(res: Any) -> int:
    """Table rows of an HTML page, or list items of a JSON answer (the longest list at its top level)."""
    if res.is_json:
        body = res.get_json()
        if isinstance(body, list):
            return len(body)
        return max((len(v) for v in body.values() if isinstance(v, list)), default=0) if isinstance(body, dict) else 0
    return res.get_data(as_text=True).count("<tr") if res.mimetype == "text/html" else 0


class Session:
    """Signed-in clients per demo user, and a bearer token per user for /api/."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.web: dict[str, WebUser] = {}
        self.tokens: dict[str, str] = {}
        self.explainer: Explainer | None = None

    def get(self, user: str, path: str) -> Any:
        if path.startswith("/api/"):
            if user not in self.tokens:
                res = self.app.test_client().post("/api/login", json={"username": user, "password": DEMO_PASSWORD})
                self.tokens[user] = res.get_json().get("token", "") if res.status_code == 200 else ""
            return self.app.test_client().get(path, headers={"Authorization": f"Bearer {self.tokens[user]}"})
        if user not in self.web:
            self.web[user] = WebUser(self.app, user, DEMO_PASSWORD).login()
        return self.web[user].get(path)


def next_link(res: Any) -> str | None:
    """The "下一页" of an HTML page, or the first ``links.<list>.next`` of a JSON answer."""
    if res.is_json:
        links = (res.get_json() or {}).get("links") or {}
        return next((v["next"] for v in links.values() if "next" in v), None)
    link = NEXT.search(res.get_data(as_text=True))
    return html.unescape(link.group(1)) if link else None


def deep_pages(session: Session) -> list[str]:
    """The URL of the 50th page of each keyset list, found by following its "下一页" links (the last page if shorter)."""
    found = []
    for path, user in DEEP.items():
        url = path
        for _ in range(DEEP_PAGE - 1):
            nxt = next_link(session.get(user, url))
            if nxt is None:
                break
            url = nxt
        found.append(url)
    return found


def label(path: str) -> str:
    """A page's name in the table: a keyset page as the 50th (or last) page of its list, case ids as ``N``, so runs on
    databases of different sizes compare page by page."""
    if "after=" in path:
        base, _, query = path.partition("?")
        kept = "&".join(a for a in query.split("&") if a.split("=")[0] == "list")
        return f"{base}{'?' + kept if kept else ''} 第{DEEP_PAGE}页(或末页,keyset)"
    return re.sub(r"/cases/\d+/", "/cases/N/", path)


def median_of(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def explained(session: Session, user: str, path: str) -> dict[str, Any]:
    """Median statements, buffers and rows per request over ``--explain-n`` requests with every statement explained."""
    explainer = session.explainer
    if explainer is None or ARGS.explain_n <= 0:
        return {}
    per: dict[str, list[float]] = {"statements": [], "buffers": [], "rows_read": [], "unmeasured": []}
    detail: list[tuple[str, int, int]] = []
    for _ in range(ARGS.explain_n):
        explainer.reset()
        explainer.on = True
        try:
            res = session.get(user, path)
        finally:
            explainer.on = False
        assert res.status_code == 200, (path, res.status_code)
        for key, value in (("statements", explainer.statements), ("buffers", explainer.buffers),
                           ("rows_read", explainer.rows), ("unmeasured", explainer.unmeasured)):
            per[key].append(value)
        detail = explainer.detail
    # the last request's statements (start of the text, buffers, rows) go into --json, to find what grows
    return {**{key: median_of(values) for key, values in per.items()}, "detail": detail}


def time_page(session: Session, path: str) -> dict[str, Any] | None:
    """Wall and processor-time medians of N requests by the first user the page lets in, then the database work of
    ``--explain-n`` more (PostgreSQL); None when nobody may see it."""
    for user in next((u for p, u in PAGE_USERS.items() if path.startswith(p)), USERS):
        try:
            res = session.get(user, path)
        except AssertionError:  # no such demo user
            continue
        if res.status_code != 200:
            continue
        times, cpu = [], []
        for _ in range(ARGS.n):
            started, started_cpu = time.perf_counter(), time.process_time()
            res = session.get(user, path)
            cpu.append((time.process_time() - started_cpu) * 1000)
            times.append((time.perf_counter() - started) * 1000)
            assert res.status_code == 200, (path, res.status_code)
        times.sort()
        return {"page": label(path), "user": user, "median": statistics.median(times),
                "p95": times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))], "cpu": median_of(cpu),
                "rows": rows_in(res), **explained(session, user, path)}
    return None


#: the figures compared with the baseline run: (key in the JSON, column heading)
COMPARED = (("median", "wall"), ("cpu", "cpu"), ("buffers", "buf"), ("rows_read", "rows"))


def ratios(r: dict[str, Any], base: dict[str, Any] | None) -> dict[str, float | None]:
    """This run's figure ÷ the baseline's, per compared figure (None where either is missing or zero)."""
    return {key: r[key] / base[key] if base and r.get(key) is not None and base.get(key) else None
            for key, _ in COMPARED}


def report(engine: str, out: list[dict[str, Any]]) -> None:
    """The table: wall median and p95, CPU median, statements, buffers and rows per request, and the ratios."""
    base = {r["page"]: r for r in json.loads(Path(ARGS.baseline).read_text()).get(engine, [])} \
        if ARGS.baseline else {}
    print(f"\n{engine}: {ARGS.n} requests per page (ms; cpu = this process's processor time), then "
          f"{ARGS.explain_n if engine == 'postgresql' else 0} under EXPLAIN (stmts, shared buffers hit+read, "
          f"rows processed: medians per request){'; ratio to ' + ARGS.baseline if base else ''}")
    heads = "".join(f"{h + '×':>7}" for _, h in COMPARED) if base else ""
    print(f"{'page':<58}{'user':<11}{'wall':>8}{'p95':>8}{'cpu':>8}{'stmts':>6}{'buffers':>9}{'rows':>9}"
          f"{'shown':>6}{heads}")
    for r in out:
        r["ratios"] = ratios(r, base.get(r["page"]))
        r["ratio"] = r["ratios"]["median"]
        work = (f"{r['statements']:>6.0f}{r['buffers']:>9.0f}{r['rows_read']:>9.0f}" if "buffers" in r
                else f"{'—':>6}{'—':>9}{'—':>9}")
        shown = "".join(f"{f'{v:.2f}' if v is not None else '—':>7}" for v in r["ratios"].values()) if base else ""
        flags = "  ← over 80 ms" if r["median"] > 80 else ""
        flags += f"  ({r['unmeasured']:.0f} statements not explained)" if r.get("unmeasured") else ""
        if r["page"].startswith("/oversight/"):
            over = [h for key, h in COMPARED if key != "median" and (r["ratios"][key] or 0) > 1.15]
            flags += f"  ← {'/'.join(over)} ratio over 1.15" if over else ""
        print(f"{r['page']:<58}{r['user']:<11}{r['median']:>8.1f}{r['p95']:>8.1f}{r['cpu']:>8.1f}{work}"
              f"{r['rows']:>6}{shown}{flags}")


def run(engine: str) -> list[dict[str, Any]]:
    app = make_app(engine)
    started = time.perf_counter()
    done = build(app, engine)
    print(f"[{engine}] {done}；数据库 {size(app, engine)}（准备用时 {time.perf_counter() - started:.0f} 秒）")
    if ARGS.build_only:
        return []
    print(f"[{engine}] 执法监督数据汇总（后台服务的 supervision 任务）用时 {roll_up(app):.2f} 秒")
    session = Session(app)
    if engine == "postgresql":
        with app.app_context():
            session.explainer = Explainer(db.engine)
    paths = [p for p in pages(app) + deep_pages(session) if ARGS.only is None or ARGS.only in p]
    out = [r for p in paths if (r := time_page(session, p))]
    report(engine, out)
    return out


def main() -> None:
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep a database that already has --cases cases")
    parser.add_argument("--n", type=int, default=20, help="requests per page")
    parser.add_argument("--root", type=Path, default=Path("/tmp/bench100k"), help="SQLite file and file store")
    parser.add_argument("--schema", default="bench100k", help="PostgreSQL schema (never a test schema)")
    parser.add_argument("--pg-url", default=os.environ.get("LIUHEN_BENCH_PG",
                                                           "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--only", help="time only pages whose path contains this")
    parser.add_argument("--with-pdf", action="store_true", help="also time the PDF exports")
    parser.add_argument("--build-only", action="store_true", help="build the database and stop")
    parser.add_argument("--explain-n", type=int, default=3,
                        help="PostgreSQL: requests per page with every statement explained (0: none)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--baseline", help="the --json of a run on a smaller database: print each page's ratio to it")
    ARGS = parser.parse_args()
    ARGS.root.mkdir(parents=True, exist_ok=True)
    engines = ("sqlite", "postgresql") if ARGS.db == "both" else (ARGS.db,)
    results = {e: run(e) for e in engines}
    if ARGS.json:
        Path(ARGS.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))


ARGS: argparse.Namespace
if __name__ == "__main__":
    main()
