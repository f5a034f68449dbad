"""Records the regulations name beyond the procedure's own 文书, through the API (SQLite and PostgreSQL): the record
of a refusal to be investigated, and 鉴定意见 / 专家论证 documents."""
from __future__ import annotations

import pytest

from tests.support.app import profiled
from tests.support.walker import Walker
from webapp.loadgen.flows import file_case
from webapp.loadgen.payloads import av_recording, payload


def test_fushun_culture_11_a_refusal_to_be_questioned_is_recorded_in_place_of_the_inquiry_record(app, client):
    """fushun-culture 第十一条末款: 当事人或有关人员拒绝接受调查和提供证据的，行政执法人员要进行记录."""
    w = Walker(client, profiled(app, "fushun-culture").tokens)
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": None})
    task = w.task(cid, "t_inquiry")
    res = w.complete(cid, task)
    assert res.status_code == 422 and [m["record"] for m in res.get_json()["missing"]] == ["inquiry_record"]
    # a refusal to hand over evidence does not explain a missing 询问笔录
    w.add(cid, task, "refusal_record", payload("refusal_record", refused=["evidence_collection"]))
    res = w.complete(cid, task)
    assert res.status_code == 422 and [m["record"] for m in res.get_json()["missing"]] == ["inquiry_record"]
    bad = w.add(cid, task, "refusal_record", payload("refusal_record", officers=[], signatures=[]))
    assert bad.status_code == 422 and "officers" in str(bad.get_json())
    w.add(cid, task, "refusal_record", payload("refusal_record", refused=["inquiry_record"]))
    assert w.complete(cid, task).status_code == 200
    kinds = [r["kind"] for r in w.case(cid)["records"]]
    assert "refusal_record" in kinds and "inquiry_record" not in kinds
    listed = w.call("get", "/api/catalogue", "officer1").get_json()
    assert listed["refusal_record"]["fields"]["refused"]["items"]["choices"]["inquiry_record"] == "接受询问"


def test_lishui_city_15_an_expert_opinion_is_kept_with_its_document(app, client):
    """lishui-city 第十五条（三）: 组织专家论证的，应制作专家论证会议纪要或专家意见书 — kept with the file itself."""
    w = Walker(client, profiled(app, "lishui-city").tokens)
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": None})
    task = w.task(cid, "t_inquiry")
    res = w.add(cid, task, "expert_opinion", payload("expert_opinion", form="expert_minutes"))  # file never uploaded
    assert res.status_code == 422 and "files" in str(res.get_json())
    late = payload("expert_opinion", issued_at="2026-03-01T09:00:00+08:00", files=[w.upload(b"minutes")])
    res = w.add(cid, task, "expert_opinion", late)
    assert res.status_code == 422 and "出具时间不能早于" in str(res.get_json())
    sha = w.upload(b"expert minutes, signed by three experts", name="minutes.pdf")
    assert w.add(cid, task, "expert_opinion", payload("expert_opinion", form="expert_minutes", files=[sha])).status_code == 201
    [kept] = [r for r in w.case(cid)["records"] if r["kind"] == "expert_opinion"]
    assert kept["payload"]["files"] == [sha]


@pytest.mark.article("pishan-culture", 16)
def test_pishan_culture_16_5_a_refusal_to_be_questioned_is_itself_recorded_on_video(app, client):
    """pishan-culture 第十六条（五）: 遇有拒绝、阻碍行政执法人员依法执行公务……应进行全过程记录 — once a refusal is recorded
    at the 询问, a recording of it is required (a written reason does not do); Fushun's regulation asks only the
    written refusal record (第十一条)."""
    for code, recorded in (("pishan-culture", True), ("fushun-culture", False)):
        w = Walker(client, profiled(app, code).tokens)
        cid = file_case(w)
        w.do(cid, "t_plan", {"investigation_plan": None})
        task = w.task(cid, "t_inquiry")
        w.add(cid, task, "refusal_record", payload("refusal_record", refused=["inquiry_record"]))
        w.add(cid, task, "av_not_suitable")
        res = w.complete(cid, task)
        if not recorded:
            assert res.status_code == 200, res.get_json()
            continue
        body = res.get_json()
        assert res.status_code == 422 and "《皮山县文化体育广播电视和旅游局行政执法全过程记录制度》第十六条（五）" in body["message"], body
        w.add(cid, task, "av_recording", av_recording(w.upload(b"pishan obstruction clip")))
        assert w.complete(cid, task).status_code == 200
