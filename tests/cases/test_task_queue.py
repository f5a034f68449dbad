"""The inbox and ``GET /api/tasks`` page in SQL (issue 7 point 5): counts, order and the overdue filter hold
across pages, on SQLite and PostgreSQL."""
from __future__ import annotations

import re

from tests.support.web_client import web

ROW = re.compile(r'<tr class="(overdue)?">.*?/cases/(\d+)">', re.S)


def _rows(html: str) -> list[tuple[bool, int]]:
    return [(bool(m.group(1)), int(m.group(2))) for m in ROW.finditer(html)]


def test_inbox_and_api_page_the_open_tasks_soonest_due_first(app, walker, agency, clock):
    plain = [walker.create_case()["id"] for _ in range(23)]
    late = walker.create_case(emergency=True)["id"]
    walker.do(late, "t_emergency", {"emergency_start": None})  # 补报 due within 24 hours
    start = clock.now()
    try:
        clock.advance(days=2)
        officer = web(app, agency, "officer1")
        first = officer.text("/inbox")
        assert "第 1 / 2 页，共 24 条" in first and "已逾期 1 项" in first
        rows = _rows(first)
        assert len(rows) == 20 and rows[0] == (True, late) and not any(o for o, _ in rows[1:])
        second = _rows(officer.text("/inbox?page=2"))
        assert len(second) == 4 and {c for _, c in rows[1:] + second} == set(plain)
        assert _rows(officer.text("/inbox?page=99")) == second  # past the end: the last page
        only = officer.text("/inbox?overdue=1")
        assert _rows(only) == [(True, late)] and "共 1 条" in only
        assert _rows(web(app, agency, "reviewer1").text("/approvals")) == []

        res = walker.call("get", "/api/tasks?per_page=10", "officer1")
        assert res.headers["X-Total-Count"] == "24" and 'after=' in res.headers["Link"]
        body = res.get_json()
        assert len(body) == 10 and body[0]["case_id"] == late and body[0]["overdue"] is True
        middle = walker.call("get", res.headers["Link"].split(">")[0][1:], "officer1")
        following = walker.call("get", middle.headers["Link"].split('rel="prev", <')[1].split(">")[0], "officer1")
        assert len(following.get_json()) == 4 and 'rel="next"' not in following.headers["Link"]
        last = walker.call("get", "/api/tasks?per_page=10&page=3", "officer1")  # by position, as old clients ask
        assert last.get_json() == following.get_json()
        every = walker.call("get", "/api/tasks", "officer1").get_json()
        assert sorted(t["case_id"] for t in every) == sorted([*plain, late])
    finally:
        clock.set(start)
