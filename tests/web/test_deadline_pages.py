"""The overdue lists page by key (issue 15 point 5): ``/oversight/deadlines`` and ``/oversight/api/deadlines`` show a
page of each list and link the next one after the last period shown, so periods running out between two pages are
neither repeated nor skipped, and a page reads the same number of rows however many periods are late."""
from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, func, select

from handlers import clock
from tests.support.web_client import web
from webapp.cases import deadlines
from webapp.db import db
from webapp.models import Case, Deadline

TITLE = re.compile(r"<td>逾期测试-(\d+)</td>")
NEXT = re.compile(r'href="([^"]+)" rel="next"')
PREV = re.compile(r'href="([^"]+)" rel="prev"')


def _late(app: Any, agency: Any, case_id: int, number: int, hours: float, role: str = "officer") -> None:
    """An open period of the case that ran out ``hours`` ago (what the deadlines write when a task opens)."""
    with app.app_context():
        now = clock.now()
        db.session.add(Deadline(agency_id=agency.id, case_id=case_id, spec_name="t_test", kind="task",
                                title=f"逾期测试-{number:03d}", role=role, period="P1D", counting="自然日",
                                basis="行政处罚法 第六十条", starts_at=now - dt.timedelta(days=3),
                                due_at=now - dt.timedelta(hours=hours)))
        db.session.commit()
        db.session.remove()


def _numbers(page: str) -> list[int]:
    return [int(n) for n in TITLE.findall(page)]


def _link(pattern: re.Pattern[str], page: str) -> str:
    found = pattern.search(page)
    assert found, f"no {pattern.pattern} link"
    return html.unescape(found.group(1))


@contextmanager
def _statements(app: Any) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_overdue_page_pages_by_key_across_periods_running_out_between_pages(app, walker, agency):
    case = walker.create_case()["id"]
    for n in range(25):
        _late(app, agency, case, n, hours=100 - n)  # the oldest first: 0, 1, … 24
    officer = web(app, agency, "officer1")
    first = officer.text("/oversight/deadlines")
    assert _numbers(first) == list(range(20))
    _late(app, agency, case, 99, hours=500)  # ran out before every period shown: it sorts first, on page one
    second = officer.text(_link(NEXT, first))
    assert _numbers(second) == list(range(20, 25)) and not NEXT.search(second)
    assert "返回全部列表" in second
    back = officer.text(_link(PREV, second))
    assert _numbers(back) == list(range(20))  # the page before the 21st period: not shifted by the new one
    assert _numbers(officer.text("/oversight/deadlines"))[:2] == [99, 0]


def test_the_overdue_json_follows_its_links_without_repeating_or_skipping(app, walker, agency):
    case = walker.create_case()["id"]
    for n in range(12):
        _late(app, agency, case, n, hours=50 - n)
    res = walker.call("get", "/oversight/api/deadlines?per_page=5", "approver1").get_json()
    assert res["mine"] == [] and len(res["queue"]) == 5
    seen = [d["title"] for d in res["queue"]]
    _late(app, agency, case, 99, hours=500)
    while "next" in res["links"].get("queue", {}):
        res = walker.call("get", res["links"]["queue"]["next"], "approver1").get_json()
        assert "mine" not in res  # one list paged
        seen += [d["title"] for d in res["queue"]]
    assert seen == [f"逾期测试-{n:03d}" for n in range(12)]
    assert walker.call("get", "/oversight/api/deadlines?after=abc", "approver1").status_code == 422
    assert walker.call("get", "/oversight/api/deadlines?list=other", "approver1").status_code == 422


def test_a_page_of_overdue_items_reads_the_same_however_many_are_late(app, walker, agency):
    """A count of statements and of rows, not a timing: 30 or 90 late periods, the page reads one page of them."""
    case = walker.create_case()["id"]
    officer = web(app, agency, "officer1")
    for n in range(30):
        _late(app, agency, case, n, hours=200 - n)
    officer.text("/oversight/deadlines")  # warm: the first request loads what every later one finds loaded
    with _statements(app) as fewer:
        page = officer.text("/oversight/deadlines")
    for n in range(30, 90):
        _late(app, agency, case, n, hours=200 - n)
    with _statements(app) as more:
        again = officer.text("/oversight/deadlines")
    assert len(fewer) == len(more), (fewer, more)
    assert _numbers(page) == _numbers(again) == list(range(20))
    assert not any("count(" in s.lower() and "deadlines" in s for s in more), more  # nothing counts the late items


def _cases_read(app: Any, call: Any) -> int:
    """Rows of ``cases`` the statements of ``call()`` read, from their plans: PostgreSQL's ``EXPLAIN ANALYZE`` rows
    out and removed by filters on every node reading the table; SQLite's plan names a full scan of it (counted as
    every case) or a lookup by key (none)."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            call()
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        conn = db.session.connection()
        read = 0
        for statement, parameters in seen:
            if "cases" not in statement or not statement.lstrip().upper().startswith("SELECT"):
                continue
            if db.engine.dialect.name == "postgresql":
                plan = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters).scalar()
                read += _rows_of(plan[0]["Plan"], "cases")
            else:
                plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
                if any(re.match(r"SCAN cases\b", row[-1]) for row in plan):
                    read += db.session.scalar(select(func.count()).select_from(Case)) or 0
        db.session.remove()
    return read


def _rows_of(node: dict[str, Any], table: str) -> int:
    own = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0) if node.get("Relation Name") == table \
        else 0
    return int(own * node.get("Actual Loops", 1)) + sum(_rows_of(n, table) for n in node.get("Plans", ()))


def test_the_overdue_lists_read_the_cases_they_list_not_every_case(app, walker, agency):
    """Issue 15 point 5: the supervision figures' overdue list and the overdue queue's page look up the title of each
    period they list; joined instead, PostgreSQL hashed every case of the agency (its whole history) to list 200."""
    cases = [walker.create_case()["id"] for _ in range(6)]
    for n, case in enumerate(cases):
        _late(app, agency, case, n, hours=100 - n)
    with app.app_context():
        listed = [(d.id, title) for d, title in deadlines.overdue(agency.id, limit=2)]
        assert [title for _, title in listed] == [db.session.get(Case, c).title for c in cases[:2]]
        db.session.remove()
    assert _cases_read(app, lambda: deadlines.overdue(agency.id, limit=2)) <= 2
    queue = "/oversight/api/deadlines?list=queue&per_page=2"
    res = walker.call("get", queue, "approver1").get_json()
    assert [d["case_title"] for d in res["queue"]] == [title for _, title in listed]
    assert _cases_read(app, lambda: walker.call("get", queue, "approver1")) <= 3  # a page of 2, and one to tell more
