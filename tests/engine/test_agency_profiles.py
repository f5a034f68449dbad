"""Agencies made from the five profiles: each difference shown on a walked case, the deploy guard with
its audited exception, persisted deadlines with the clock moved, and supervision figures."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from handlers import av_rules, profiles
from handlers.workcalendar import end_of_day, local_date, national
from tests.support.app import profiled
from tests.support.flows import filing_approval
from tests.support.walker import Walker
from webapp import create_app
from webapp.cli import cli
from webapp.db import db
from webapp.engine.compliance import ComplianceRefused, record_exception
from webapp.engine.deployment import deploy
from webapp.engine.diagrams import base_sources, deployed, save_version
from webapp.engine.profiles import apply_profile, load_profile
from webapp.loadgen.flows import investigate, report_to_statement
from webapp.loadgen.payloads import av_recording, payload
from webapp.models import Agency, AuditEntry, Deadline, User

AV_REASON = {"av_not_suitable": None}


def filed(w: Walker, at: dt.datetime | None = None) -> int:
    """A case filed (立案); ``at``: when the head signed the approval (else the sample's date)."""
    cid = w.create_case()["id"]
    w.do(cid, "t_filing", {"case_filing": None})
    w.do(cid, "t_unit_opinion", {"unit_opinion": None})
    w.do(cid, "t_filing_approval", {"filing_approval": filing_approval(at) if at else None})
    return cid


def to_archive(w: Walker, ended: str | None = None) -> int:
    """A case walked to its archive task by the no-penalty route, with A/V reasons wherever a profile asks."""
    cid = filed(w)
    w.do(cid, "t_plan", {"investigation_plan": None})
    w.do(cid, "t_inquiry", {"inquiry_record": None, **AV_REASON})
    w.do(cid, "t_inspection", {"inspection_record": None, **AV_REASON})
    w.do(cid, "t_report", {"investigation_report": None})
    w.do(cid, "t_case_review", {"case_review": None})
    w.do(cid, "t_notice", {"prior_notice": None})
    w.do(cid, "t_statement", {"statement_record": None})
    w.do(cid, "t_approval", {"decision_approval": payload("decision_approval", decision="no_penalty")})
    w.do(cid, "t_closing_report", {"closing_report": payload("closing_report", ended_at=ended or ENDED)})
    w.do(cid, "t_closing_review", {"approval_review": None})
    w.do(cid, "t_closing_approval", {"closing_approval": None})
    return cid


ENDED = "2026-02-25T17:00:00+08:00"  # 行政执法行为终结之日, days before the archive task opens


@pytest.fixture(params=["fushun-culture", "changli-market"])
def archive_case(request, app, client):
    agency = profiled(app, request.param)
    w = Walker(client, agency.tokens)
    return request.param, agency, w, to_archive(w)


def test_fushun_culture_31_changli_market_19_archiving_counts_from_the_end_of_the_act(archive_case, app):
    """60 days (fushun-culture 第三十一条) or 30 (changli-market 第十九条) from 行政执法行为终结之日, the closing
    report's ``ended_at``, not from when the archive task opens."""
    code, agency, w, cid = archive_case
    days = {"fushun-culture": 60, "changli-market": 30}[code]
    assert agency.profile["archive_days"] == days
    task = w.task(cid, "t_archive")
    ready, due = dt.datetime.fromisoformat(task["ready_at"]), dt.datetime.fromisoformat(task["due_at"])
    assert local_date(ready) > local_date(dt.datetime.fromisoformat(ENDED))
    expected_last_day = national().next_working_day(local_date(dt.datetime.fromisoformat(ENDED)) + dt.timedelta(days=days))
    assert local_date(due - dt.timedelta(seconds=1)) == expected_last_day
    with app.app_context():
        row = db.session.scalar(select(Deadline).where(Deadline.task_id == task["id"]))
        assert row.period == f"P{days}D" and row.kind == "archive_record" and row.status == "open"
        assert f"{code} 第{'三十一' if days == 60 else '十九'}条" in row.basis


def test_handover_limit_and_retention_differ_by_profile(app):
    fushun, pishan, naiman = (profiled(app, c).settings for c in ("fushun-culture", "pishan-culture", "naiman-culture"))
    ended = dt.datetime(2026, 3, 6, 10, tzinfo=dt.UTC)  # Friday 18:00 in China
    assert av_rules.handover_deadline(ended, fushun).due_at == ended + dt.timedelta(hours=24)
    # pishan-culture 第十九条: one working day — the weekend does not count, so the end of Monday 9 March.
    assert av_rules.handover_deadline(ended, pishan).due_at == dt.datetime(2026, 3, 9, 16, tzinfo=dt.UTC)
    assert (pishan.av_retention_months, naiman.av_retention_months) == (36, 6)
    assert naiman.confidentiality == "internal" and naiman.long_term_triggers == ("evidence",)


def _preservation_ready(w: Walker) -> tuple[int, dict]:
    cid = filed(w)
    w.do(cid, "t_plan", {"investigation_plan": payload("investigation_plan", measures=["preservation"])})
    for name, kind in (("t_approval_request", "approval_request"), ("t_approval_review", "approval_review"),
                       ("t_approval_decision", "approval_decision")):  # the head's approval comes first (第五十六条)
        w.do(cid, name, {kind: None})
    return cid, w.task(cid, "t_preservation")


def test_video_required_steps_differ_by_profile(app, client):
    naiman = Walker(client, profiled(app, "naiman-culture").tokens)
    cid, task = _preservation_ready(naiman)
    assert naiman.add(cid, task, "evidence_preservation").status_code == 201
    res = naiman.complete(cid, task)
    assert res.status_code == 422 and "《奈曼旗文化市场综合执法全过程记录规范》第八条" in res.get_json()["message"]
    sha = naiman.upload(b"naiman preservation clip")
    assert naiman.add(cid, task, "av_recording", av_recording(sha)).status_code == 201
    assert naiman.complete(cid, task).status_code == 200

    fushun = Walker(client, profiled(app, "fushun-culture").tokens)
    cid, task = _preservation_ready(fushun)
    fushun.add(cid, task, "evidence_preservation")
    assert fushun.complete(cid, task).status_code == 200  # fushun-culture asks no A/V for 先行登记保存

    pishan = Walker(client, profiled(app, "pishan-culture").tokens)
    cid = filed(pishan)
    pishan.do(cid, "t_plan", {"investigation_plan": None})
    task = pishan.task(cid, "t_inquiry")
    pishan.add(cid, task, "inquiry_record")
    res = pishan.complete(cid, task)
    assert res.status_code == 422 and "《皮山县文化体育广播电视和旅游局行政执法全过程记录制度》第七条" in res.get_json()["message"]


def test_lishui_requires_a_real_recording_when_a_party_refuses_to_sign(app, client):
    from webapp.loadgen.payloads import OFFICER_SIGS, PARTY_REFUSED

    refused = payload("inspection_record", signatures=OFFICER_SIGS + [PARTY_REFUSED])
    for code, allowed in (("lishui-city", False), ("fushun-culture", True)):
        w = Walker(client, profiled(app, code).tokens)
        cid = filed(w)
        w.do(cid, "t_plan", {"investigation_plan": payload("investigation_plan", measures=["inspection"])})
        task = w.task(cid, "t_inspection")
        w.add(cid, task, "inspection_record", refused)
        w.add(cid, task, "av_not_suitable")
        res = w.complete(cid, task)
        if allowed:
            assert res.status_code == 200, res.get_json()
            continue
        assert res.status_code == 422 and "《丽水市行政执法全过程记录实施办法》第十三条" in res.get_json()["message"]
        w.add(cid, task, "av_recording", av_recording(w.upload(b"lishui refusal clip")))
        assert w.complete(cid, task).status_code == 200


# ------------------------------------------------------------------ deploy guard and exceptions

def _weakened(agency_id: int) -> object:
    sources = base_sources()
    xml = sources["general_procedure.bpmn"].decode()
    start = xml.index('id="t_inspection"')
    end = xml.index("</bpmn:userTask>", start)
    xml = xml[:start] + xml[start:end].replace('name="av" value="required"', 'name="av" value="none"') + xml[end:]
    return save_version("general_procedure", {**sources, "general_procedure.bpmn": xml.encode()}, agency_id)


def test_deploying_a_diagram_that_drops_a_gate_is_refused_unless_an_admin_records_an_exception(app):
    """fushun-culture 第十二条 (不适宜的书面记录原因: an exception is possible); fushun-culture 第十四条第二款 is
    mandatory: no exception."""
    agency = profiled(app, "fushun-culture")
    with app.app_context():
        with pytest.raises(ComplianceRefused) as refused:  # the proof refuses the version when it is saved
            _weakened(agency.id)
        assert "《抚顺县文化市场综合执法全过程记录实施办法》第十二条" in refused.value.message
        assert "t_inspection" in refused.value.message and refused.value.extra["rules"] == ["av-on-site"]
        assert refused.value.extra["problems"][0]["element_id"] == "t_inspection"
        db.session.rollback()

        officer = db.session.get(User, agency.user_ids["officer1"])
        from webapp.errors import Forbidden, Invalid

        with pytest.raises(Forbidden):
            record_exception(officer, "av-on-site", "现场无法录像的特殊场所")
        admin = db.session.get(User, agency.user_ids["admin1"])
        with pytest.raises(Invalid, match="第十四条第二款》?.*强制性规定"):
            record_exception(admin, "av-seizure", "试点期间由纸质记录替代，报司法局备案")
        record_exception(admin, "av-on-site", "试点期间由纸质记录替代，报司法局备案")
        version = _weakened(agency.id)
        deploy(db.session.get(Agency, agency.id), version)
        db.session.commit()
        actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.agency_id == agency.id)
                                            .order_by(AuditEntry.seq)))
        assert "compliance.exception_grant" in actions and actions[-1] == "diagram.deployed"
        db.session.remove()


