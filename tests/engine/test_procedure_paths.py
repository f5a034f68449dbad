"""Every path of every procedure diagram to an end event, walked through the JSON API (issue 3).

Each path is data: the tasks in order with the records they get, and the end event it must reach.
The walker first tries to complete every task with nothing recorded and checks that the gate
refuses, naming each missing record with the articles the diagram cites for it.  Paths that begin
alike share their walk: where two paths part, the case is copied (:func:`webapp.loadgen.templates.fork`)
and a later path goes on from the copy, so each step of a shared beginning is walked and checked once.
"""
from __future__ import annotations

from collections import Counter
from types import SimpleNamespace
from typing import Any

import pytest

from handlers.diagrams import parse
from handlers.task_rules import rules_of
from tests.support import WORKFLOWS
from tests.support.app import make_agency
from tests.support.flows import ARTICLE, GateCheckingWalker, ended_at, start
from webapp.db import db
from webapp.loadgen.flows import AV, SERVICE_METHODS, SHA, reminder, service_steps, simple
from webapp.loadgen.payloads import payload
from webapp.loadgen.templates import fork

pytestmark = pytest.mark.xdist_group("procedure_paths")  # its module fixture is built once, on one worker

BASE = WORKFLOWS / "base"
Steps = list[tuple[str, dict[str, Any]]]


def _p(kind: str, **changes: Any) -> dict[str, Any]:
    return payload(kind, **changes)


NO_AV = {"av_not_suitable": None}


def approval(decision: str = "approve") -> Steps:
    return [("t_approval_request", {"approval_request": None}), ("t_approval_review", {"approval_review": None}),
            ("t_approval_decision", {"approval_decision": _p("approval_decision", decision=decision)})]


METHOD_TASKS = {"surcharge": ("t_surcharge", {"surcharge_record": None}),
                "transfer": ("t_transfer", {"deposit_transfer": None}),
                "auction": ("t_auction", {"auction_record": None}),
                "restore": ("t_restore", {"restoration_record": None, **AV}),
                "substitute": ("t_substitute", {"substitute_performance": None}),
                "other": ("t_other_enforcement", {"other_enforcement": None})}


def enforce(method: str = "surcharge", rejected_first: bool = False, serve_by: str = "direct") -> Steps:
    steps = reminder()
    if rejected_first:
        steps += [("t_enforcement_route", {"enforcement_route": None}), *approval("reject")]
    steps += [("t_enforcement_route", {"enforcement_route": None}), *approval(),
              ("t_enforcement_decision", {"enforcement_decision": _p("enforcement_decision", method=method)}),
              *service_steps(serve_by, sha=SHA), METHOD_TASKS[method],
              ("t_enforcement_result", {"enforcement_result": None})]
    return steps


def _served_early(steps: Steps) -> Steps:
    """Service dated well before the clock's start, so a period that runs from it has ended."""
    early = "2026-02-02T10:00:00+08:00"
    return [(n, {**r, "service_receipt": _p("service_receipt", served_at=early)} if "service_receipt" in r else r)
            for n, r in steps]


def court() -> Steps:
    """Served well before the clock's start, so 行政强制法 第五十四条's ten working days have passed."""
    return _served_early(reminder()) + [("t_enforcement_route", {"enforcement_route": _p("enforcement_route", route="court")}),
                         *approval(), ("t_court_application", {"court_application": None}),
                         ("t_court_result", {"court_result": None})]


def complaint(pursue: bool, procedure: str | None = None, named: bool = True) -> Steps:
    record = _p("complaint_record", named=named)
    if not named:
        del record["complainant"], record["contact"]
    review = _p("complaint_review", pursue=pursue, procedure=procedure)
    if procedure is None:
        review.pop("procedure")
    return [("t_complaint", {"complaint_record": record}), ("t_complaint_review", {"complaint_review": review})]


def not_pursued(named: bool, rejected_first: bool = False) -> Steps:
    steps = complaint(False, named=named)
    if rejected_first:
        steps += approval("reject") + complaint(False, named=named)[1:]
    steps += approval()
    return steps + ([("t_complaint_notice", {"complaint_notice": None})] if named else [])


FILING_REJECTED: Steps = [("t_filing", {"case_filing": None}), ("t_unit_opinion", {"unit_opinion": None}),
                          ("t_filing_approval", {"filing_approval": _p("filing_approval", decision="reject")})]


