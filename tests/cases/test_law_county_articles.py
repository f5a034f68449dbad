"""A county's articles come from that county's rules, not from the shared diagrams (issue 12, point 2), through the
API on SQLite and PostgreSQL: the gate's refusal, the task page and the 24 h 补报 period at 立案 cite the agency's own
regulation by its real title next to the national article the diagram carries, and never another county's."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from tests.support.app import profiled
from tests.support.walker import Walker
from webapp.cases import timers
from webapp.db import db
from webapp.loadgen.payloads import payload
from webapp.models import Deadline

FUSHUN = "《抚顺县文化市场综合执法全过程记录实施办法》"
LISHUI = "《丽水市行政执法全过程记录实施办法》"
CHUFA_54 = "《中华人民共和国行政处罚法》第五十四条"


def _refused_at_filing(client: Any, tokens: dict[str, str]) -> tuple[Walker, int, dict[str, Any]]:
    """The officer completes 立案 without its 立案审批表: the gate's verdict."""
    w = Walker(client, tokens)
    cid = w.create_case()["id"]
    task = w.task(cid, "t_filing")
    res = w.complete(cid, task)
    assert res.status_code == 422
    return w, cid, res.get_json()


def _cited(body: dict[str, Any]) -> list[str]:
    [m] = [m for m in body["missing"] if m["record"] == "case_filing"]
    return list(m["cited"])


def test_fushun_culture_7_a_refusal_at_filing_cites_fushun_article_7_by_its_title_and_no_other_county(app, client):
    """fushun-culture 第七条: 依职权启动一般程序行政执法的，由行政执法人员填写相关执法文书，报本机关负责人批准."""
    w, cid, body = _refused_at_filing(client, profiled(app, "fushun-culture").tokens)
    assert _cited(body) == [CHUFA_54, f"{FUSHUN}第七条"]
    assert f"{FUSHUN}第七条" in body["message"] and "丽水" not in body["message"] and "第八条" not in body["message"]
    task = w.task(cid, "t_filing")
    requires = w.call("get", f"/api/cases/{cid}/tasks/{task['id']}", "officer1").get_json()["requires"]
    assert f"{FUSHUN}第七条" in requires["cited"] and not any("丽水" in c for c in requires["cited"])
    assert "lishui-city 第八条" not in requires["basis"]


def test_lishui_city_8_a_refusal_at_filing_cites_lishui_article_8_by_its_title_and_no_other_county(app, client):
    """lishui-city 第八条: 行政机关依职权启动一般程序行政执法的……由行政执法人员填写程序启动审批表，履行审批程序."""
    w, cid, body = _refused_at_filing(client, profiled(app, "lishui-city").tokens)
    assert _cited(body) == [CHUFA_54, f"{LISHUI}第八条", f"{LISHUI}第八条第二款"]
    assert "抚顺" not in body["message"] and "第七条" not in body["message"]
    task = w.task(cid, "t_filing")
    requires = w.call("get", f"/api/cases/{cid}/tasks/{task['id']}", "officer1").get_json()["requires"]
    assert f"{LISHUI}第八条" in requires["cited"] and not any("抚顺" in c for c in requires["cited"])


def test_a_county_without_a_filing_article_is_cited_the_national_law_only(app, client):
    """行政处罚法 第五十四条: a Changli officer is shown neither Fushun's 第七条 nor Lishui's 第八条."""
    _, _, body = _refused_at_filing(client, profiled(app, "changli-market").tokens)
    assert _cited(body) == [CHUFA_54]


def _late_filing_basis(app: Any, client: Any, code: str) -> str:
    w = Walker(client, profiled(app, code).tokens)
    cid = w.create_case(emergency=True)["id"]
    w.do(cid, "t_emergency", {"emergency_start": None})
    with app.app_context():
        basis = db.session.scalar(select(Deadline.basis).where(Deadline.case_id == cid,
                                                               Deadline.spec_name == "t_filing_late"))
        db.session.remove()
    return str(basis)


def test_fushun_culture_7_the_24_hour_late_filing_period_stands_on_fushun_article_7_only_in_fushun(app, client):
    """fushun-culture 第七条: 情况紧急的，可先启动行政执法程序，并在行政执法程序启动后24小时内补报 — the period row cites
    the county's rule; Lishui's row cites lishui-city 第八条 and neither cites the other."""
    fushun = _late_filing_basis(app, client, "fushun-culture")
    lishui = _late_filing_basis(app, client, "lishui-city")
    assert "fushun-culture 第七条" in fushun and "lishui-city" not in fushun
    assert "lishui-city 第八条" in lishui and "fushun-culture" not in lishui


