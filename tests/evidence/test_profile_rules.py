"""A/V rules read from the agency profile: gaps block the gate, recorders per officer, the device check
before use, and internal records (each refusal names its article)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from handlers import profiles, workcalendar
from tests.support.media import MiB, start, upload
from webapp.db import db
from webapp.loadgen.flows import file_case
from webapp.loadgen.payloads import av_recording
from webapp.models import Agency, AuditEntry


def _adopt(app, agency_id: int, code: str, *keys: str) -> dict:
    """Give the test agency these keys of a shipped profile, as `create-agency` would store them, and the
    profile's code and regulation (articles are cited from the agency's own regulation only)."""
    flat = profiles.load(code).agency_profile(workcalendar.national())
    with app.app_context():
        agency = db.session.get(Agency, agency_id)
        agency.profile = {**(agency.profile or {}), **{k: flat[k] for k in ("code", "regulation", *keys)}}
        db.session.commit()
    return flat


def _adopt_rules(app, agency_id: int, code: str, *ids: str) -> None:
    """Add these rules of a shipped profile to the test agency's own (the articles the gate cites come from them)."""
    rules = [r.to_json() for r in profiles.load(code).rules if r.id in ids]
    assert len(rules) == len(ids)
    with app.app_context():
        agency = db.session.get(Agency, agency_id)
        agency.profile = {**(agency.profile or {}), "rules": rules}
        db.session.commit()


def _at_inspection(walker) -> tuple[int, dict]:
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": None})
    walker.do(cid, "t_inquiry", {"inquiry_record": None})
    task = walker.task(cid, "t_inspection")
    assert walker.add(cid, task, "inspection_record").status_code == 201
    return cid, task


def _cut(clock) -> list[dict]:
    return [{"started_at": (clock.now() - dt.timedelta(hours=1, minutes=20)).isoformat(), "cause": "暴雨致设备进水"}]


def test_an_unexplained_gap_in_a_handed_over_recording_blocks_its_task(walker, app, agency, clock):
    """naiman-culture 第十条, cited from the agency's av-gap rule."""
    _adopt(app, agency.id, "naiman-culture")
    _adopt_rules(app, agency.id, "naiman-culture", "av-gap")
    cid, task = _at_inspection(walker)
    item = upload(walker, cid, seed=100, interruptions=_cut(clock))
    assert walker.add(cid, task, "av_recording", av_recording(item["sha256"])).status_code == 201
    res = walker.complete(cid, task)
    assert res.status_code == 422, res.get_json()
    message = res.get_json()["message"]
    assert f"音像记录“{item['file_name']}”记录中断或不完整" in message and "工作情况说明" in message
    assert "《奈曼旗文化市场综合执法全过程记录规范》第十条" in message and "pishan" not in message and "皮山" not in message  # its own regulation only
    shown = walker.call("get", f"/api/cases/{cid}/tasks/{task['id']}", "officer1").get_json()["missing"]
    assert any(item["file_name"] in m["title"] for m in shown)
    res = walker.call("post", f"/api/media/{item['id']}/explanations", "officer1",
                      json={"form": "written", "text": "暴雨致设备进水，中断约五分钟，更换设备后继续记录"})
    assert res.status_code == 201
    assert walker.complete(cid, task).status_code == 200



def test_a_gap_is_refused_without_the_article_where_the_regulation_has_no_gap_rule(walker, app, agency, clock):
    """naiman-culture 第十条 and pishan-culture 第十九条 are their rules' (av-gap), not the gate's: an agency whose
    regulation has none is still refused an unexplained gap, citing no county's article."""
    _adopt(app, agency.id, "naiman-culture")  # naiman's title, but its rules left out
    cid, task = _at_inspection(walker)
    item = upload(walker, cid, seed=109, interruptions=_cut(clock))
    assert walker.add(cid, task, "av_recording", av_recording(item["sha256"])).status_code == 201
    res = walker.complete(cid, task)
    assert res.status_code == 422, res.get_json()
    line = next(m for m in res.get_json()["missing"] if item["file_name"] in m["title"])
    assert line["basis"] == [] and line["cited"] == [] and "第十条" not in line["message"]

