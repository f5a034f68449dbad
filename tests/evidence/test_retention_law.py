"""Retention by the agency's regulation: footage that is evidence of a decided case is kept long-term without a
hand-placed hold (pishan-culture 第二十条, naiman-culture 第十一条), each agency told its own article."""
from __future__ import annotations

from tests.support.app import profiled
from tests.support.flows import start
from tests.support.media import upload
from tests.support.walker import Walker
from webapp.loadgen.flows import simple
from webapp.loadgen.payloads import av_recording


def _decided_with_footage(w: Walker, seed: int) -> str:
    """A simple-procedure case decided on the spot, its 音像记录 naming an uploaded recording."""
    cid = start(w, "simple_procedure")
    for name, records in simple()[:2]:
        w.do(cid, name, records)
    item = upload(w, cid, seed=seed, device_checked=True)  # naiman-culture 第十条: devices checked before use
    w.do(cid, "t_onspot_decision", {"onspot_decision": None, "av_recording": av_recording(item["sha256"])})
    return item["sha256"]


def test_pishan_culture_20_footage_of_a_decided_case_is_kept_long_term(app, client, clock):
    w = Walker(client, profiled(app, "pishan-culture").tokens)
    sha = _decided_with_footage(w, 71)
    start_at = clock.now()
    try:
        clock.advance(days=365 * 3 + 30)  # past the ordinary three years, with no hold placed by hand
        res = w.call("post", "/api/media/requests", "admin1",
                     json={"kind": "disposal", "sha256": sha, "reason": "保存期限届满，按规定销毁"})
        message = res.get_json()["message"]
        assert res.status_code == 409 and "长期保存" in message and "作为行政、刑事案件证据使用" in message
        assert "《皮山县文化体育广播电视和旅游局行政执法全过程记录制度》第二十条" in message
    finally:
        clock.set(start_at)


def test_naiman_culture_11_a_refusal_cites_naimans_own_article(app, client, clock):
    w = Walker(client, profiled(app, "naiman-culture").tokens)
    sha = _decided_with_footage(w, 72)
    start_at = clock.now()
    try:
        clock.advance(days=200)  # past naiman's six months
        res = w.call("post", "/api/media/requests", "admin1",
                     json={"kind": "disposal", "sha256": sha, "reason": "保存期限届满，按规定销毁"})
        message = res.get_json()["message"]
        assert res.status_code == 409 and "《奈曼旗文化市场综合执法全过程记录规范》第十一条" in message
        assert "pishan" not in message and "皮山" not in message
    finally:
        clock.set(start_at)
