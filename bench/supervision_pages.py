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
Prints page, median and p95 in ms, and the rows shown (HTML table rows, or JSON list items); with ``--baseline``
(the ``--json`` of a run on a smaller database) also each page's ratio to it.
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


def time_page(session: Session, path: str) -> dict[str, Any] | None:
    """Median and p95 of N requests by the first user the page lets in; None when nobody may see it."""
    for user in next((u for p, u in PAGE_USERS.items() if path.startswith(p)), USERS):
        try:
            res = session.get(user, path)
        except AssertionError:  # no such demo user
            continue
        if res.status_code != 200:
            continue
        times = []
        for _ in range(ARGS.n):
            started = time.perf_counter()
            res = session.get(user, path)
            times.append((time.perf_counter() - started) * 1000)
            assert res.status_code == 200, (path, res.status_code)
        times.sort()
        return {"page": label(path), "user": user, "median": statistics.median(times),
                "p95": times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))], "rows": rows_in(res)}
    return None


def run(engine: str) -> list[dict[str, Any]]:
    app = make_app(engine)
    started = time.perf_counter()
    done = build(app, engine)
    print(f"[{engine}] {done}；数据库 {size(app, engine)}（准备用时 {time.perf_counter() - started:.0f} 秒）")
    if ARGS.build_only:
        return []
    print(f"[{engine}] 执法监督数据汇总（后台服务的 supervision 任务）用时 {roll_up(app):.2f} 秒")
    session = Session(app)
    paths = [p for p in pages(app) + deep_pages(session) if ARGS.only is None or ARGS.only in p]
    out = [r for p in paths if (r := time_page(session, p))]
    base = {r["page"]: r["median"] for r in json.loads(Path(ARGS.baseline).read_text()).get(engine, [])} \
        if ARGS.baseline else {}
    print(f"\n{engine}: {ARGS.n} requests per page (ms){'; ratio to ' + ARGS.baseline if base else ''}")
    print(f"{'page':<58}{'user':<11}{'median':>9}{'p95':>9}{'rows':>7}{'ratio':>8}")
    for r in out:
        ratio = r["median"] / base[r["page"]] if base.get(r["page"]) else None
        r["ratio"] = ratio
        flag = "  ← over 80 ms" if r["median"] > 80 else ""
        flag += "  ← ratio over 1.15" if ratio is not None and ratio > 1.15 and r["page"].startswith("/oversight/") else ""
        print(f"{r['page']:<58}{r['user']:<11}{r['median']:>9.1f}{r['p95']:>9.1f}{r['rows']:>7}"
              f"{f'{ratio:.2f}' if ratio is not None else '—':>8}{flag}")
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
