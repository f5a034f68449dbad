"""The deadline service and the BPMN timers take their periods from the law's rules, not only from the diagram
(issue 12, point 3), through the API on SQLite and PostgreSQL: a rule's period runs from the fact of the case it
names, bound to the record that established it, even on a diagram version stored without the period or with a
longer one; a rule whose fact the case does not hold opens none."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete, update

from handlers.workcalendar import end_of_day, local_date, national
from tests.support.app import profiled
from tests.support.flows import filing_approval
from tests.support.variants import deploy_unproved, set_property
from tests.support.walker import Walker
from webapp.db import db
from webapp.loadgen.flows import approval_steps, file_case, investigate, report_to_statement
from webapp.loadgen.payloads import payload
from webapp.models import CaseTask, Deadline

CF_60 = "《中华人民共和国行政处罚法》第六十条"
CF_56 = "《中华人民共和国行政处罚法》第五十六条"
LISHUI_8 = "《丽水市行政执法全过程记录实施办法》第八条"
FRIDAY = dt.datetime(2026, 3, 6, 2, 0, tzinfo=dt.UTC)  # 10:00 China time


def _ninety_days_from(filed_at: dt.datetime) -> dt.datetime:
    """行政处罚法 第六十条 counted as 民事诉讼法 第八十五条 says: the first day not counted, a last day off moves on."""
    last = local_date(filed_at) + dt.timedelta(days=90)
    while not national().is_working_day(last):
        last += dt.timedelta(days=1)
    return end_of_day(last)


def _to_decision(w: Walker, clock: Any, filed_at: dt.datetime) -> int:
    """A case whose head approved 立案 at ``filed_at`` (the approval recorded five days later), walked to 决定."""
    clock.set(filed_at)
    cid = w.create_case()["id"]
    w.do(cid, "t_filing", {"case_filing": None})
    w.do(cid, "t_unit_opinion", {"unit_opinion": None})
    clock.advance(days=5)  # the diagram counts from when the task is done; the law from the approval itself
    w.do(cid, "t_filing_approval", {"filing_approval": filing_approval(filed_at)})
    investigate(w, cid)
    report_to_statement(w, cid)
    w.do(cid, "t_approval", {"decision_approval": None})
    return cid


def _without_period(xml: str) -> str:
    """The general procedure as stored before its 决定 task carried the ninety days."""
    for name in ("deadline", "deadline_from", "deadline_basis"):
        xml = set_property(xml, "t_decision", name, None)
    return xml


def _decision_on(app: Any, w: Walker, agency_id: int, clock: Any, edit: Callable[[str], str]
                 ) -> tuple[Walker, int, dt.datetime]:
    """A case walked to 决定 on the general procedure as ``edit`` changes it: due ninety days after 立案."""
    deploy_unproved(app, agency_id, "general_procedure", edit)
    cid = _to_decision(w, clock, FRIDAY)
    due = _ninety_days_from(FRIDAY)
    assert _due(w, cid, "t_decision") == due
    return w, cid, due


def _queued(w: Walker, cid: int, task: str) -> dict[str, Any]:
    queue = w.call("get", "/oversight/api/deadlines", "approver1").get_json()["queue"]
    return next(d for d in queue if d["case_id"] == cid and d["task"] == task)


def _due(w: Walker, cid: int, task: str) -> dt.datetime | None:
    due = w.task(cid, task)["due_at"]
    return dt.datetime.fromisoformat(due) if due else None


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _overdue(w: Walker, cid: int) -> list[dict[str, Any]]:
    return [a["detail"] for a in w.case(cid)["audit"] if a["action"] == "deadline.overdue"]


@pytest.mark.article("行政处罚法", 60)
def test_xingzheng_chufa_fa_60_a_decision_task_without_a_period_still_runs_ninety_days_from_filing(
        app, client, agency, clock):
    """A diagram version stored without the 决定 task's ``deadline`` (before the deploy proof, or on an old version):
    the rule's ninety days run from the 立案 approval all the same, and their breach reaches the case's audit chain."""
    w, cid, due = _decision_on(app, Walker(client, agency.tokens), agency.id, clock, _without_period)
    clock.set(due + dt.timedelta(minutes=1))
    row = _queued(w, cid, "t_decision")
    assert row["period"] == "P90D" and _at(row["starts_at"]) == FRIDAY and row["cited"] == CF_60, row
    assert "负责人批准立案" in row["counting"] and "按自然日计算" in row["counting"]
    result = app.test_cli_runner().invoke(args=["liuhen", "tick"])
    assert result.exit_code == 0, result.output
    assert [(e["task"], e["basis"]) for e in _overdue(w, cid)] == [("t_decision", "行政处罚法 第六十条")]


@pytest.mark.article("行政处罚法", 60)
def test_xingzheng_chufa_fa_60_a_task_ready_before_the_upgrade_gets_its_period_from_the_cli(app, client, agency, clock):
    """On upgrade a 决定 task already waiting has no period yet: ``flask liuhen open-periods`` opens the rule's."""
    w, cid, due = _decision_on(app, Walker(client, agency.tokens), agency.id, clock, _without_period)
    with app.app_context():  # as the task stood before the upgrade: ready, no period
        db.session.execute(delete(Deadline).where(Deadline.case_id == cid))
        db.session.execute(update(CaseTask).where(CaseTask.case_id == cid).values(due_at=None))
        db.session.commit()
        db.session.remove()
    assert _due(w, cid, "t_decision") is None
    result = app.test_cli_runner().invoke(args=["liuhen", "open-periods"])
    assert result.exit_code == 0 and "已补开期限" in result.output, result.output
    assert _due(w, cid, "t_decision") == due


