"""Articles of 《皮山县文化体育广播电视和旅游局行政执法全过程记录制度》 and 《奈曼旗文化市场综合执法全过程记录规范》 that the
gate enforces at a step, one test each, through the JSON API (SQLite and PostgreSQL): the refusal cites the article by
the regulation's real title, and an agency of another county is not cited it."""
from __future__ import annotations

import pytest

from tests.support.app import profiled
from tests.support.articles import cites, general, refused
from tests.support.flows import start
from tests.support.walker import Walker
from webapp.loadgen.flows import file_case
from webapp.loadgen.payloads import OFFICER_SIGS, payload

pytestmark = pytest.mark.xdist_group("articles_pishan_naiman")  # its walks are shared per process

PISHAN = "《皮山县文化体育广播电视和旅游局行政执法全过程记录制度》"
NAIMAN = "《奈曼旗文化市场综合执法全过程记录规范》"


@pytest.mark.article("pishan-culture", 7)
def test_pishan_culture_7_an_inquiry_is_recorded_on_video_as_well_as_in_writing(app, client):
    """pishan-culture 第七条: 行政执法人员应在相关调查笔录中……进行文字记录……对调查取证过程进行同步音像记录 — a Pishan 询问 with
    its 笔录 but no recording is refused citing the article; Fushun's regulation asks a recording only of 现场检查、抽样、
    听证 (第十二条), so a Fushun 询问 with its 笔录 alone is not refused for a recording."""
    body = refused(app, client, "pishan-culture", general(), "t_inquiry", records={"inquiry_record": None})
    assert list(body["cited"]) == ["av_recording"] and cites(body, "av_recording", f"{PISHAN}第七条"), body
    body = refused(app, client, "pishan-culture", general(), "t_inquiry")
    assert cites(body, "inquiry_record", f"{PISHAN}第七条"), body
    w = Walker(client, profiled(app, "fushun-culture").tokens)
    cid = w.create_case()["id"]
    for name, records in general()[:3]:
        w.do(cid, name, records)
    w.do(cid, "t_plan", {"investigation_plan": None})
    w.do(cid, "t_inquiry", {"inquiry_record": None})


@pytest.mark.article("pishan-culture", 10)
def test_pishan_culture_10_an_inspection_is_recorded_on_video_unless_unsuitable(app, client):
    """pishan-culture 第十条: 采取现场检查（勘验）、抽样调查和听证取证方式的，应同时进行音像记录，不适宜音像记录的除外 — a Pishan
    现场检查 with its 笔录 alone is refused citing the article, and the refusal admits the written reason (the exception)."""
    body = refused(app, client, "pishan-culture", general(), "t_inspection", records={"inspection_record": None})
    assert list(body["cited"]) == ["av_recording"] and cites(body, "av_recording", f"{PISHAN}第十条"), body
    assert "不得以不适宜音像记录的书面理由代替" not in body["message"]


@pytest.mark.article("naiman-culture", 3)
def test_naiman_culture_3_an_inspection_is_recorded_from_its_start(app, client):
    """naiman-culture 第三条: 本规范所称执法全过程，是指从行政执法程序启动直至执法程序完结经历的过程 — a Naiman 行政检查 is not
    done without its 检查记录, citing the article; a Fushun agency at the same step is not cited Naiman's regulation."""
    for code in ("naiman-culture", "fushun-culture"):
        w = Walker(client, profiled(app, code).tokens)
        cid = start(w, "inspection")
        res = w.complete(cid, w.task(cid, "t_check"))
        body = res.get_json()
        [check] = [m for m in body["missing"] if m["record"] == "inspection_check"]
        assert res.status_code == 422 and (f"{NAIMAN}第三条" in check["cited"]) == (code == "naiman-culture"), body
        assert (NAIMAN in body["message"]) == (code == "naiman-culture")


@pytest.mark.article("pishan-culture", 9)
def test_pishan_culture_9_the_inquiry_records_signature_check_stands_on_article_9(app, client):
    """pishan-culture 第九条: 调查、取证可采取以下方式进行文字记录 — the 笔录 it lists bear the signatures of the officers and
    the party: an unsigned party line without the refusal noted is not saved, and the 案卷评查 check of the signatures
    stands on the article for a Pishan case (on fushun-culture 第十一条 for a Fushun one, never Pishan's)."""
    bases = {}
    for code in ("pishan-culture", "fushun-culture"):
        w = Walker(client, profiled(app, code).tokens)
        cid = file_case(w)
        w.do(cid, "t_plan", {"investigation_plan": None})
        task = w.task(cid, "t_inquiry")
        unsigned = payload("inquiry_record", signatures=[*OFFICER_SIGS, {"signer": "王五", "capacity": "party", "signed": False}])
        res = w.add(cid, task, "inquiry_record", unsigned)
        assert res.status_code == 422 and "refusal_note" in str(res.get_json()), res.get_json()
        w.do(cid, "t_inquiry", {"inquiry_record": None, "av_not_suitable": None})
        review = w.call("get", f"/oversight/api/cases/{cid}/review", "officer1").get_json()
        [step] = [s for s in review["steps"] if s["spec_name"] == "t_inquiry"]
        [signed] = [c for c in step["checks"] if c["kind"] == "signed"]
        assert signed["passed"]
        bases[code] = (signed["basis"], signed["cited"])
    assert bases == {"pishan-culture": ("pishan-culture 第九条", "《皮山县文化体育广播电视和旅游局行政执法全过程记录制度》第九条"),
                     "fushun-culture": ("fushun-culture 第十一条", "《抚顺县文化市场综合执法全过程记录实施办法》第十一条")}