STRICTER = """
[[rules]]
id = "av-filing"
title = "立案时同时进行音像记录"
kind = "recording"
mode = "mandatory"
acts = ["立案"]
basis = "naiman-culture 第八条"

[[patches]]
process = "general_procedure"
task = "t_filing"
properties = { av = "required", av_basis = "naiman-culture 第八条" }
basis = "naiman-culture 第八条"
"""


def test_applying_the_profile_keeps_a_designers_version_or_refuses_with_the_reasons(app):
    """Issue 13: saving the agency profile never redeploys the shipped diagrams over a designer's deployed version;
    a profile under which that version breaks a rule (naiman-culture 第八条 here) is refused, nothing changed."""
    agency = profiled(app, "naiman-culture")
    with app.app_context():
        row = db.session.get(Agency, agency.id)
        sources = {k: v.encode() for k, v in deployed(agency.id, "general_procedure").sources.items()}
        renamed = sources["general_procedure.bpmn"].replace("填写立案审批表".encode(), "填写程序启动审批表".encode())
        mine = save_version("general_procedure", {**sources, "general_procedure.bpmn": renamed}, agency.id)
        deploy(row, mine)
        db.session.commit()

        applied = apply_profile(row, load_profile("naiman-culture"))
        assert deployed(agency.id, "general_procedure").id == mine.id
        assert applied.kept == {"general_procedure": mine.version} and "保留本机构设计的第" in applied.text()
        assert "general_procedure" not in applied.replaced
        db.session.commit()

        text = (profiles.PROFILES_DIR / "naiman-culture" / "profile.toml").read_text(encoding="utf-8")
        stricter = profiles.parse(text.replace("\n[organisational]", STRICTER + "\n[organisational]"))
        with pytest.raises(ComplianceRefused) as refused:
            apply_profile(row, stricter)
        assert "本机构设计的 general_procedure" in refused.value.message
        assert "《奈曼旗文化市场综合执法全过程记录规范》第八条" in refused.value.message
        assert refused.value.extra["problems"][0]["element_id"] == "t_filing"
        db.session.rollback()
        assert deployed(agency.id, "general_procedure").id == mine.id
        db.session.remove()

    page = Walker(app.test_client(), agency.tokens).call("get", "/oversight/law", "admin1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "法律依据矩阵" in html and "《奈曼旗文化市场综合执法全过程记录规范》" in html and "coercive_measure/t_coercive_onsite" in html
    own = "《奈曼旗文化市场综合执法全过程记录规范》：共 16 条，组织性规定 11 条；可检查 5 条"
    assert html.count(own) == 1 and html.count("《中华人民共和国行政处罚法》：共 86 条，组织性规定 49 条") == 1
    assert "《中华人民共和国行政强制法》：共 71 条" in html and "《中华人民共和国行政许可法》：共 83 条" in html
    assert "naiman-culture：" not in html

    result = app.test_cli_runner().invoke(cli, ["law", "matrix", "naiman-culture", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "《奈曼旗文化市场综合执法全过程记录规范》,第八条,已落实并有测试,av-full" in result.output
    assert "\n《奈曼旗文化市场综合执法全过程记录规范》,16,11,5," in result.output.replace("\r\n", "\n")
    result = app.test_cli_runner().invoke(cli, ["law", "matrix", "naiman-culture"])
    assert result.exit_code == 0 and result.output.count(own) == 1, result.output
    assert result.output.count("- 《中华人民共和国行政处罚法》：共 86 条") == 1
    result = app.test_cli_runner().invoke(cli, ["law", "prove", "naiman-culture"])
    assert result.exit_code == 0 and "均通过证明" in result.output, result.output


def test_compliance_page_command_and_json(app, client):
    agency = profiled(app, "changli-market")
    w = Walker(client, agency.tokens)
    page = w.call("get", "/oversight/compliance", "admin1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "《昌黎县市场监管局行政执法全过程记录实施办法》第十二条" in html and "changli-market 第" not in html and "集体讨论" in html and "全部落实" in html
    data = w.call("get", "/oversight/api/compliance", "designer1").get_json()
    assert data["ok"] and {f["rule"]["id"] for f in data["findings"]} >= {"audio-collective", "archive"}
    assert w.call("get", "/oversight/api/compliance", "officer1").status_code == 403

    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["compliance", agency.code])
    assert result.exit_code == 0 and "全部规则已落实" in result.output
    result = runner.invoke(cli, ["compliance", "--files", "naiman-culture"])
    assert result.exit_code == 0 and "naiman-culture 第八条" in result.output


def test_create_agency_command_builds_an_agency_from_a_profile(app):
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["create-agency", "lishui-city", "--admin", "lishui-admin", "--password", "Zhejiang-Ls-2026"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.code == "lishui-city"))
        assert agency.name == "丽水市综合行政执法局" and agency.profile["doc_prefix"] == "丽综执"
        from webapp.engine.compliance import report

        assert report(agency).ok
        db.session.remove()
    again = runner.invoke(cli, ["create-agency", "lishui-city"])
    assert again.exit_code == 0, again.output


# ------------------------------------------------------------------ deadlines

def test_overdue_items_reach_inbox_queue_and_survive_a_restart(app, client, clock):
    agency = profiled(app, "fushun-culture")
    w = Walker(client, agency.tokens)
    cid = w.create_case(emergency=True)["id"]
    began = clock.now() - dt.timedelta(hours=2)  # 补报 counts from when the measure began, not from typing it in
    w.do(cid, "t_emergency", {"emergency_start": payload("emergency_start", started_at=began.isoformat())})
    clock.advance(hours=21, minutes=59)
    assert w.call("get", "/oversight/api/deadlines", "officer1").get_json()["mine"] == []
    clock.advance(hours=1, minutes=1)
    mine = w.call("get", "/oversight/api/deadlines", "officer1").get_json()["mine"]
    assert [(d["case_id"], d["task"], d["period"]) for d in mine] == [(cid, "t_filing_late", "PT24H")]
    assert mine[0]["overdue_hours"] == 1.0 and "fushun-culture 第七条" in mine[0]["basis"]
    queue = w.call("get", "/oversight/api/deadlines", "approver1").get_json()["queue"]
    assert [d["case_id"] for d in queue] == [cid]
    assert w.call("get", "/oversight/api/deadlines", "approver1").get_json()["mine"] == []

    restarted = create_app({**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "LIUHEN_FILE_STORE", "TESTING",
                                                          "LIUHEN_SIGNING_KEY_FILE", "LIUHEN_DOCUMENT_CERTS",
                                                          "LIUHEN_RENDER_INLINE")},
                            "SECRET_KEY": "other"})
    w2 = Walker(restarted.test_client(), agency.tokens)
    assert [d["case_id"] for d in w2.call("get", "/oversight/api/deadlines", "officer1").get_json()["mine"]] == [cid]
    page = w2.call("get", "/oversight/deadlines", "reviewer1").get_data(as_text=True)
    assert "补报立案审批表" in page and "已逾期" in page

    w2.do(cid, "t_filing_late", {"case_filing": None})
    assert w.call("get", "/oversight/api/deadlines", "officer1").get_json()["mine"] == []
    with app.app_context():
        row = db.session.scalar(select(Deadline).where(Deadline.case_id == cid))
        assert row.status == "late" and row.closed_at - row.due_at == dt.timedelta(hours=1)
        db.session.remove()