@pytest.mark.article("行政处罚法", 60)
def test_xingzheng_chufa_fa_60_a_rule_shorter_than_the_diagrams_period_governs(app, client, agency, clock):
    """A diagram that gives 决定 120 days from the approval task's completion: the law's ninety days from the approval
    end first, so the task is due then and the deadline cites 第六十条; a decision made after it is late."""
    w, cid, due = _decision_on(app, Walker(client, agency.tokens), agency.id, clock,
                               lambda xml: set_property(xml, "t_decision", "deadline", "P120D"))
    clock.set(due + dt.timedelta(hours=1))
    row = _queued(w, cid, "t_decision")
    assert row["period"] == "P90D" and row["cited"] == CF_60, row
    w.do(cid, "t_decision", {"penalty_decision": payload("penalty_decision", decided_at=clock.now().isoformat())})
    [late] = _overdue(w, cid)
    assert late["task"] == "t_decision" and late["late"] is True and _at(late["due_at"]) == due


@pytest.mark.article("lishui-city", 8)
def test_lishui_city_8_a_rule_opens_its_period_only_on_the_fact_it_names(app, client, clock):
    """lishui-city 第八条 (24 h from the emergency start to the head's approval) on a version of the general procedure
    whose approval task carries no period: an emergency case is due 24 h after the start its record holds; a case
    started the ordinary way holds no such fact and has no period."""
    lishui = profiled(app, "lishui-city")
    deploy_unproved(app, lishui.id, "general_procedure")  # the shipped diagram, without Lishui's patch on 审批
    w = Walker(client, lishui.tokens)
    clock.set(FRIDAY)
    started = FRIDAY - dt.timedelta(hours=3)
    cid = w.create_case(emergency=True)["id"]
    w.do(cid, "t_emergency", {"emergency_start": payload("emergency_start", started_at=started.isoformat())})
    w.do(cid, "t_filing_late", {"case_filing": None})
    w.do(cid, "t_unit_opinion", {"unit_opinion": None})
    due = started + dt.timedelta(hours=24)
    assert _due(w, cid, "t_filing_approval") == due
    ordinary = w.create_case()["id"]
    w.do(ordinary, "t_filing", {"case_filing": None})
    w.do(ordinary, "t_unit_opinion", {"unit_opinion": None})
    assert _due(w, ordinary, "t_filing_approval") is None
    clock.set(due + dt.timedelta(minutes=1))
    row = _queued(w, cid, "t_filing_approval")
    assert row["cited"] == LISHUI_8 and "紧急先行启动记录所载时间" in row["counting"], row
    assert not [d for d in w.call("get", "/oversight/api/deadlines", "approver1").get_json()["queue"]
                if d["case_id"] == ordinary]


@pytest.mark.article("行政处罚法", 56)
def test_xingzheng_chufa_fa_56_the_preservation_timer_counts_seven_working_days_from_the_approval(
        app, client, agency, clock):
    """行政处罚法 第五十六条: decide within seven (working, 第八十五条) days of 先行登记保存, counted from the head's approval
    the record states, not from when the decision task opened: the BPMN timer fires at the rule's moment."""
    w = Walker(client, agency.tokens)
    clock.set(FRIDAY + dt.timedelta(days=3))  # the approval was three days before the record was entered
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": payload("investigation_plan", measures=["preservation"])})
    for name, records in approval_steps():
        w.do(cid, name, records)
    w.do(cid, "t_preservation", {"evidence_preservation": payload("evidence_preservation",
                                                                  approved_at=FRIDAY.isoformat())})
    due = end_of_day(national().add_working_days(local_date(FRIDAY), 7))
    assert _due(w, cid, "t_preservation_decision") == due
    clock.set(due + dt.timedelta(minutes=1))
    result = app.test_cli_runner().invoke(args=["liuhen", "tick"])
    assert result.exit_code == 0, result.output
    [fired] = _overdue(w, cid)
    assert fired["timer"] == "tm_decision_overdue" and _at(fired["due_at"]) == due, fired
    assert "行政处罚法 第五十六条" in fired["basis"]
    assert _queued(w, cid, "t_preservation_decision")["cited"].startswith(CF_56)