def test_a_recording_handed_over_for_the_task_counts_even_if_the_record_names_another(walker, clock):
    cid, task = _at_inspection(walker)
    clean = upload(walker, cid, seed=101, task_id=task["id"])
    cut = upload(walker, cid, seed=102, task_id=task["id"], incomplete=True)
    assert walker.add(cid, task, "av_recording", av_recording(clean["sha256"])).status_code == 201
    res = walker.complete(cid, task)
    assert res.status_code == 422 and cut["file_name"] in res.get_json()["message"]
    both = {**av_recording(clean["sha256"]), "files": [clean["sha256"], cut["sha256"]], "incomplete": True,
            "explanation": "现场停电，执法记录仪未能记录最后十分钟，已书面说明"}
    assert walker.add(cid, task, "av_recording", both).status_code == 201
    assert walker.complete(cid, task).status_code == 200


@pytest.mark.article("pishan-culture", 18)
def test_one_recorder_per_two_officers_where_a_task_is_recorded(walker, app, agency):
    """pishan-culture 第十八条: 配备执法记录仪或者手持执法终端，应当符合每两名执法人员不低于一台的要求."""
    _adopt(app, agency.id, "pishan-culture", "officers_per_recorder", "officers_per_recorder_basis")
    cid, task = _at_inspection(walker)  # the inspection record names 张明 and 李强
    four = ["张明", "李强", "王刚", "赵伟"]
    first = upload(walker, cid, seed=103, task_id=task["id"], officers=four, device_id="DSJ-01")
    assert walker.add(cid, task, "av_recording", av_recording(first["sha256"])).status_code == 201
    res = walker.complete(cid, task)
    assert res.status_code == 422
    message = res.get_json()["message"]
    assert "4 名执法人员" in message and "至少 2 台" in message and "实有 1 台（DSJ-01）" in message
    assert "《皮山县文化体育广播电视和旅游局行政执法全过程记录制度》第十八条" in message
    upload(walker, cid, seed=104, task_id=task["id"], officers=["王刚", "赵伟"], device_id="DSJ-02")
    assert walker.complete(cid, task).status_code == 200


def test_two_officers_with_one_recorder_pass_the_device_rule(walker, app, agency):
    _adopt(app, agency.id, "pishan-culture", "officers_per_recorder", "officers_per_recorder_basis")
    cid, task = _at_inspection(walker)
    item = upload(walker, cid, seed=105, task_id=task["id"])
    assert walker.add(cid, task, "av_recording", av_recording(item["sha256"])).status_code == 201
    assert walker.complete(cid, task).status_code == 200


def test_the_device_must_be_checked_before_use_where_the_profile_says_so(walker, app, agency):
    cid = walker.create_case()["id"]
    assert start(walker, cid, MiB).status_code == 201  # this agency's profile does not ask
    _adopt(app, agency.id, "naiman-culture", "device_check_before_use", "device_check_basis")
    res = start(walker, cid, MiB)
    assert res.status_code == 422 and "device_checked" in res.get_json()["fields"]
    assert "《奈曼旗文化市场综合执法全过程记录规范》第十条" in res.get_json()["message"] and "电量" in res.get_json()["message"]
    item = upload(walker, cid, seed=106, device_checked=True)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "media.uploaded",
                                                           AuditEntry.case_id == cid))
        assert entry.detail["media_id"] == item["id"] and entry.detail["device_checked"] is True


