"""Recording and signature rules of the agency's law, read by the gate through the API (on SQLite and PostgreSQL).

Each regulation says whether a written reason may replace the recording: fushun-culture 第十二条 and
changli-market 第十一条 allow it, naiman-culture 第八条, fushun-culture 第十四条第二款 and changli-market
第十二条 do not.  Refusals cite the agency's own regulation and national law by their real titles.
"""
from __future__ import annotations

import pytest

from handlers.catalogue import CATALOGUE
from tests.support.app import profiled
from tests.support.flows import start
from tests.support.walker import Walker
from webapp.loadgen.flows import approval_steps, file_case, investigate, report_to_statement, simple
from webapp.loadgen.payloads import OFFICER_SIGS, PARTY_REFUSED, av_recording, payload

NO_EXCEPTION = "不得以不适宜音像记录的书面理由代替"
NAIMAN = "《奈曼旗文化市场综合执法全过程记录规范》第八条"
FUSHUN_12 = "《抚顺县文化市场综合执法全过程记录实施办法》第十二条"
CHANGLI_12 = "《昌黎县市场监管局行政执法全过程记录实施办法》第十二条"


def _preservation(w: Walker) -> tuple[int, dict]:
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": payload("investigation_plan", measures=["preservation"])})
    for name, records in approval_steps():
        w.do(cid, name, records)
    return cid, w.task(cid, "t_preservation")


def test_naiman_culture_8_preservation_must_be_recorded_a_written_reason_is_refused(app, client):
    w = Walker(client, profiled(app, "naiman-culture").tokens)
    cid, task = _preservation(w)
    assert w.add(cid, task, "evidence_preservation").status_code == 201
    assert w.add(cid, task, "av_not_suitable").status_code == 201
    res = w.complete(cid, task)
    body = res.get_json()
    assert res.status_code == 422 and NO_EXCEPTION in body["message"] and NAIMAN in body["message"], body
    assert [m["cited"] for m in body["missing"]] == [[NAIMAN]]
    assert w.add(cid, task, "av_recording", av_recording(w.upload(b"naiman preservation clip"))).status_code == 201
    assert w.complete(cid, task).status_code == 200


def test_fushun_culture_12_inspection_admits_a_written_reason_and_cites_only_fushun(app, client):
    w = Walker(client, profiled(app, "fushun-culture").tokens)
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": payload("investigation_plan", measures=["inspection"])})
    task = w.task(cid, "t_inspection")
    w.add(cid, task, "inspection_record")
    res = w.complete(cid, task)
    message = res.get_json()["message"]
    assert res.status_code == 422 and FUSHUN_12 in message and NO_EXCEPTION not in message
    assert "lishui" not in message and "丽水" not in message and "fushun-culture" not in message
    assert w.add(cid, task, "av_not_suitable").status_code == 201
    assert w.complete(cid, task).status_code == 200


def test_changli_market_12_collective_discussion_needs_a_sound_recording(app, client):
    w = Walker(client, profiled(app, "changli-market").tokens)
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": None})
    w.do(cid, "t_inquiry", {"inquiry_record": None, "av_not_suitable": None})  # 第十一条 allows a reason
    w.do(cid, "t_inspection", {"inspection_record": None, "av_not_suitable": None})
    report_to_statement(w, cid, major=True)
    w.do(cid, "t_legal", {"legal_review": None})
    task = w.task(cid, "t_collective")
    w.add(cid, task, "collective_discussion")
    w.add(cid, task, "av_not_suitable")
    res = w.complete(cid, task)
    body = res.get_json()
    assert res.status_code == 422 and CHANGLI_12 in body["message"] and "录音" in body["message"], body
    assert w.add(cid, task, "av_recording", av_recording(w.upload(b"changli discussion audio"))).status_code == 201
    assert w.complete(cid, task).status_code == 200


def test_xingzheng_qiangzhi_fa_18_a_witness_who_did_not_sign_is_no_witness():
    """行政强制法 第十八条（六）: with the party absent, the witness and the officers sign the 现场笔录."""
    unsigned = {"signer": "李四（社区网格员）", "capacity": "witness", "signed": False, "refusal_note": "拒绝签名"}
    signed = {"signer": "李四（社区网格员）", "capacity": "witness", "signed": True}
    absent = {"party_present": False, "witness": "李四（社区网格员）"}
    record = CATALOGUE["coercive_record"]
    errors = record.validate(payload("coercive_record", **absent, signatures=OFFICER_SIGS + [unsigned]), lambda _: True)
    assert "第十八条" in str(errors) and "signatures" in errors
    assert record.validate(payload("coercive_record", **absent, signatures=OFFICER_SIGS + [signed]), lambda _: True) == {}


def test_lishui_city_13_a_refusal_to_sign_on_an_inspection_needs_video_or_audio(app, client):
    """丽水市 第十三条 binds 行政检查 too (not only the general procedure's inspection record)."""
    w = Walker(client, profiled(app, "lishui-city").tokens)
    cid = start(w, "inspection")
    task = w.task(cid, "t_check")
    refused = payload("inspection_check", signatures=OFFICER_SIGS + [PARTY_REFUSED])
    assert w.add(cid, task, "inspection_check", refused).status_code == 201
    res = w.complete(cid, task)
    assert res.status_code == 422 and "《丽水市行政执法全过程记录实施办法》第十三条" in res.get_json()["message"]
    assert w.add(cid, task, "av_recording", av_recording(w.upload(b"lishui check refusal"))).status_code == 201
    assert w.complete(cid, task).status_code == 200


