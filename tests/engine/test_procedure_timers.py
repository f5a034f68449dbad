"""BPMN timers carrying the regulations' deadlines: their expiry is an overdue event on the case,
in the case JSON and in the audit chain (fushun-culture 第七条, 行政许可法 第三十二条, 行政强制法 第十九、三十五条).

Time moves with FixedClock.advance; timers fire through webapp.timers (``flask liuhen tick``).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from handlers import clock as clock_module
from tests.support.flows import start
from tests.support.walker import Walker
from webapp.cases import timers
from webapp.cli import cli
from webapp.db import db
from webapp.loadgen.flows import file_case, service_steps
from webapp.loadgen.payloads import payload
from webapp.models import CaseTimer, Deadline
from webapp.store.audit import verify_chains

CHINA = dt.timezone(dt.timedelta(hours=8))


def _fire(app: Any, case_id: int) -> list[dict[str, Any]]:
    with app.app_context():
        fired = [f for f in timers.fire_due_timers() if f["case_id"] == case_id]
        db.session.remove()
    return fired


def _timer_due(app: Any, case_id: int) -> dt.datetime | None:
    with app.app_context():
        row = db.session.get(CaseTimer, case_id)
        db.session.remove()
    return row.due_at if row else None


def _overdue(w: Walker, case_id: int) -> list[dict[str, Any]]:
    return [a for a in w.case(case_id)["audit"] if a["action"] == "deadline.overdue"]


def test_late_filing_after_an_emergency_start_becomes_an_overdue_event(app, walker, agency, clock):
    cid = walker.create_case(emergency=True)["id"]
    walker.do(cid, "t_emergency", {"emergency_start": payload("emergency_start", started_at=clock.now().isoformat())})
    late = walker.task(cid, "t_filing_late")
    assert _timer_due(app, cid) == dt.datetime.fromisoformat(late["due_at"])  # the deadline service's moment
    clock.advance(hours=23)
    assert _fire(app, cid) == [] and _overdue(walker, cid) == []
    clock.advance(hours=2)
    fired = _fire(app, cid)
    assert [(f["timer"], f["task"], f["basis"][0]) for f in fired] == [
        ("tm_filing_late", "t_filing_late", "行政处罚法 第五十四条")]  # the diagram's; a county's from its rules
    events = _overdue(walker, cid)
    assert len(events) == 1 and events[0]["detail"]["title"].startswith("情况紧急先行启动后24小时内未补报")
    assert events[0]["detail"]["task_state"] == "READY"
    assert walker.task(cid, "t_filing_late")["overdue"] is True  # the task stays open: a timer never skips a gate
    assert _fire(app, cid) == [] and _timer_due(app, cid) is None  # fired once, nothing left to wait for
    walker.do(cid, "t_filing_late", {"case_filing": None})
    assert [t["name"] for t in walker.ready(cid)] == ["t_unit_opinion"] and len(_overdue(walker, cid)) == 1
    with app.app_context():
        assert not [b for b in verify_chains() if f"机构 {agency.id}" in str(b)]
        db.session.remove()


def test_a_task_done_late_before_any_tick_is_still_recorded_as_overdue(app, walker, clock):
    cid = walker.create_case(emergency=True)["id"]
    walker.do(cid, "t_emergency", {"emergency_start": None})
    clock.advance(hours=30)
    walker.do(cid, "t_filing_late", {"case_filing": None})
    events = _overdue(walker, cid)
    assert [e["detail"]["task"] for e in events] == ["t_filing_late"]
    assert _timer_due(app, cid) is None and _fire(app, cid) == []


def test_the_supplement_notice_timer_counts_working_days_and_fires_from_the_cli(app, client, agency, clock):
    w = Walker(client, agency.tokens)
    cid = start(w, "licensing_intake")
    w.do(cid, "t_application", {"license_application": None})
    task = w.task(cid, "t_intake_decision")
    with app.app_context():
        deadline = db.session.scalar(select(Deadline).where(Deadline.task_id == task["id"]))
        db.session.remove()
    due = _timer_due(app, cid)
    assert due == deadline.due_at and "工作日" in deadline.counting  # 行政许可法 第八十二条
    assert due - dt.datetime.fromisoformat(task["ready_at"]) > dt.timedelta(days=5)  # five working days, not five days
    clock.set(due - dt.timedelta(minutes=1))
    assert _fire(app, cid) == []
    clock.advance(minutes=2)
    result = app.test_cli_runner().invoke(cli, ["tick"])
    assert result.exit_code == 0 and "逾期未一次告知补正内容" in result.output, result.output
    events = _overdue(w, cid)
    assert [e["detail"]["basis"][0] for e in events] == ["行政许可法 第三十二条"]


def test_the_reminder_period_stated_in_the_reminder_ends_with_an_event(app, client, agency, clock):
    w = Walker(client, agency.tokens)
    cid = start(w, "compulsory_enforcement")
    ends = (clock.now() + dt.timedelta(days=10)).astimezone(CHINA).replace(microsecond=0)
    w.do(cid, "t_reminder", {"enforcement_reminder": payload("enforcement_reminder", period_ends_at=ends.isoformat())})
    for name, records in service_steps("direct"):
        w.do(cid, name, records)
    assert _timer_due(app, cid) == ends
    clock.advance(days=11)
    assert [f["timer"] for f in _fire(app, cid)] == ["tm_reminder_expired"]
    assert [e["detail"]["basis"][0] for e in _overdue(w, cid)] == ["行政强制法 第三十五条"]
    assert [t["name"] for t in w.ready(cid)] == ["t_reminder_response"]


def test_a_timer_inside_a_called_subprocess_fires(app, client, agency, clock):
    """行政强制法 第十九条: report within 24 hours after an emergency measure (coercive_measure, called by the general procedure)."""
    w = Walker(client, agency.tokens)
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": payload("investigation_plan", measures=["coercive"])})
    w.do(cid, "t_coercive_request", {"coercive_request": payload("coercive_request", emergency=True)})
    sha = w.upload(b"seizure clip")
    from webapp.loadgen.payloads import av_recording

    w.do(cid, "t_coercive_onsite", {"coercive_decision": None, "coercive_record": None,
                                    "av_recording": av_recording(sha)})
    ready = dt.datetime.fromisoformat(w.task(cid, "t_coercive_report")["ready_at"])
    assert _timer_due(app, cid) == ready + dt.timedelta(hours=24)
    clock.advance(hours=25)
    fired = _fire(app, cid)
    assert [(f["process"], f["task"]) for f in fired] == [("coercive_measure", "t_coercive_report")]
    assert _overdue(w, cid)[0]["detail"]["basis"] == ["行政强制法 第十九条"]


def test_timers_follow_the_system_clock_too(app, walker, clock):
    """With no injected clock (production), SpiffWorkflow's timers and ours both read the wall clock."""
    clock_module.install(clock_module.SystemClock())
    try:
        cid = walker.create_case(emergency=True)["id"]
        began = dt.datetime.now(dt.UTC)
        walker.do(cid, "t_emergency", {"emergency_start": payload("emergency_start", started_at=began.isoformat())})
        expected = began + dt.timedelta(hours=24)
        assert abs(_timer_due(app, cid) - expected) < dt.timedelta(minutes=1)
        assert _fire(app, cid) == []
    finally:
        clock_module.install(clock)