def test_internal_records_go_only_to_state_organs_handling_a_case(walker, app, agency):
    """naiman-culture 第十二条: internal records; a party's copy withholds protected persons, citing the rule."""
    flat = _adopt(app, agency.id, "naiman-culture", "confidentiality", "confidentiality_basis")
    assert flat["confidentiality"] == "internal"
    cid = walker.create_case()["id"]
    item = upload(walker, cid, seed=107)
    ask = {"kind": "copy_external", "media_ids": [item["id"]], "department": "某报社", "reason": "新闻报道需要"}
    res = walker.call("post", "/api/media/requests", "officer1", json=ask)
    assert res.status_code == 403 and "不向社会公开" in res.get_json()["message"]
    assert "《奈曼旗文化市场综合执法全过程记录规范》第十二条" in res.get_json()["message"] and "recipient_kind" in res.get_json()["fields"]
    organ = {**ask, "department": "旗纪委监委", "reason": "核查信访举报", "recipient_kind": "supervision"}
    res = walker.call("post", "/api/media/requests", "officer1", json=organ)
    assert res.status_code == 403 and "case_reference" in res.get_json()["fields"]
    bad = walker.call("post", "/api/media/requests", "officer1", json={**organ, "recipient_kind": "press"})
    assert bad.status_code == 422 and "recipient_kind" in bad.get_json()["fields"]
    rid = walker.call("post", "/api/media/requests", "officer1",
                      json={**organ, "case_reference": "奈纪监〔2026〕7号"}).get_json()["id"]
    walker.call("post", f"/api/media/requests/{rid}/decision", "approver1", json={"approve": True, "note": "同意"})
    export = {"case_id": cid, "media_ids": [item["id"]], "purpose": "department", "department": "旗纪委监委",
              "extractor": "旗纪委监委 周九"}
    res = walker.call("post", "/api/media/exports", "officer1", json=export)
    assert res.status_code == 403 and "《奈曼旗文化市场综合执法全过程记录规范》第十二条" in res.get_json()["message"]
    res = walker.call("post", "/api/media/exports", "officer1",
                      json={**export, "recipient_kind": "supervision", "case_reference": "奈纪监〔2026〕7号"})
    assert res.status_code == 201, res.get_json()
    assert res.get_json()["manifest"]["recipient_kind"] == "supervision"
    # the same article lets the party copy what concerns them, protected persons withheld
    protected = upload(walker, cid, seed=108, protected_persons=True)
    res = walker.call("post", "/api/media/exports", "officer1",
                      json={"case_id": cid, "media_ids": [item["id"], protected["id"]], "purpose": "party",
                            "extractor": "当事人 王五"})
    assert res.status_code == 201
    assert [f["media_id"] for f in res.get_json()["manifest"]["files"]] == [item["id"]]
    withheld = res.get_json()["manifest"]["withheld"]
    assert withheld[0]["media_id"] == protected["id"] and "第十二条" not in withheld[0]["reason"]  # no rule, no article
    _adopt_rules(app, agency.id, "naiman-culture", "party-copy-masked")  # naiman-culture 第十二条 as its rule
    res = walker.call("post", "/api/media/exports", "officer1",
                      json={"case_id": cid, "media_ids": [item["id"], protected["id"]], "purpose": "party",
                            "extractor": "当事人 王五"})
    assert "《奈曼旗文化市场综合执法全过程记录规范》第十二条" in res.get_json()["manifest"]["withheld"][0]["reason"]


def test_a_device_rule_without_its_article_is_refused():
    text = (profiles.PROFILES_DIR / "pishan-culture" / "profile.toml").read_text(encoding="utf-8")
    assert 'officers_per_recorder_basis = "pishan-culture 第十八条"' in text
    with pytest.raises(profiles.ProfileError, match="officers_per_recorder_basis"):
        profiles.parse(text.replace('officers_per_recorder_basis = "pishan-culture 第十八条"\n', ""))


def test_the_device_rule_counts_officers_in_the_records_and_the_recorded_device():
    """Pure gate: files attached without metadata count as the one device their 音像记录 names."""
    from handlers import gate
    from handlers.task_rules import TaskRules

    rules = TaskRules(records=("inspection_record",), av="required", basis=("x 第一条",), av_basis=("x 第一条",),
                      deadline=None)
    officers = [{"name": n, "certificate_no": str(i)} for i, n in enumerate(["张明", "李强", "王刚"])]
    records = {"inspection_record": [{"officers": officers}], "av_recording": [{"device_id": "DSJ-09", "files": []}]}
    facts = gate.AvFacts(officers_per_recorder=2, officers_per_recorder_basis="pishan-culture 第十八条")
    found = [m for m in gate.missing(rules, records, lambda _: True, facts) if "执法记录设备" in m.title]
    assert len(found) == 1 and found[0].basis == ("pishan-culture 第十八条",) and "实有 1 台（DSJ-09）" in found[0].title
    assert not [m for m in gate.missing(rules, records, lambda _: True, gate.AvFacts()) if "执法记录设备" in m.title]
    optional = TaskRules(records=rules.records, av="optional", basis=rules.basis, av_basis=rules.av_basis, deadline=None)
    assert not [m for m in gate.missing(optional, records, lambda _: True, facts) if "执法记录设备" in m.title]