def test_pishan_culture_16_an_on_the_spot_penalty_is_recorded_or_the_reason_written(app, client):
    """皮山县 第十六条（一）: 当场处罚 is recorded in full; 第十七条 lets a written reason stand in."""
    w = Walker(client, profiled(app, "pishan-culture").tokens)
    cid = start(w, "simple_procedure")
    for name, records in simple()[:2]:
        w.do(cid, name, records)
    task = w.task(cid, "t_onspot_decision")
    w.add(cid, task, "onspot_decision")
    res = w.complete(cid, task)
    assert res.status_code == 422
    assert "《皮山县文化体育广播电视和旅游局行政执法全过程记录制度》第十六条（一）" in res.get_json()["message"]
    assert w.add(cid, task, "av_not_suitable").status_code == 201
    assert w.complete(cid, task).status_code == 200


def test_changli_market_13_an_order_to_correct_is_recorded_or_photographed(app, client):
    """昌黎县 第十三条 (责令改正) and 第十八条 (行政检查) bind the 行政检查 procedure, not only the general one."""
    w = Walker(client, profiled(app, "changli-market").tokens)
    cid = start(w, "inspection")
    check = w.task(cid, "t_check")
    w.add(cid, check, "inspection_check", payload("inspection_check", outcome="correction"))
    res = w.complete(cid, check)
    assert res.status_code == 422 and "《昌黎县市场监管局行政执法全过程记录实施办法》第十八条" in res.get_json()["message"]
    w.add(cid, check, "av_not_suitable")
    assert w.complete(cid, check).status_code == 200
    task = w.task(cid, "t_correction_order")
    w.add(cid, task, "correction_order")
    res = w.complete(cid, task)
    assert res.status_code == 422 and "《昌黎县市场监管局行政执法全过程记录实施办法》第十三条" in res.get_json()["message"]
    assert w.add(cid, task, "av_recording", av_recording(w.upload(b"changli correction photos"))).status_code == 201
    assert w.complete(cid, task).status_code == 200


def test_guoban_2018_118_a_seizure_is_recorded_throughout_even_where_the_county_is_silent(app, client):
    """国办发〔2018〕118号 三（八）: 对查封扣押财产……要推行全程音像记录 — binds changli-market, whose regulation says nothing
    of seizures: a written reason is refused, citing the guidance by its title."""
    w = Walker(client, profiled(app, "changli-market").tokens)
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": payload("investigation_plan", measures=["coercive"])})
    w.do(cid, "t_coercive_request", {"coercive_request": payload("coercive_request", emergency=True)})
    task = w.task(cid, "t_coercive_onsite")
    w.add(cid, task, "coercive_decision")
    w.add(cid, task, "coercive_record")
    w.add(cid, task, "av_not_suitable")
    res = w.complete(cid, task)
    body = res.get_json()
    assert res.status_code == 422 and NO_EXCEPTION in body["message"], body
    assert "《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》三（八）" in body["message"]
    w.add(cid, task, "av_recording", av_recording(w.upload(b"changli seizure footage")))
    assert w.complete(cid, task).status_code == 200


@pytest.mark.article("lishui-city", 13)
def test_lishui_city_13_a_party_refusing_to_sign_the_onsite_notice_record_is_recorded_on_video(app, client):
    """lishui-city 第十三条: 告知 made on the spot is a 笔录 the officer and the party sign; a party who refuses has the
    refusal noted and recorded by video or audio — a written reason does not do.  A 告知书 (served, proved by its
    回证) needs no signatures; Fushun's regulation sets no such recording."""
    onsite = payload("prior_notice", manner="onsite")
    for code, recorded in (("lishui-city", True), ("fushun-culture", False)):
        w = Walker(client, profiled(app, code).tokens)
        cid = file_case(w)
        investigate(w, cid, w.upload(f"{code} inspection clip".encode()))
        w.do(cid, "t_report", {"investigation_report": None})
        w.do(cid, "t_case_review", {"case_review": None})
        task = w.task(cid, "t_notice")
        res = w.add(cid, task, "prior_notice", onsite)
        assert res.status_code == 422 and "signatures" in res.get_json()["fields"], res.get_json()
        assert w.add(cid, task, "prior_notice", {**onsite, "signatures": OFFICER_SIGS + [PARTY_REFUSED]}).status_code == 201
        w.add(cid, task, "av_not_suitable")
        res = w.complete(cid, task)
        if not recorded:
            assert res.status_code == 200, res.get_json()
            continue
        assert res.status_code == 422 and "《丽水市行政执法全过程记录实施办法》第十三条" in res.get_json()["message"]
        w.add(cid, task, "av_recording", av_recording(w.upload(b"lishui notice refusal clip")))
        assert w.complete(cid, task).status_code == 200
