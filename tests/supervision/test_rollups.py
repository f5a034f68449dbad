"""Supervision roll-ups (issue 15 point 5): the stored figures equal the live count after a walk and after the clock
moves, a page shows their time, a roll-up is served while nothing happened or while it is young, and the worker
refreshes every agency's."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from webapp.cli import scheduled_jobs
from webapp.db import db
from webapp.supervision import figures as live
from webapp.supervision import rollups

SHOWN_ONLY = ("at", "as_of", "refresh_minutes")  # the times of the answer and of the roll-up, not figures


def _plain(figures: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps({k: v for k, v in figures.items() if k not in SHOWN_ONLY}))


def _walk(walker: Any) -> list[int]:
    filed = walker.create_case()["id"]
    walker.do(filed, "t_filing", {"case_filing": None})
    urgent = walker.create_case(emergency=True)["id"]
    walker.do(urgent, "t_emergency", {"emergency_start": None})  # 补报 due within 24 hours
    return [filed, urgent, walker.create_case()["id"]]


def test_the_rollup_equals_the_live_count_after_a_walk_and_after_the_clock_moves(app, walker, agency, clock):
    _walk(walker)
    start = clock.now()
    try:
        with app.app_context():
            stored = rollups.refresh(agency.id)
            db.session.commit()
            assert _plain(stored.figures) == _plain(live.history(agency.id))
            served = rollups.figures(agency.id)
            assert _plain(served) == _plain(live.figures(agency.id))
            assert served["cases_by_procedure"]["general_procedure"]["open"] >= 3
        clock.advance(days=2)
        with app.app_context():
            moved = rollups.figures(agency.id)
            assert _plain(moved) == _plain(live.figures(agency.id)) and moved["deadlines"]["overdue"] >= 1
            assert "已汇总" in rollups.refresh_all()
            assert _plain(rollups.figures(agency.id)) == _plain(live.figures(agency.id))
    finally:
        clock.set(start)


def at(figures: dict) -> dt.datetime:
    """The roll-up's time as an instant (the answer gives it in UTC; the clock and a fresh row may carry +08:00)."""
    return dt.datetime.fromisoformat(figures["as_of"])


def test_a_rollup_is_served_while_nothing_happened_or_while_it_is_young(app, walker, agency, clock, monkeypatch):
    monkeypatch.setitem(app.config, "LIUHEN_SUPERVISION_STALE_MINUTES", 15)
    start = clock.now()
    try:
        with app.app_context():
            made = rollups.refresh(agency.id)
            db.session.commit()
            before = made.figures["cases_by_procedure"]
        _walk(walker)
        with app.app_context():  # young: the stored figures, with their time, until the worker or staleness
            young = rollups.figures(agency.id)
            assert young["cases_by_procedure"] == before and at(young) == made.as_of
        clock.advance(minutes=16)
        with app.app_context():  # stale and something happened: counted again
            fresh = rollups.figures(agency.id)
            assert _plain(fresh) == _plain(live.figures(agency.id)) and at(fresh) == clock.now()
        clock.advance(days=1)
        with app.app_context():  # old but nothing happened since: still exact, served as stored
            assert rollups.figures(agency.id)["as_of"] == fresh["as_of"]
    finally:
        clock.set(start)


def test_the_page_shows_when_the_figures_were_rolled_up_and_the_worker_refreshes_them(app, walker, agency):
    html = walker.call("get", "/oversight/supervision", "approver1").get_data(as_text=True)
    assert "数据汇总于" in html and "期限与逾期为实时" in html
    body = walker.call("get", "/oversight/api/supervision", "approver1").get_json()
    assert body["as_of"] and body["refresh_minutes"] == 5
    with app.app_context():
        assert "supervision" in [job.name for job in scheduled_jobs()]