EARLY_FILED = "2026-01-30T10:00:00+08:00"  # filed and decided before the early service (行政处罚法 第五十四条、第六十一条)


def general_not_performed() -> Steps:
    head: Steps = [("t_filing", {"case_filing": None}), ("t_unit_opinion", {"unit_opinion": None}),
                   ("t_filing_approval", {"filing_approval": _p("filing_approval", signatures=[
                       {"signer": "刘伟", "capacity": "approver", "signed": True, "signed_at": EARLY_FILED}])}),
                   ("t_plan", {"investigation_plan": None}),
                   ("t_inquiry", {"inquiry_record": None}), ("t_inspection", {"inspection_record": None, **NO_AV}),
                   ("t_report", {"investigation_report": None}), ("t_case_review", {"case_review": None}),
                   ("t_notice", {"prior_notice": None}), ("t_statement", {"statement_record": None}),
                   ("t_approval", {"decision_approval": None}), ("t_decision", {"penalty_decision": _p("penalty_decision", decided_at=EARLY_FILED)}),
                   # served after the decision (第六十一条) and long enough ago that the fifteen days to pay (第六十七条) are over
                   *_served_early(service_steps("direct")),
                   ("t_performance", {"performance_record": _p("performance_record", status="none")})]
    return head + enforce("surcharge") + [("t_closing_report", {"closing_report": _p("closing_report", result="enforced")}),
                                          ("t_closing_review", {"approval_review": None}),
                                          ("t_closing_approval", {"closing_approval": None}),
                                          ("t_archive", {"archive_record": None})]


def licensing(outcome: str, extra: Steps) -> Steps:
    decision = _p("intake_decision", outcome=outcome)
    if outcome == "accept_verify":
        decision.update(verify_items="演出场所面积与消防条件", verify_reason="材料所载面积与备案不一致",
                        verify_time="2026年3月5日上午")
    return [("t_application", {"license_application": None}), ("t_intake_decision", {"intake_decision": decision}),
            *extra]


ABANDONED = {"outcome": "abandoned", "notes": "申请人书面表示放弃申请，补正材料未提交。"}

# (process, path name) → (steps, the end event the top-level process must reach)
PATHS: dict[tuple[str, str], tuple[Steps, str]] = {
    ("simple_procedure", "fine paid at the bank"): (simple(), "end"),
    ("simple_procedure", "warning"): (simple(warning=True), "end"),
    ("simple_procedure", "disputed, fine collected on the spot"): (simple(disputed=True, on_spot=True), "end"),
    ("simple_procedure", "not paid, enforcement after 催告"): (simple(performed="none"), "end"),
    ("simple_procedure", "deferral applied for and approved, then paid"): (simple(performed="applied"), "end"),
    ("compulsory_enforcement", "performed after 催告"): (reminder(performed="full"), "end_no_enforcement"),
    ("compulsory_enforcement", "justified after 催告"): (reminder(justified=True), "end_no_enforcement"),
    **{("compulsory_enforcement", f"self: {m}"): (enforce(m), "end_enforced") for m in METHOD_TASKS},
    ("compulsory_enforcement", "approval refused once"): (enforce(rejected_first=True), "end_enforced"),
    ("compulsory_enforcement", "no power: apply to the court"): (court(), "end_court"),
    ("complaint_intake", "pursued by the general procedure"): (complaint(True, "general") + FILING_REJECTED,
                                                              "end_general"),
    ("complaint_intake", "pursued by the simple procedure"): (complaint(True, "simple") + simple(), "end_simple"),
    ("complaint_intake", "named, not pursued, complainant told"): (not_pursued(True), "end_notified"),
    ("complaint_intake", "anonymous, not pursued"): (not_pursued(False), "end_recorded"),
    ("complaint_intake", "not pursuing refused once"): (not_pursued(True, rejected_first=True), "end_notified"),
    ("licensing_intake", "accept"): (licensing("accept", []), "end_accepted"),
    ("licensing_intake", "accept, verify on site"): (
        licensing("accept_verify", [("t_verification", {"onsite_verification": _p("onsite_verification", files=[SHA])})]),
        "end_accepted"),
    ("licensing_intake", "corrected on the spot"): (
        licensing("corrected", [("t_onspot_correction", {"onspot_correction": None})]), "end_accepted"),
    ("licensing_intake", "incomplete: one notice, materials returned, never supplied"): (
        licensing("incomplete", [("t_supplement_notice", {"supplement_notice": None}),
                                 ("t_resubmission", {"supplement_submission": ABANDONED})]), "end_incomplete"),
    ("licensing_intake", "incomplete: supplied, then accepted"): (
        licensing("incomplete", [("t_supplement_notice", {"supplement_notice": None}),
                                 ("t_resubmission", {"supplement_submission": None}),
                                 ("t_intake_decision", {"intake_decision": None})]), "end_accepted"),
    ("licensing_intake", "not our matter: referred"): (
        licensing("not_ours", [("t_referral", {"license_referral": None})]), "end_referred"),
    ("general_procedure", "not performed: enforcement, then closing"): (general_not_performed(), "end_archived"),
}


