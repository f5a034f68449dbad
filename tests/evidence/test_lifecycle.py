"""Handover deadlines, gaps, integrity, retention and disposal of recordings, through the API."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from handlers import profiles
from handlers.clock import CHINA
from tests.support.media import MiB, upload
from tests.support.storage import raw_delete, raw_write, stored_bytes
from tests.support.tamper import tamper
from webapp.db import db
from webapp.evidence import access as media_access
from webapp.models import Agency, AuditEntry, StoredFile

PISHAN = "皮山县文化体育广播电视和旅游局行政执法全过程记录制度"


def _handover_rules(code: str) -> list[dict]:
    """The profile's rules on handing recordings over (the articles the A/V register names come from them)."""
    return [r.to_json() for r in profiles.load(code).rules if r.id.startswith("av-handover")]


def _set_profile(app, agency_id: int, **values) -> None:
    with app.app_context():
        agency = db.session.get(Agency, agency_id)
        agency.profile = {**(agency.profile or {}), **values}
        db.session.commit()


def _actions(app, case_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case_id)
                                       .order_by(AuditEntry.seq)))


def test_late_handover_is_accepted_but_flagged_on_the_case_and_in_figures(walker, app, agency, clock):
    """fushun-culture 第三十一条: 24 hours, the article from the agency's av-handover rule."""
    cid = walker.create_case()["id"]
    bare = upload(walker, cid, seed=40)
    assert bare["handover_rule"] == "24小时"  # no regulation's rule: no county's article
    _set_profile(app, agency.id, rules=_handover_rules("fushun-culture"))
    ended = clock.now() - dt.timedelta(hours=30)
    late = upload(walker, cid, seed=41, ended_at=ended.isoformat(),
                  started_at=(ended - dt.timedelta(minutes=20)).isoformat())
    on_time = upload(walker, cid, seed=42)
    assert late["late"] is True and on_time["late"] is False
    assert "24小时" in late["handover_rule"] and "fushun-culture 第三十一条" in late["handover_rule"]
    view = walker.call("get", f"/api/media/cases/{cid}", "officer1").get_json()
    assert [f["media_id"] for f in view["flags"] if f["flag"] == "late"] == [late["id"]]
    assert "逾期移交" in view["flags"][0]["message"]
    figures = walker.call("get", "/api/media/figures", "approver1").get_json()
    assert figures["late"] == 1 and figures["late_by_officer"] == {"张明": 1} and figures["late_cases"] == [cid]
    assert walker.call("get", "/api/media/figures", "officer1").status_code == 403
    remote = upload(walker, cid, seed=43, ended_at=ended.isoformat(),
                    started_at=(ended - dt.timedelta(minutes=20)).isoformat(),
                    remote_reason="在边远山区连续执法，无法及时移交", returned_at=(clock.now() - dt.timedelta(hours=2)).isoformat())
    assert remote["late"] is False and "返回单位后24小时" in remote["handover_rule"]


def test_one_working_day_profile_is_read_from_the_agency(walker, app, agency, clock):
    now = clock.now().astimezone(CHINA)  # a Monday morning ahead: the shared clock may stand just after midnight
    clock.set((now + dt.timedelta(days=7 - now.weekday())).replace(hour=10, minute=0, second=0, microsecond=0))
    _set_profile(app, agency.id, av_handover_working_days=1, rules=_handover_rules("pishan-culture"))
    cid = walker.create_case()["id"]
    item = upload(walker, cid, seed=44)
    assert "1个工作日" in item["handover_rule"] and "pishan-culture 第十九条" in item["handover_rule"]
    due = dt.datetime.fromisoformat(item["handover_due_at"])
    assert due - clock.now() > dt.timedelta(hours=24)


