"""What the case already holds is not written differently later: the 不予立案 notice goes to the complainant named
when the complaint was registered (fushun-culture 第八条)."""
from __future__ import annotations

from tests.support.app import profiled
from tests.support.flows import start
from tests.support.walker import Walker
from webapp.loadgen.flows import approval_steps
from webapp.loadgen.payloads import payload


def test_fushun_culture_8_the_notice_goes_to_the_named_complainant(app, client):
    w = Walker(client, profiled(app, "fushun-culture").tokens)
    cid = start(w, "complaint_intake")
    w.do(cid, "t_complaint", {"complaint_record": payload("complaint_record", complainant="周九")})
    review = payload("complaint_review", pursue=False)
    review.pop("procedure")
    w.do(cid, "t_complaint_review", {"complaint_review": review})
    for name, records in approval_steps():
        w.do(cid, name, records)
    task = w.task(cid, "t_complaint_notice")
    w.add(cid, task, "complaint_notice", payload("complaint_notice", complainant="吴十"))
    res = w.complete(cid, task)
    body = res.get_json()
    assert res.status_code == 422 and "《抚顺县文化市场综合执法全过程记录实施办法》第八条" in body["message"], body
    assert "周九" in body["message"]
    w.add(cid, task, "complaint_notice", payload("complaint_notice", complainant="周九"))
    assert w.complete(cid, task).status_code == 200
