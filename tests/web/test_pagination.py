"""Keyset pagination (issue 15 point 5): the inbox, the case list and ``GET /api/tasks`` page after the last row
shown, so rows inserted between two pages are neither repeated nor skipped (paging by position repeats them)."""
from __future__ import annotations

import html
import re
from typing import Any

from sqlalchemy import select

from tests.support.web_client import web
from webapp.cases import queue
from webapp.db import db
from webapp.models import CaseTask
from webapp.paging import Key
from webapp.supervision import ledger

CASE_LINK = re.compile(r'/cases/(\d+)"')
NEXT = re.compile(r'href="([^"]+)" rel="next"')
PREV = re.compile(r'href="([^"]+)" rel="prev"')


def _next(page: str) -> str:
    found = NEXT.search(page)
    assert found, "no next page"
    return html.unescape(found.group(1))


def _cases(page: str) -> list[int]:
    return list(dict.fromkeys(int(i) for i in CASE_LINK.findall(page)))


def _urgent(walker: Any) -> int:
    case = walker.create_case(emergency=True)["id"]
    walker.do(case, "t_emergency", {"emergency_start": None})  # its 补报 is due first: it sorts before every row shown
    return case


def test_the_inbox_pages_by_key_across_tasks_inserted_between_pages(app, walker, agency):
    plain = [walker.create_case()["id"] for _ in range(23)]
    officer = web(app, agency, "officer1")
    first = officer.text("/inbox")
    urgent = [_urgent(walker), _urgent(walker)]
    second = officer.text(_next(first))
    shown = _cases(first) + _cases(second)
    assert len(shown) == len(set(shown)) == 23 and set(shown) == set(plain)
    assert "第 2 / 2 页" in second and not NEXT.search(second)
    back = officer.text(html.unescape(PREV.search(second).group(1)))  # type: ignore[union-attr]
    assert _cases(back) == _cases(first)
    assert set(_cases(officer.text("/inbox"))[:2]) == set(urgent)


def test_the_case_list_pages_by_key_across_cases_started_between_pages(app, walker, agency):
    ids = [walker.create_case()["id"] for _ in range(25)]
    officer = web(app, agency, "officer1")
    first = officer.text("/cases")
    newer = [walker.create_case()["id"] for _ in range(3)]
    second = officer.text(_next(first))
    shown = _cases(first) + _cases(second)
    assert len(shown) == len(set(shown)) and set(ids) <= set(shown) and not set(newer) & set(shown)
    assert "共 28 条" in second


def test_api_tasks_follows_its_link_without_repeating_or_skipping(app, walker, agency):
    plain = [walker.create_case()["id"] for _ in range(12)]
    res = walker.call("get", "/api/tasks?per_page=5", "officer1")
    seen = [t["case_id"] for t in res.get_json()]
    _urgent(walker)
    while 'rel="next"' in res.headers.get("Link", ""):
        url = res.headers["Link"].split('rel="prev", ')[-1].split(">")[0].lstrip("<")
        res = walker.call("get", url, "officer1")
        seen += [t["case_id"] for t in res.get_json()]
    assert sorted(seen) == sorted(plain)
    assert walker.call("get", "/api/tasks?after=abc", "officer1").status_code == 422


def test_the_case_ledger_pages_by_key_and_counts_late_steps_of_the_page_only(app, walker, agency):
    ids = [walker.create_case()["id"] for _ in range(8)]
    with app.app_context():
        first, earlier, later = ledger.page(agency.id, None, Key(), per_page=5)
        assert [r[0] for r in first] == ids[::-1][:5] and not earlier and later
    newer = walker.create_case()["id"]
    with app.app_context():
        second, earlier, later = ledger.page(agency.id, None, Key(after=first[-1][0]), per_page=5)
        assert [r[0] for r in second] == ids[::-1][5:] and earlier and not later
        back, _, _ = ledger.page(agency.id, None, Key(before=second[0][0]), per_page=5)
        assert [r[0] for r in back] == [r[0] for r in first] and newer not in [r[0] for r in back]
        assert ledger.count(agency.id, None) >= 9 and [r[:3] for r in ledger.rows(agency.id, None)[:6]] == \
            [r[:3] for r in ledger.page(agency.id, None, Key(), per_page=6)[0]]



def test_the_case_list_offers_each_open_stage_once(app, walker, agency):
    """The 当前环节 filter lists the titles of the agency's ready tasks, each once, read off the index title by title."""
    filed = walker.create_case()["id"]
    _urgent(walker)
    walker.create_case()
    walker.do(filed, "t_filing", {"case_filing": None})
    with app.app_context():
        titles = set(db.session.scalars(select(CaseTask.title).where(CaseTask.agency_id == agency.id,
                                                                        CaseTask.state == "ready")))
        assert len(titles) >= 3, titles
        assert queue.stage_titles(agency.id) == sorted(titles)
        db.session.remove()
    page = web(app, agency, "officer1").text("/cases")
    assert [t for t in sorted(titles) if len(re.findall(rf"<option[^>]*>{re.escape(t)}</option>", page)) != 1] == []