def test_a_gap_shows_on_the_case_until_it_is_explained(walker, app, clock):
    cid = walker.create_case()["id"]
    cut = (clock.now() - dt.timedelta(hours=1, minutes=20)).isoformat()
    item = upload(walker, cid, seed=45, interruptions=[{"started_at": cut, "cause": "设备电量耗尽"}])
    assert item["gap"] is True and item["gap_explained"] is False
    flags = walker.call("get", f"/api/media/cases/{cid}", "officer1").get_json()["flags"]
    assert [f["flag"] for f in flags] == ["gap_unexplained"] and "工作情况说明" in flags[0]["message"]
    bad = walker.call("post", f"/api/media/{item['id']}/explanations", "officer1", json={"form": "voice", "text": "设备电量耗尽，更换电池后继续"})
    assert bad.status_code == 422 and "voice_sha256" in bad.get_json()["fields"]
    voice = upload(walker, cid, size=100_000, content_type="audio/amr", seed=46)
    res = walker.call("post", f"/api/media/{item['id']}/explanations", "officer1",
                      json={"form": "voice", "text": "设备电量耗尽，更换电池后继续记录", "voice_sha256": voice["sha256"]})
    assert res.status_code == 201
    view = walker.call("get", f"/api/media/cases/{cid}", "officer1").get_json()
    assert [f["flag"] for f in view["flags"]] == ["gap"] and view["explanations"][0]["form"] == "voice"
    assert walker.call("get", "/api/media/figures", "approver1").get_json()["gaps_unexplained"] == 0


def test_tampering_with_a_file_or_a_row_is_caught(walker, app):
    cid = walker.create_case()["id"]
    item = upload(walker, cid, size=2 * MiB, seed=47)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["liuhen", "verify"]).exit_code == 0
    store, sha = app.extensions["liuhen.files"], item["sha256"]
    original = stored_bytes(store, sha)
    raw_write(store, sha, original[:MiB] + b"edited" + original[MiB + 6:])
    try:  # a file older than the last verify that passed: its bytes are rehashed by --full (the default looks it up)
        result = runner.invoke(args=["liuhen", "verify", "--full"])
        assert result.exit_code == 1 and f"文件 {sha}: 文件内容被改动" in result.output
        # handing over the same recording again must not overwrite the stored object: names are written once
        again = upload(walker, cid, size=2 * MiB, seed=47)
        assert again["repeated"] is True and stored_bytes(store, sha) != original
        raw_delete(store, sha)
        result = runner.invoke(args=["liuhen", "verify"])
        assert result.exit_code == 1 and f"文件 {sha}: 文件缺失" in result.output
        assert walker.call("get", f"/api/media/{item['id']}/content", "officer1").status_code == 404
    finally:
        raw_write(store, sha, original)
    with app.app_context():
        tamper("UPDATE media_items SET place = '别处' WHERE id = :id", id=item["id"])
        try:
            assert [str(b) for b in media_access.verify_rows()] == [f"media_items id={item['id']}: 内容与哈希不符：该行被改动"]
        finally:
            tamper("UPDATE media_items SET place = :p WHERE id = :id", id=item["id"], p=item["place"])
        assert media_access.verify_rows() == []
    stray = "abcd" + "0" * 60
    raw_write(store, stray, b"planted")
    try:
        result = runner.invoke(args=["liuhen", "verify"])
        assert result.exit_code == 1 and f"文件 {stray}: 文件库中有未登记的文件" in result.output
    finally:
        raw_delete(store, stray)
    assert runner.invoke(args=["liuhen", "verify"]).exit_code == 0


def test_the_database_refuses_changes_to_media_rows(walker, app):
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    cid = walker.create_case()["id"]
    upload(walker, cid, seed=48)
    with app.app_context():
        for sql in ("UPDATE media_items SET place = 'x' WHERE case_id = :c", "DELETE FROM media_items WHERE case_id = :c"):
            with pytest.raises(DatabaseError, match="只能追加"):
                db.session.execute(text(sql), {"c": cid})
            db.session.rollback()