def _timer_basis(app: Any, client: Any, clock: Any, code: str) -> list[str]:
    w = Walker(client, profiled(app, code).tokens)
    cid = w.create_case(emergency=True)["id"]
    w.do(cid, "t_emergency", {"emergency_start": payload("emergency_start", started_at=clock.now().isoformat())})
    before = clock.now()
    clock.advance(hours=25)
    try:
        with app.app_context():
            [fired] = [f for f in timers.fire_due_timers() if f["case_id"] == cid]
            db.session.remove()
    finally:
        clock.set(before)
    return list(fired["basis"])


def test_lishui_city_8_the_late_filing_timer_cites_lishui_article_8_and_fushuns_cites_fushun_article_7(app, client, clock):
    """lishui-city 第八条: 情况紧急的，可先启动行政执法程序，并在行政执法程序启动后24小时内补办审批手续 — the expired timer's
    overdue event cites the diagram's national article and the agency's own rule, never the other county's."""
    lishui = _timer_basis(app, client, clock, "lishui-city")
    fushun = _timer_basis(app, client, clock, "fushun-culture")
    assert lishui == ["行政处罚法 第五十四条", "lishui-city 第八条"]
    assert fushun == ["行政处罚法 第五十四条", "fushun-culture 第七条"]


def _approval_deadline(app: Any, cid: int) -> Deadline | None:
    with app.app_context():
        row = db.session.scalar(select(Deadline).where(Deadline.case_id == cid, Deadline.spec_name == "t_filing_approval"))
        if row is not None:
            db.session.expunge(row)
        db.session.remove()
    return row


@pytest.mark.article("lishui-city", 8)
def test_lishui_city_8_the_heads_approval_of_an_emergency_start_is_due_24_hours_after_the_start(app, client, clock):
    """lishui-city 第八条: 在行政执法程序启动后24小时内补办审批手续 — the approval itself is timed from the start the
    emergency record holds (not only the officer's 补报 form); a case started the ordinary way has no such period,
    and Fushun's regulation (第七条: 24小时内补报) sets none on the approval."""
    lishui = Walker(client, profiled(app, "lishui-city").tokens)
    started = clock.now()
    cid = lishui.create_case(emergency=True)["id"]
    lishui.do(cid, "t_emergency", {"emergency_start": payload("emergency_start", started_at=started.isoformat())})
    lishui.do(cid, "t_filing_late", {"case_filing": None})
    lishui.do(cid, "t_unit_opinion", {"unit_opinion": None})
    row = _approval_deadline(app, cid)
    assert row is not None and "lishui-city 第八条" in row.basis
    assert row.due_at == (started + dt.timedelta(hours=24)).astimezone(dt.UTC)

    ordinary = lishui.create_case()["id"]
    for name, records in (("t_filing", {"case_filing": None}), ("t_unit_opinion", {"unit_opinion": None})):
        lishui.do(ordinary, name, records)
    assert _approval_deadline(app, ordinary) is None

    fushun = Walker(client, profiled(app, "fushun-culture").tokens)
    other = fushun.create_case(emergency=True)["id"]
    fushun.do(other, "t_emergency", {"emergency_start": payload("emergency_start", started_at=started.isoformat())})
    fushun.do(other, "t_filing_late", {"case_filing": None})
    fushun.do(other, "t_unit_opinion", {"unit_opinion": None})
    assert _approval_deadline(app, other) is None


@pytest.mark.article("lishui-city", 8)
def test_lishui_city_8_the_start_form_of_a_major_act_must_state_the_legal_units_legality_review(app, client):
    """lishui-city 第八条第二款: 程序启动审批表……其中重大行政执法行为还应载明行政执法机关法制机构合法性审查意见 — a Lishui
    立案审批表 marked 重大 without the review is refused at 办结 with the article by its title, and accepted once the
    review is stated (a new version of the record); Fushun's regulation asks no such thing."""
    major = payload("case_filing", major=True)
    lishui = Walker(client, profiled(app, "lishui-city").tokens)
    cid = lishui.create_case()["id"]
    task = lishui.task(cid, "t_filing")
    assert lishui.add(cid, task, "case_filing", major).status_code == 201
    res = lishui.complete(cid, task)
    assert res.status_code == 422
    [m] = [m for m in res.get_json()["missing"] if m["record"] == "case_filing"]
    assert m["cited"] == [f"{LISHUI}第八条第二款"] and "法制机构合法性审查意见" in m["errors"]["legality_review"][0]
    reviewed = {**major, "legality_review": "经审查，立案依据充分，程序合法。"}
    assert lishui.add(cid, task, "case_filing", reviewed).status_code == 201
    assert lishui.complete(cid, task).status_code == 200

    fushun = Walker(client, profiled(app, "fushun-culture").tokens)
    other = fushun.create_case()["id"]
    fushun.do(other, "t_filing", {"case_filing": major})
