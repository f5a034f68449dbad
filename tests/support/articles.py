"""Walks for the tests that prove a county's articles one by one (tests/cases/test_articles_*.py): a case of an
agency made from a profile is walked through the JSON API up to one task, which is then completed with nothing
recorded; the gate's refusal names each missing record with the articles it stands on.  A county's article is cited
there only because the county's own ``record`` rule names it (the shared diagram carries national law only), so such
a test fails when the rule is taken out of the profile."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.support.app import profiled
from tests.support.flows import start
from tests.support.walker import Walker
from webapp.loadgen.flows import (
    AV,
    CLOSING,
    SHA,
    Steps,
    approval_steps,
    reminder,
    service_steps,
    statement_steps,
    substitute,
)
from webapp.loadgen.payloads import payload

NO_AV = {"av_not_suitable": None}
FILING: Steps = [("t_filing", {"case_filing": None}), ("t_unit_opinion", {"unit_opinion": None}),
                 ("t_filing_approval", {"filing_approval": None})]
INVESTIGATION: Steps = [("t_plan", {"investigation_plan": None}), ("t_inquiry", {"inquiry_record": None, **NO_AV}),
                        ("t_inspection", {"inspection_record": None, **NO_AV})]


def general(major: bool = False, method: str = "direct", correction: bool = False) -> Steps:
    """The general procedure from 立案 to 归档: a 重大 case passes 法制审核 and 集体讨论; the decision is served by
    ``method``; a 责令改正 is 复查ed."""
    discussed: Steps = [("t_legal", {"legal_review": None}), ("t_collective", {"collective_discussion": None})]
    return [*FILING, *INVESTIGATION, ("t_report", {"investigation_report": None}), *statement_steps(major),
            *(discussed if major else []), ("t_approval", {"decision_approval": None}),
            ("t_decision", {"penalty_decision": None}), *service_steps(method, sha=SHA),
            ("t_performance", {"performance_record": payload("performance_record", correction_ordered=correction)}),
            *([("t_correction", {"correction_review": None})] if correction else []), *CLOSING,
            ("t_archive", {"archive_record": None})]


def preservation() -> Steps:
    """先行登记保存: planned, approved through the internal approval, made, then decided on within seven days."""
    return [*FILING, ("t_plan", {"investigation_plan": payload("investigation_plan", measures=["preservation"])}),
            *approval_steps(), ("t_preservation", {"evidence_preservation": None, **AV}),
            ("t_preservation_decision", {"preservation_decision": None})]


METHOD_TASKS: dict[str, Steps] = {
    "surcharge": [("t_surcharge", {"surcharge_record": None})], "transfer": [("t_transfer", {"deposit_transfer": None})],
    "auction": [("t_auction", {"auction_record": None})], "restore": [("t_restore", {"restoration_record": None, **AV})],
    "substitute": [("t_substitute", {"substitute_performance": None})],
    "other": [("t_other_enforcement", {"other_enforcement": None})]}
EARLY = "2026-02-02T10:00:00+08:00"  # a 催告 served this long before the clock's start: its ten days have passed


def enforcement(method: str = "surcharge") -> Steps:
    """强制执行 by the agency itself (行政强制法 第三十五条起): 催告, the answer, the route, approval, the decision served,
    the measure and its result."""
    return [*reminder(), ("t_enforcement_route", {"enforcement_route": None}), *approval_steps(),
            ("t_enforcement_decision", {"enforcement_decision": payload("enforcement_decision", method=method)}),
            *service_steps("direct", sha=SHA), *METHOD_TASKS[method], ("t_enforcement_result", {"enforcement_result": None})]


def court() -> Steps:
    """申请人民法院强制执行: the 催告 served long enough ago, the route, approval, the application and the ruling."""
    served = [(n, {**r, "service_receipt": payload("service_receipt", served_at=EARLY)} if "service_receipt" in r else r)
              for n, r in reminder()]
    return [*served, ("t_enforcement_route", {"enforcement_route": payload("enforcement_route", route="court")}),
            *approval_steps(), ("t_court_application", {"court_application": None}), ("t_court_result", {"court_result": None})]


def licensing() -> Steps:
    """许可受理 with a 现场核查: the application, the decision to verify on site, the verification."""
    decision = payload("intake_decision", outcome="accept_verify", verify_items="演出场所面积与消防条件",
                       verify_reason="材料所载面积与备案不一致", verify_time="2026年3月5日上午")
    return [("t_application", {"license_application": None}), ("t_intake_decision", {"intake_decision": decision}),
            ("t_verification", {"onsite_verification": payload("onsite_verification", files=[SHA]), **AV})]


@dataclass
class _Walk:
    """One case walked along a flow, kept for the next test that needs a later step of the same flow: each test
    asks for the refusal at its own task, and walking the case again from 立案 for each was most of their cost."""

    w: Walker
    cid: int
    sha: str
    at: int = 0  # index of the next step to take
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)


_WALKS: dict[tuple[int, str, str, str], _Walk] = {}


def refused(app: Any, client: Any, code: str, steps: Steps, target: str, process: str = "general_procedure",
            records: dict[str, Any] | None = None) -> dict[str, Any]:
    """A case of a fresh ``code`` agency walked by ``steps`` up to ``target``, where ``records`` (nothing unless given)
    are recorded and completion is refused: the gate's answer (its message, and ``cited``: record → articles).
    Without ``records`` the case is shared with the other tests of the same agency profile and flow (the refusal
    leaves it unchanged): it walks on from where the last one stopped."""
    if records:
        own = _walk(app, client, code, process)
        _advance(own, steps, target)
        return _refusal(own, target, records)
    key = (id(app), code, process, repr(steps))
    cached = _WALKS.get(key)
    index = [n for n, _ in steps].index(target)
    walk = cached if cached and (target in cached.bodies or index >= cached.at) else _walk(app, client, code, process)
    _WALKS[key] = walk
    if target not in walk.bodies:
        _advance(walk, steps, target)
        walk.bodies[target] = _refusal(walk, target, {})
    return walk.bodies[target]


def _walk(app: Any, client: Any, code: str, process: str) -> _Walk:
    w = Walker(client, profiled(app, code).tokens)
    sha = w.upload(f"{code} {process} recording".encode())
    return _Walk(w, w.create_case()["id"] if process == "general_procedure" else start(w, process), sha)


def _advance(walk: _Walk, steps: Steps, target: str) -> None:
    """Do the steps before ``target`` that the case has not done yet."""
    for name, done in steps[walk.at:[n for n, _ in steps].index(target)]:
        walk.w.do(walk.cid, name, substitute(done, walk.sha))
        walk.at += 1


def _refusal(walk: _Walk, target: str, records: dict[str, Any]) -> dict[str, Any]:
    task = walk.w.task(walk.cid, target)
    for kind, data in substitute(records, walk.sha).items():
        res = walk.w.add(walk.cid, task, kind, data)
        assert res.status_code == 201, (kind, res.get_json())
    res = walk.w.complete(walk.cid, task)
    body = res.get_json()
    assert res.status_code == 422, (target, body)
    return {**body, "cited": {m["record"]: list(m["cited"]) for m in body["missing"]}}


def cites(body: dict[str, Any], record: str, article: str) -> bool:
    """Whether the refusal cites ``article`` (by title) for the missing ``record``, in its entry and its message."""
    return article in body["cited"].get(record, []) and article in body["message"]