def _prefixes(process: str, steps: Steps) -> list[tuple[str, ...]]:
    """The keys of ``steps``' beginnings: ``[i]`` stands for the first ``i`` steps of a case of ``process``."""
    return [(process, *(repr(s) for s in steps[:i])) for i in range(len(steps) + 1)]


#: beginnings two or more paths share, where a walk leaves a copy for the others
PARTINGS = {k for k, n in Counter(k for (p, _), (steps, _) in PATHS.items() for k in _prefixes(p, steps)).items()
            if n > 1}


@pytest.fixture(scope="module")
def shared(app) -> SimpleNamespace:
    """One agency for every path, its clip, and the copies left where paths part (beginning → case id)."""
    return SimpleNamespace(agency=make_agency(app), sha="", copies={})


@pytest.mark.parametrize("key", list(PATHS), ids=[f"{p}: {n}" for p, n in PATHS])
def test_path_reaches_its_end(app, client, shared, key):
    agency, copies = shared.agency, shared.copies
    steps, end = PATHS[key]
    w = GateCheckingWalker(client, agency.tokens)
    w.sha = shared.sha = shared.sha or w.upload(b"clip for the procedure paths")
    prefixes = _prefixes(key[0], steps)
    done = max((i for i, k in enumerate(prefixes) if k in copies), default=None)
    with app.app_context():
        cid = fork(copies[prefixes[done]], agency.id) if done is not None else start(w, key[0])
        db.session.remove()
    case: dict[str, Any] = {}
    for i, (name, records) in enumerate(steps[done or 0:], start=done or 0):
        if prefixes[i] in PARTINGS and prefixes[i] not in copies:
            with app.app_context():
                copies[prefixes[i]] = fork(cid, agency.id)
                db.session.remove()
        case = w.do(cid, name, records)
    assert case["status"] == "closed", [t["name"] for t in w.ready(cid)]
    assert ended_at(app, cid) == {end}


def _user_tasks(process_id: str) -> set[str]:
    files = {p.name: p.read_bytes() for p in BASE.glob("*.bpmn")}
    spec, subs = parse(files, process_id)
    return {ts.name for s in (spec, *subs.values()) for ts in s.task_specs.values() if ts.manual}


def test_paths_visit_every_user_task_of_the_new_diagrams():
    """The table above is complete: every gated task of these diagrams is refused once and completed once.

    The general procedure's own tasks are walked by tests/test_general_procedure.py."""
    visited = {name for steps, _ in PATHS.values() for name, _ in steps}
    visited |= {name for m in SERVICE_METHODS for served in (True, False) if served or m not in ("lodged", "public")
                for name, _ in service_steps(m, served=served, sha=SHA)}
    visited.add("t_electronic")  # walked against a real SMTP server by tests/cases/test_electronic_service.py
    general_only = _user_tasks("general_procedure") - _user_tasks("compulsory_enforcement") - _user_tasks("service")
    for pid in ("simple_procedure", "compulsory_enforcement", "complaint_intake", "licensing_intake", "service"):
        missing = _user_tasks(pid) - visited - general_only
        assert not missing, (pid, sorted(missing))


def test_each_gated_task_declares_rules_the_gate_can_cite():
    for pid in ("simple_procedure", "compulsory_enforcement", "complaint_intake", "licensing_intake"):
        files = {p.name: p.read_bytes() for p in BASE.glob("*.bpmn")}
        spec, subs = parse(files, pid)
        for s in (spec, *subs.values()):
            for ts in s.task_specs.values():
                if ts.manual:
                    rules = rules_of(ts)
                    assert rules.records and all(ARTICLE.search(b) for b in rules.basis), ts.name
