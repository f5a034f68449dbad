"""司法局执法监督 (lishui-city 第五条): figures of the assigned agencies only; ordinary supervisors see their own."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.support.app import adopt_regulation, judicial_supervisor, make_agency
from tests.support.walker import Walker
from tests.support.web_client import WebUser, web
from webapp.db import db
from webapp.demo import DEMO_JUDICIAL, DEMO_JUSTICE
from webapp.models import Agency, AuditEntry, User
from webapp.supervision import figures as supervision
from webapp.supervision import reports as supervision_report
from webapp.supervision.scopes import assign, visible_agencies


def test_a_judicial_supervisor_sees_the_figures_of_each_assigned_agency_and_no_other(app, client):
    a, b, other = make_agency(app), make_agency(app), make_agency(app)
    Walker(client, a.tokens).create_case()
    for _ in range(2):
        Walker(client, b.tokens).create_case()
    judge = judicial_supervisor(app, a, b)
    title = adopt_regulation(app, judge.agency_id, "lishui-city")
    page = WebUser(app, judge.username)
    res = page.client.post("/login", data={"username": judge.username, "password": "pw", "csrf_token": page.csrf()})
    assert res.status_code == 302 and res.headers["Location"].endswith("/oversight/supervision")

    first = page.text("/oversight/supervision")
    chooser = re.search(r'<select name="agency">.*?</select>', first, re.S)[0]  # the agencies offered, nothing else
    assert "测试执法队" in first and f'<option value="{b.id}"' in chooser and f'<option value="{other.id}"' not in chooser
    for ag, opened in ((a, 1), (b, 2)):
        html = page.text(f"/oversight/supervision?agency={ag.id}")
        with app.app_context():
            name = db.session.get(Agency, ag.id).name
        assert f"执法监督 · {name}" in html
        figures = page.get(f"/oversight/api/supervision?agency={ag.id}").get_json()
        assert sum(p["open"] for p in figures["cases_by_procedure"].values()) == opened

    refused = page.get(f"/oversight/supervision?agency={other.id}")
    assert refused.status_code == 403 and f"《{title}》第五条" in refused.get_data(as_text=True)
    assert page.get(f"/oversight/api/supervision?agency={other.id}").status_code == 403
    assert page.get(f"/oversight/supervision.csv?agency={other.id}").status_code == 403
    assert page.get("/oversight/supervision?agency=abc").status_code == 422

    overview = page.text("/oversight/overview")
    with app.app_context():
        names = [db.session.get(Agency, x.id).name for x in (a, b, other)]
        table = supervision_report.overview(visible_agencies(db.session.get(User, judge.id)), supervision.figures)
    assert names[0] in overview and names[1] in overview and names[2] not in overview
    assert [row[:4] for row in table.rows] == [(names[0], 1, 0, 0), (names[1], 2, 0, 0)]
    assert "<td>2</td>" in overview


def test_the_role_opens_figures_only_not_cases_records_or_the_ledger(app, client):
    a = make_agency(app)
    cid = Walker(client, a.tokens).create_case()["id"]
    judge = judicial_supervisor(app, a)
    w = Walker(client, {"judge": judge.token})
    assert w.call("get", f"/api/cases/{cid}", "judge").status_code in (403, 404)
    assert w.call("get", "/oversight/api/spot-checks", "judge").status_code == 403
    assert w.call("get", f"/oversight/api/supervision?agency={a.id}", "judge").status_code == 200
    exported = w.call("get", f"/oversight/supervision.csv?agency={a.id}", "judge")
    assert exported.status_code == 200
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.agency_id == a.id,
                                                            AuditEntry.action == "supervision.exported")).one()
    assert entry.actor_id == judge.id and entry.detail["format"] == "csv"


def test_the_case_review_of_an_assigned_agency_is_a_figure_the_judicial_supervisor_may_open(app, client):
    a, other = make_agency(app), make_agency(app)
    cid = Walker(client, a.tokens).create_case()["id"]
    foreign = Walker(client, other.tokens).create_case()["id"]
    judge = judicial_supervisor(app, a)
    title = adopt_regulation(app, judge.agency_id, "lishui-city")
    w = Walker(client, {"judge": judge.token})
    review = w.call("get", f"/oversight/api/cases/{cid}/review", "judge")
    assert review.status_code == 200 and review.get_json()["case_id"] == cid
    refused = w.call("get", f"/oversight/api/cases/{foreign}/review", "judge")
    assert refused.status_code == 403 and f"《{title}》第五条" in refused.get_json()["message"]
    assert w.call("get", f"/api/cases/{cid}", "judge").status_code in (403, 404)


def test_an_ordinary_supervisor_is_limited_to_the_own_agency(app):
    a, b = make_agency(app), make_agency(app)
    legal = web(app, a, "legal1")
    assert legal.get(f"/oversight/supervision?agency={a.id}").status_code == 200
    refused = legal.get(f"/oversight/supervision?agency={b.id}")
    assert refused.status_code == 403 and "只能查看本机关" in refused.get_data(as_text=True)
    assert legal.get(f"/oversight/api/supervision?agency={b.id}").status_code == 403
    assert legal.get(f"/oversight/supervision.pdf?agency={b.id}").status_code == 403
    assert web(app, a, "officer1").get("/oversight/supervision").status_code == 403


def test_assignments_are_data_revocable_audited_and_need_the_role(app):
    a, b = make_agency(app), make_agency(app)
    judge = judicial_supervisor(app, a, b)
    with app.app_context():
        user = db.session.get(User, judge.id)
        assert [x.id for x in visible_agencies(user)] == [a.id, b.id]
        assign(user, db.session.get(Agency, b.id), "调整监督范围", revoke=True)
        db.session.commit()
        assert [x.id for x in visible_agencies(user)] == [a.id]
        actions = list(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.agency_id == b.id, AuditEntry.action.like("supervision.scope%")).order_by(AuditEntry.seq)))
        assert actions == ["supervision.scope_granted", "supervision.scope_revoked"]
    page = WebUser(app, judge.username).login()
    assert page.get(f"/oversight/supervision?agency={b.id}").status_code == 403

    runner = app.test_cli_runner()
    result = runner.invoke(args=["liuhen", "supervise", judge.username, b.code, "--reason", "重新指派"])
    assert result.exit_code == 0, result.output
    assert page.get(f"/oversight/supervision?agency={b.id}").status_code == 200
    result = runner.invoke(args=["liuhen", "supervise", a.usernames["legal1"], b.code, "--reason", "误派"])
    assert result.exit_code != 0 and "没有“司法局执法监督”角色" in result.output

    empty = judicial_supervisor(app)
    lone = WebUser(app, empty.username).login()
    res = lone.get("/oversight/supervision")
    assert res.status_code == 403 and "尚未为您指派" in res.get_data(as_text=True)


def test_the_demo_has_a_judicial_supervisor_of_the_demo_agency(app):
    assert app.test_cli_runner().invoke(args=["liuhen", "seed-demo"]).exit_code == 0
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == DEMO_JUDICIAL[0]))
        assert user.roles == ["judicial"] and user.agency.code == DEMO_JUSTICE[0]
        assert [x.code for x in visible_agencies(user)] == ["fushun-culture"]
