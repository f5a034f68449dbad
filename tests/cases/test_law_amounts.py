"""Sums the case already fixes are not retyped: 加处罚款 on the decision's fine at the law's 3 % a day (行政处罚法 第七十二条)."""
from __future__ import annotations

from handlers.clock import FixedClock
from tests.support.walker import Walker
from webapp.loadgen.flows import file_case, investigate, report_to_statement, service_steps
from webapp.loadgen.payloads import payload

CF_72 = "《中华人民共和国行政处罚法》第七十二条"


def _to_surcharge(w: Walker, fine: str, clock: FixedClock) -> tuple[int, dict]:
    cid = file_case(w)
    investigate(w, cid)
    report_to_statement(w, cid)
    w.do(cid, "t_approval", {"decision_approval": None})
    w.do(cid, "t_decision", {"penalty_decision": payload("penalty_decision", fine=fine)})
    for name, records in service_steps("direct"):  # served when decided (行政处罚法 第六十一条: not before)
        w.do(cid, name, records)
    clock.advance(days=20)  # the fifteen days to pay (第六十七条) are over
    steps = [("t_performance", {"performance_record": payload("performance_record", status="none")}),
             ("t_reminder", {"enforcement_reminder": None}), *service_steps("direct"),
             ("t_reminder_response", {"reminder_response": None}), ("t_enforcement_route", {"enforcement_route": None}),
             ("t_approval_request", {"approval_request": None}), ("t_approval_review", {"approval_review": None}),
             ("t_approval_decision", {"approval_decision": None}),
             ("t_enforcement_decision", {"enforcement_decision": payload("enforcement_decision", method="surcharge")}),
             *service_steps("direct")]
    for name, records in steps:
        w.do(cid, name, records)
    return cid, w.task(cid, "t_surcharge")


def test_xingzheng_chufa_fa_72_the_surcharge_is_on_the_decisions_fine_at_three_percent(client, agency, clock):
    w = Walker(client, agency.tokens)
    cid, task = _to_surcharge(w, "1000.00", clock)
    w.add(cid, task, "surcharge_record", payload("surcharge_record", principal="10000.00", surcharge="3000.00"))
    res = w.complete(cid, task)
    body = res.get_json()
    assert res.status_code == 422 and CF_72 in body["message"] and "1000.00" in body["message"], body
    w.add(cid, task, "surcharge_record", payload("surcharge_record", principal="1000.00", daily_rate="1.00",
                                                 surcharge="100.00"))
    res = w.complete(cid, task)
    assert res.status_code == 422 and "法定 3.00" in res.get_json()["message"]
    w.add(cid, task, "surcharge_record", payload("surcharge_record", principal="1000.00", surcharge="300.00"))
    assert w.complete(cid, task).status_code == 200