def test_archive_deadline_expires_when_the_clock_moves(app, client, clock):
    agency = profiled(app, "changli-market")
    w = Walker(client, agency.tokens)
    cid = to_archive(w)
    due = dt.datetime.fromisoformat(w.task(cid, "t_archive")["due_at"])
    clock.set(due - dt.timedelta(minutes=1))
    assert w.task(cid, "t_archive")["overdue"] is False
    clock.set(due + dt.timedelta(minutes=1))
    assert w.task(cid, "t_archive")["overdue"] is True
    mine = w.call("get", "/oversight/api/deadlines", "officer1").get_json()["mine"]
    assert [d["task"] for d in mine if d["case_id"] == cid] == ["t_archive"]


def test_decision_is_due_ninety_days_after_filing_not_after_the_task_opens(app, client, clock):
    agency = profiled(app, "fushun-culture")
    w = Walker(client, agency.tokens)
    filed_at = clock.now()
    cid = filed(w, filed_at)  # the fact 立案: the head's approval, signed now
    clock.advance(days=40)
    investigate(w, cid)
    report_to_statement(w, cid)
    w.do(cid, "t_approval", {"decision_approval": None})
    due = dt.datetime.fromisoformat(w.task(cid, "t_decision")["due_at"])
    last_day = local_date(filed_at) + dt.timedelta(days=90)  # 行政处罚法 第六十条: 90 days from 立案, first day not counted
    while not national().is_working_day(last_day):
        last_day += dt.timedelta(days=1)
    assert due == end_of_day(last_day)
    with app.app_context():
        row = db.session.scalar(select(Deadline).where(Deadline.case_id == cid, Deadline.spec_name == "t_decision"))
        assert row.period == "P90D" and "行政处罚法 第六十条" in row.basis and row.starts_at == filed_at
        db.session.remove()