def test_disposal_is_refused_before_the_period_and_allowed_after_with_approval(walker, app, agency, clock):
    _set_profile(app, agency.id, av_retention_months=36, code="pishan-culture", regulation=PISHAN,
                 av_retention_basis="pishan-culture 第二十条")
    cid = walker.create_case()["id"]
    item = upload(walker, cid, size=2 * MiB, seed=49)
    ask = {"kind": "disposal", "sha256": item["sha256"], "reason": "保存期限届满，按规定销毁"}
    res = walker.call("post", "/api/media/requests", "admin1", json=ask)
    assert res.status_code == 409 and "保存期限未满" in res.get_json()["message"]
    assert f"《{PISHAN}》第二十条" in res.get_json()["message"]
    start = clock.now()
    try:
        clock.advance(days=365 * 3 - 5)
        assert walker.call("post", "/api/media/requests", "admin1", json=ask).status_code == 409
        clock.advance(days=10)
        res = walker.call("post", "/api/media/requests", "admin1", json=ask)
        assert res.status_code == 201, res.get_json()
        rid = res.get_json()["id"]
        assert walker.call("post", f"/api/media/requests/{rid}/decision", "officer1",
                           json={"approve": True}).status_code == 403
        res = walker.call("post", f"/api/media/requests/{rid}/decision", "approver1",
                          json={"approve": True, "note": "同意销毁"})
        assert res.status_code == 200 and res.get_json()["status"] == "approved"
        assert not app.extensions["liuhen.files"].exists(item["sha256"])
        after = walker.call("get", f"/api/media/{item['id']}", "officer1").get_json()
        assert after["sha256"] == item["sha256"] and after["disposed_at"] and after["row_hash"] == item["row_hash"]
        assert walker.call("get", f"/api/media/{item['id']}/content", "officer1").status_code == 409
        with app.app_context():
            assert db.session.get(StoredFile, item["sha256"]) is not None
        result = app.test_cli_runner().invoke(args=["liuhen", "verify"])
        assert result.exit_code == 0, result.output
        assert "file.disposed" in _actions(app, cid)
        again = walker.call("post", "/api/media/requests", "admin1", json=ask)
        assert again.status_code == 409 and "已销毁" in again.get_json()["message"]
    finally:
        clock.set(start)


def test_long_term_holds_block_disposal(walker, app, agency, clock):
    _set_profile(app, agency.id, av_retention_months=6)
    cid = walker.create_case()["id"]
    item = upload(walker, cid, seed=50)
    res = walker.call("post", f"/api/media/cases/{cid}/holds", "officer1",
                      json={"trigger": "complaint", "note": "当事人申请行政复议"})
    assert res.status_code == 201
    start = clock.now()
    try:
        clock.advance(days=400)
        res = walker.call("post", "/api/media/requests", "admin1",
                          json={"kind": "disposal", "sha256": item["sha256"], "reason": "期满销毁申请"})
        assert res.status_code == 409 and "长期保存" in res.get_json()["message"] and "复议" in res.get_json()["message"]
        shown = walker.call("get", f"/api/media/{item['id']}", "officer1").get_json()
        assert shown["long_term"] == ["complaint"] and shown["retention_until"] is None
    finally:
        clock.set(start)


def test_an_interrupted_av_record_needs_its_explanation_at_the_gate(walker, clock):
    from webapp.loadgen.flows import file_case
    from webapp.loadgen.payloads import av_recording

    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": None})
    walker.do(cid, "t_inquiry", {"inquiry_record": None})
    item = upload(walker, cid, seed=51)
    task = walker.task(cid, "t_inspection")
    cut = {"started_at": clock.now().isoformat(), "cause": "暴雨致设备进水"}
    res = walker.add(cid, task, "av_recording", {**av_recording(item["sha256"]), "interruptions": [cut]})
    assert res.status_code == 422 and "工作情况说明" in str(res.get_json()["fields"]["explanation"])
    res = walker.add(cid, task, "av_recording", {**av_recording(item["sha256"]), "interruptions": [cut],
                                                 "explanation": "暴雨致设备进水中断约五分钟，更换设备后继续记录"})
    assert res.status_code == 201
    walker.do(cid, "t_inspection", {"inspection_record": None})
    assert [t["name"] for t in walker.ready(cid)] == ["t_report"]
