"""行政许可法 第三十二条 (一次性告知): the applicant is told everything to supply in one notice, and a resubmission goes
back to the decision on acceptance in the same case; a later notice may not add an item the first did not list."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.support.flows import ended_at, start
from tests.support.walker import Walker
from webapp.loadgen.payloads import payload

XK_32 = "《中华人民共和国行政许可法》第三十二条"
FIRST = ["演出场所消防验收证明", "演员名单及身份证明"]


def _to_notice(w: Walker) -> int:
    cid = start(w, "licensing_intake")
    w.do(cid, "t_application", {"license_application": None})
    w.do(cid, "t_intake_decision", {"intake_decision": payload("intake_decision", outcome="incomplete")})
    return cid


def _resubmitted(w: Walker, cid: int) -> None:
    """The first notice, then the applicant's resubmission: the case is back at the decision on acceptance."""
    w.do(cid, "t_supplement_notice", {"supplement_notice": payload("supplement_notice", items=FIRST)})
    w.do(cid, "t_resubmission", {"supplement_submission": payload("supplement_submission", items=FIRST[:1])})
    assert [t["name"] for t in w.ready(cid)] == ["t_intake_decision"]


@pytest.mark.article("行政许可法", 32)
def test_xingzheng_xuke_fa_32_a_resubmission_returns_to_the_decision_and_is_accepted(client, agency):
    w = Walker(client, agency.tokens)
    cid = _to_notice(w)
    _resubmitted(w, cid)
    again = w.task(cid, "t_intake_decision")  # five working days again, from the resubmission (第三十二条、第八十二条)
    ready, due = (dt.datetime.fromisoformat(again[k]) for k in ("ready_at", "due_at"))
    assert dt.timedelta(days=5) <= due - ready <= dt.timedelta(days=9)
    case = w.do(cid, "t_intake_decision", {"intake_decision": None})
    assert case["status"] == "closed"
    done = [t["name"] for t in w.case(cid)["tasks"] if t["state"] == "completed"]
    assert done.count("t_intake_decision") == 2 and "t_resubmission" in done


@pytest.mark.article("行政许可法", 32)
def test_xingzheng_xuke_fa_32_a_second_notice_may_not_add_an_item_the_first_did_not_list(client, agency):
    w = Walker(client, agency.tokens)
    cid = _to_notice(w)
    _resubmitted(w, cid)
    w.do(cid, "t_intake_decision", {"intake_decision": payload("intake_decision", outcome="incomplete")})
    task = w.task(cid, "t_supplement_notice")
    w.add(cid, task, "supplement_notice", payload("supplement_notice", items=[FIRST[1], "场地租赁合同"]))
    res = w.complete(cid, task)
    body = res.get_json()
    assert res.status_code == 422, body
    assert XK_32 in body["message"] and "“场地租赁合同”" in body["message"], body["message"]
    assert FIRST[0] not in body["message"].split("本次列出了")[1].split("，")[0]  # only the added item is named
    # repeating what the first notice listed (the part still missing) is what the law allows
    w.add(cid, task, "supplement_notice", payload("supplement_notice", items=[FIRST[1]]))
    assert w.complete(cid, task).status_code == 200
    assert [t["name"] for t in w.ready(cid)] == ["t_resubmission"]


@pytest.mark.article("行政许可法", 32)
def test_xingzheng_xuke_fa_32_the_first_notice_corrected_before_it_is_done_is_still_the_first(client, agency):
    """A 补正告知书 corrected (a new version) before its task completes is the first notice as corrected."""
    w = Walker(client, agency.tokens)
    cid = _to_notice(w)
    task = w.task(cid, "t_supplement_notice")
    w.add(cid, task, "supplement_notice", payload("supplement_notice", items=FIRST[:1]))
    w.add(cid, task, "supplement_notice", payload("supplement_notice", items=[*FIRST, "场地租赁合同"]))
    assert w.complete(cid, task).status_code == 200
    w.do(cid, "t_resubmission", {"supplement_submission": payload("supplement_submission", items=FIRST[:1])})
    w.do(cid, "t_intake_decision", {"intake_decision": payload("intake_decision", outcome="incomplete")})
    task = w.task(cid, "t_supplement_notice")
    w.add(cid, task, "supplement_notice", payload("supplement_notice", items=["场地租赁合同", "营业执照副本"]))
    res = w.complete(cid, task)
    assert res.status_code == 422 and "“营业执照副本”" in res.get_json()["message"], res.get_json()
    assert "“场地租赁合同”" not in res.get_json()["message"].split("本次列出了")[1].split("，")[0]
    w.add(cid, task, "supplement_notice", payload("supplement_notice", items=[FIRST[1], "场地租赁合同"]))
    assert w.complete(cid, task).status_code == 200


@pytest.mark.article("行政许可法", 32)
def test_xingzheng_xuke_fa_32_an_applicant_who_does_not_supply_ends_the_case(client, agency):
    w = Walker(client, agency.tokens)
    cid = _to_notice(w)
    w.do(cid, "t_supplement_notice", {"supplement_notice": None})
    task = w.task(cid, "t_resubmission")
    res = w.add(cid, task, "supplement_submission", {"outcome": "abandoned"})  # why nothing came is written down
    assert res.status_code == 422 and "放弃申请或逾期未补正" in str(res.get_json()), res.get_json()
    case = w.do(cid, "t_resubmission", {"supplement_submission": {"outcome": "abandoned",
                                                                  "notes": "申请人逾期未补正，电话联系表示不再申请。"}})
    assert case["status"] == "closed" and w.ready(cid) == []
    assert ended_at(client.application, cid) == {"end_incomplete"}
