"""The 检查台账 (naiman-culture 第十四条): checks and follow-ups, append-only, audited, by the right people only."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from tests.support.app import adopt_regulation
from tests.support.media import MiB, upload
from tests.support.web_client import web
from webapp.accounts import create_user, issue_token
from webapp.db import db
from webapp.models import Agency, AppendOnlyViolation, AuditEntry, SpotCheck
from webapp.supervision import figures as supervision

LEDGER = "/oversight/api/spot-checks"
PROBLEM = {"aspects": ["队容风纪", "文明执法"], "finding": "存在问题", "note": "执法人员未出示执法证件即开始检查",
           "rectification": "组织学习出示证件的要求，一周内整改"}


def _recording(walker) -> dict:
    cid = walker.create_case()["id"]
    return upload(walker, cid, size=MiB, seed=cid)


def _user(app, agency, name: str, display: str, roles: list[str]) -> tuple[int, str]:
    with app.app_context():
        user = create_user(db.session.get(Agency, agency.id), f"{name}-{agency.id}", display, roles, "pw")
        db.session.commit()
        return user.id, issue_token(user)


def test_a_check_and_its_follow_up_are_recorded_listed_and_counted(walker, app, agency):
    item = _recording(walker)
    res = walker.call("post", LEDGER, "legal1", json={"media_id": item["id"], **PROBLEM})
    assert res.status_code == 201, res.get_json()
    first = res.get_json()
    assert first["case_id"] == item["case_id"] and first["checker_id"] == agency.user_ids["legal1"]
    assert first["finding"] == "存在问题" and first["follow_up_of"] is None

    ok = walker.call("post", LEDGER, "approver1", json={"aspects": ["案卷文字记录"], "finding": "合格",
                                                        "case_id": item["case_id"]})
    assert ok.status_code == 201, ok.get_json()
    with app.app_context():
        counted = supervision.figures(agency.id)["spot_checks"]
    assert counted["total"] == 2 and counted["by_finding"] == {"合格": 1, "存在问题": 1}
    assert counted["open_rectifications"] == 1

    follow = walker.call("post", LEDGER, "legal1", json={"follow_up_of": first["id"], "aspects": ["队容风纪"],
                                                         "finding": "合格", "note": "复查：已按要求出示证件"})
    assert follow.status_code == 201, follow.get_json()
    follow = follow.get_json()
    assert follow["follow_up_of"] == first["id"] and follow["media_id"] == item["id"]
    again = walker.call("post", LEDGER, "legal1", json={"follow_up_of": first["id"], "aspects": ["队容风纪"],
                                                        "finding": "合格"})
    assert again.status_code == 409 and "已有复查记录" in again.get_json()["message"]
    not_a_problem = walker.call("post", LEDGER, "legal1", json={"follow_up_of": follow["id"], "aspects": ["队容风纪"],
                                                                "finding": "合格"})
    assert not_a_problem.status_code == 422 and "无须复查" in not_a_problem.get_json()["message"]

    with app.app_context():
        counted = supervision.figures(agency.id)["spot_checks"]
    assert counted["total"] == 3 and counted["open_rectifications"] == 0
    assert [r["id"] for r in counted["recent"]] == [follow["id"], ok.get_json()["id"], first["id"]]
    answered = next(r for r in counted["recent"] if r["id"] == first["id"])
    assert answered["followed_up_by"] == follow["id"] and answered["checker"] == "赵静（法制审核）"

    listed = walker.call("get", f"{LEDGER}?finding=存在问题", "reviewer1").get_json()
    assert [r["id"] for r in listed["items"]] == [first["id"]] and listed["total"] == 1
    assert walker.call("get", f"{LEDGER}?open=1", "reviewer1").get_json()["total"] == 0
    mine = walker.call("get", f"{LEDGER}?checker={agency.user_ids['approver1']}", "admin1").get_json()
    assert [r["id"] for r in mine["items"]] == [ok.get_json()["id"]]


def test_every_entry_is_sealed_in_the_agency_audit_chain(walker, app, agency):
    item = _recording(walker)
    made = walker.call("post", LEDGER, "legal1", json={"media_id": item["id"], **PROBLEM}).get_json()
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.agency_id == agency.id,
                                                            AuditEntry.action == "spot_check.recorded")).one()
    assert entry.actor_id == agency.user_ids["legal1"] and entry.case_id == item["case_id"]
    assert entry.detail["id"] == made["id"] and entry.detail["note"] == PROBLEM["note"]
    assert entry.detail["rectification"] == PROBLEM["rectification"] and entry.detail["basis"] == "naiman-culture 第十四条"


def test_the_ledger_is_append_only_in_the_database_and_the_orm(walker, app, agency):
    item = _recording(walker)
    made = walker.call("post", LEDGER, "legal1", json={"media_id": item["id"], **PROBLEM}).get_json()
    with app.app_context():
        for sql in ("UPDATE spot_checks SET finding = '合格' WHERE id = :i", "DELETE FROM spot_checks WHERE id = :i"):
            with pytest.raises(DatabaseError, match="只能追加"):
                db.session.execute(text(sql), {"i": made["id"]})
            db.session.rollback()
        row = db.session.get(SpotCheck, made["id"])
        row.finding = "合格"
        with pytest.raises(AppendOnlyViolation):
            db.session.commit()
        db.session.rollback()
        assert db.session.get(SpotCheck, made["id"]).finding == "存在问题"


def test_wrong_roles_are_refused(walker, app, agency):
    title = adopt_regulation(app, agency.id, "lishui-city")
    item = _recording(walker)
    answers = {who: walker.call("post", LEDGER, who, json={"media_id": item["id"], **PROBLEM})
               for who in ("reviewer1", "admin1", "officer2")}
    assert {who: res.status_code for who, res in answers.items()} == {"reviewer1": 403, "admin1": 403, "officer2": 403}
    assert "法制审核人员或负责人" in answers["reviewer1"].get_json()["message"]
    assert f"《{title}》第五条" in answers["reviewer1"].get_json()["message"]
    assert walker.call("get", LEDGER, "officer1").status_code == 403
    assert walker.call("get", LEDGER, "designer1").status_code == 403
    officer = web(app, agency, "officer1")
    assert officer.get("/oversight/spot-checks").status_code == 403


def test_nobody_checks_their_own_recording_or_case(walker, app, agency):
    title = adopt_regulation(app, agency.id, "naiman-culture")
    item = _recording(walker)
    _, named = _user(app, agency, "lq", "李强（法制审核）", ["legal"])  # named on the recording as an officer
    walker.tokens["named"] = named
    res = walker.call("post", LEDGER, "named", json={"media_id": item["id"], **PROBLEM})
    assert res.status_code == 403 and "不能抽检本人的执法记录" in res.get_json()["message"]
    assert f"《{title}》第十四条：由执法局对执法人员进行抽检" in res.get_json()["message"]
    _, both = _user(app, agency, "dual", "吴迪", ["officer", "legal"])
    walker.tokens["dual"] = both
    own_case = walker.create_case(user="dual")["id"]
    res = walker.call("post", LEDGER, "dual", json={"case_id": own_case, "aspects": ["案卷文字记录"], "finding": "合格"})
    assert res.status_code == 403 and f"案件 {own_case}" in res.get_json()["message"]
    res = walker.call("post", LEDGER, "dual", json={"media_id": item["id"], "aspects": ["文明执法"], "finding": "合格"})
    assert res.status_code == 201, res.get_json()


def test_bad_input_is_refused_with_the_field_and_the_article(walker, app, agency):
    title = adopt_regulation(app, agency.id, "naiman-culture")
    item = _recording(walker)
    cases = [({"media_id": item["id"], "aspects": ["文明执法"], "finding": "存在问题", "note": "未出示证件"},
              "整改要求", f"《{title}》第十三条"),
             ({"media_id": item["id"], "aspects": ["文明执法"], "finding": "存在问题"}, "检查情况", "第十四条"),
             ({"aspects": ["文明执法"], "finding": "合格"}, "须指明抽检的案件或音像记录", "第十四条"),
             ({"media_id": item["id"], "aspects": ["着装"], "finding": "合格"}, "检查内容", "队容风纪"),
             ({"media_id": item["id"], "aspects": [], "finding": "良好"}, "检查结论", "合格、存在问题"),
             ({"media_id": 10 ** 9, "aspects": ["文明执法"], "finding": "合格"}, "音像记录", str(10 ** 9)),
             ({"media_id": item["id"], "case_id": item["case_id"] + 1000, "aspects": ["文明执法"], "finding": "合格"},
              "不一致", "案件编号")]
    for payload, *words in cases:
        res = walker.call("post", LEDGER, "legal1", json=payload)
        assert res.status_code in (404, 422), (payload, res.get_json())
        assert all(w in res.get_json()["message"] for w in words), (words, res.get_json()["message"])
    with app.app_context():
        assert db.session.scalar(select(SpotCheck.id).where(SpotCheck.agency_id == agency.id)) is None


def test_the_web_form_records_a_check_and_needs_its_csrf_token(walker, app, agency):
    item = _recording(walker)
    legal = web(app, agency, "legal1")
    page = legal.text("/oversight/spot-checks")
    assert "检查台账" in page and "naiman-culture" not in page and f'value="{item["id"]}"' in page  # no code form
    form = {"media_id": str(item["id"]), "aspects": ["队容风纪", "音像记录完整不间断"], "finding": "存在问题",
            "note": "记录中断未作语音说明", "rectification": "补作书面情况说明"}
    assert legal.post("/oversight/spot-checks", form, csrf_from=False).status_code == 400
    res = legal.post("/oversight/spot-checks", form, csrf_from="/oversight/spot-checks")
    assert res.status_code == 302, res.get_data(as_text=True)[:500]
    ledger = legal.text("/oversight/spot-checks")
    assert "记录中断未作语音说明" in ledger and "补作书面情况说明" in ledger and "待整改" in ledger
    with app.app_context():
        row = db.session.scalars(select(SpotCheck).where(SpotCheck.agency_id == agency.id)).one()
    assert row.aspects == ["队容风纪", "音像记录完整不间断"] and row.media_id == item["id"]
    assert f"follow_up_of={row.id}" in ledger

    bad = legal.post("/oversight/spot-checks", {**form, "rectification": ""}, csrf_from="/oversight/spot-checks")
    assert bad.status_code == 422 and "整改要求" in bad.get_data(as_text=True)
    reviewer = web(app, agency, "reviewer1")
    assert "登记抽检或复查" not in reviewer.text("/oversight/spot-checks")
    assert reviewer.post("/oversight/spot-checks", form, csrf_from="/oversight/spot-checks").status_code == 403
    sup = legal.text("/oversight/supervision")
    assert 'id="spot-checks"' in sup and "记录中断未作语音说明" in sup