# ------------------------------------------------------------------ supervision

def test_supervision_figures_match_a_hand_count(app, client, clock):
    agency = profiled(app, "fushun-culture")
    w = Walker(client, agency.tokens)
    w.create_case()  # A: 程序启动 (t_filing)
    b = filed(w)  # B: 调查取证 (t_plan)
    c = filed(w)
    w.do(c, "t_plan", {"investigation_plan": None})
    w.do(c, "t_inquiry", {"inquiry_record": None})
    w.do(c, "t_inspection", {"inspection_record": None, **AV_REASON})  # C: 调查取证 (t_report)
    to_archive(w, clock.now().isoformat())  # D: 归档管理 (t_archive), its sixty days from now
    e = w.create_case()["id"]
    w.do(e, "t_filing", {"case_filing": None})
    w.do(e, "t_unit_opinion", {"unit_opinion": None})
    w.do(e, "t_filing_approval", {"filing_approval": payload("filing_approval", decision="reject")})  # E: 已办结
    f = w.create_case(emergency=True)["id"]
    w.do(f, "t_emergency", {"emergency_start": None})  # F: 程序启动, its 24 h 补报 about to lapse
    clock.advance(hours=30)
    figures = w.call("get", "/oversight/api/supervision", "approver1").get_json()
    assert figures["cases_by_stage"] == {"程序启动": 2, "调查取证": 2, "审查决定": 0, "送达执行": 0, "归档管理": 1, "已办结": 1}
    assert figures["cases_by_procedure"] == {"general_procedure": {"open": 5, "closed": 1}}
    assert figures["deadlines"]["overdue"] == 1 and figures["deadlines"]["open"] == 2  # 补报 (F) and 归档 (D)
    assert [d["case_id"] for d in figures["overdue"]] == [f]
    assert figures["av"] == {"recordings": 0, "late": 0, "basis": "fushun-culture 第三十一条"}  # its av-handover rule
    assert b != c
    html = w.call("get", "/oversight/supervision", "approver1").get_data(as_text=True)
    assert "调查取证" in html and '已逾期 <strong class="tag overdue">1</strong> 项' in html
    assert w.call("get", "/oversight/api/supervision", "officer1").status_code == 403
