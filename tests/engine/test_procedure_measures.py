"""行政检查, 行政强制措施, 证据先行登记保存 and 听证: every path to an end event, walked through the JSON API.

行政检查 is a top-level procedure; the other three are subprocesses the general procedure calls (its
investigation measures and its 听证), so their paths start from a filed case and must come back to
the general procedure.  The GateCheckingWalker first tries every task with nothing recorded and
checks that the refusal names each missing record with the articles the diagram cites.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from handlers.diagrams import parse
from tests.support import WORKFLOWS
from tests.support.flows import ARTICLE, GateCheckingWalker, start
from webapp.db import db
from webapp.engine import runner
from webapp.loadgen.flows import (
    SERVICE_METHODS,
    SHA,
    Steps,
    _av,
    approval_steps,
    file_case,
    hearing_steps,
    investigate,
    report_to_statement,
    service_steps,
)
from webapp.loadgen.payloads import PARTY, payload
from webapp.models import Case, Deadline

BASE = WORKFLOWS / "base"
AV = {"av_recording": _av(SHA)}


def ended(app: Any, case_id: int, process: str) -> set[str]:
    """End events of ``process`` (top level or called) that the case completed."""
    with app.app_context():
        wf = runner.load(db.session.get(Case, case_id))
        out = {t.task_spec.name for t in wf.get_tasks(state=TaskState.COMPLETED)
               if t.workflow.spec.name == process and t.task_spec.name.startswith("end")}
        db.session.remove()
    return out


def _walker(client: Any, agency: Any, key: str) -> GateCheckingWalker:
    w = GateCheckingWalker(client, agency.tokens)
    w.sha = w.upload(f"clip for {key}".encode())
    return w


# ------------------------------------------------------------------ 行政检查 (top level)

def check(outcome: str) -> Steps:
    return [("t_check", {"inspection_check": payload("inspection_check", outcome=outcome), **AV})]


def corrected(method: str = "direct") -> Steps:
    return check("correction") + [("t_correction_order", {"correction_order": None}),
                                  *service_steps(method, sha=SHA), ("t_recheck", {"correction_review": None})]


FILING_REJECTED: Steps = [("t_filing", {"case_filing": None}), ("t_unit_opinion", {"unit_opinion": None}),
                          ("t_filing_approval", {"filing_approval": payload("filing_approval", decision="reject")})]

INSPECTION_PATHS: dict[str, tuple[Steps, str]] = {
    "nothing found": (check("no_issue"), "end_no_issue"),
    **{f"correction ordered, served by {m}, rechecked": (corrected(m), "end_rechecked") for m in SERVICE_METHODS},
    "suspected violation: the general procedure (filing refused)": (check("case") + FILING_REJECTED, "end_case"),
}


@pytest.mark.parametrize("key", list(INSPECTION_PATHS))
def test_inspection_path(app, client, agency, key):
    steps, end = INSPECTION_PATHS[key]
    w = _walker(client, agency, key)
    cid = start(w, "inspection")
    case: dict[str, Any] = {}
    for name, records in steps:
        case = w.do(cid, name, records)
    assert case["status"] == "closed"
    assert ended(app, cid, "inspection") == {end}


# ------------------------------------------------------------------ subprocesses of the general procedure

def coercive(measure: str = "seize", emergency: bool = False, approved: bool = True) -> Steps:
    request = payload("coercive_request", measure=measure, emergency=emergency)
    steps: Steps = [("t_coercive_request", {"coercive_request": request})]
    if not emergency:
        steps += approval_steps("approve" if approved else "reject")
        if not approved:
            return steps
    record = payload("coercive_record", measure=measure)
    decision = payload("coercive_decision", measure=measure)
    if measure == "restrict":
        record.update(family_notified="实施后立即电话通知其妻李某，告知机关、地点和期限")
        decision.update(items=[], period_days=None)
    if measure in ("seal", "seize", "restrict"):
        steps.append(("t_coercive_onsite", {"coercive_decision": decision, "coercive_record": record, **AV}))
    else:
        decision.update(items=[], period_days=30)
        steps.append(("t_coercive_written", {"coercive_decision": decision, "coercive_record": record}))
    if emergency:
        steps += [("t_coercive_report", {"coercive_report": None}), *approval_steps("approve" if approved else "reject")]
        if not approved:
            return steps + [("t_immediate_release", {"coercive_outcome": None})]
    return steps


def outcome(kind: str) -> Steps:
    record = payload("coercive_outcome", outcome=kind)
    if kind == "extend":
        del record["document_no"], record["items_returned"]  # a request to extend has no 文号 yet
    return [("t_coercive_outcome", {"coercive_outcome": record})]


EXTENDED = outcome("extend") + approval_steps("reject") + outcome("extend") + approval_steps() + [
    ("t_coercive_extension", {"coercive_extension": None})] + outcome("dispose")

SUB_PATHS: dict[tuple[str, str], tuple[str, Steps, str]] = {
    ("coercive_measure", "扣押, approved beforehand, released"): ("coercive", coercive() + outcome("release"),
                                                                  "end_concluded"),
    ("coercive_measure", "refused beforehand"): ("coercive", coercive(approved=False), "end_not_approved"),
    ("coercive_measure", "冻结, extension refused once then approved, disposed"): (
        "coercive", coercive("freeze") + EXTENDED, "end_concluded"),
    ("coercive_measure", "emergency 查封, reported, approved afterwards"): (
        "coercive", coercive("seal", emergency=True) + outcome("release"), "end_concluded"),
    ("coercive_measure", "emergency 限制人身自由, refused afterwards, released at once"): (
        "coercive", coercive("restrict", emergency=True, approved=False), "end_released"),
    ("evidence_preservation", "approved, decided within seven working days"): (
        "preservation", approval_steps() + [("t_preservation", {"evidence_preservation": None}),
                                            ("t_preservation_decision", {"preservation_decision": None})],
        "end_decided"),
    ("evidence_preservation", "not approved"): ("preservation", approval_steps("reject"), "end_not_approved"),
}


@pytest.mark.parametrize("key", list(SUB_PATHS), ids=[f"{p}: {n}" for p, n in SUB_PATHS])
def test_investigation_subprocess_path(app, client, agency, key):
    measure, steps, end = SUB_PATHS[key]
    w = _walker(client, agency, key[1])
    w.checking = False  # the lead-in is gated in tests/test_general_procedure.py
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": payload("investigation_plan", measures=[measure])})
    w.checking = True
    for name, records in steps:
        w.do(cid, name, records)
    assert [t["name"] for t in w.ready(cid)] == ["t_report"]  # back in the general procedure
    assert ended(app, cid, key[0]) == {end}


def _outcome_due(app: Any, case_id: int) -> tuple[dt.datetime, str]:
    """The open period of the case's ready 期限内处理 step: its end and how it is counted."""
    with app.app_context():
        row = db.session.scalar(select(Deadline).where(Deadline.case_id == case_id, Deadline.status == "open",
                                                       Deadline.spec_name == "t_coercive_outcome"))
        db.session.remove()
    assert row is not None
    return row.due_at, row.counting


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat()


def test_xingzheng_qiangzhi_25_an_approved_extension_moves_the_seizure_term_to_the_end_it_states(app, client, agency,
                                                                                                clock):
    """行政强制法 第二十五条: 查封、扣押的期限不得超过三十日；情况复杂的，经行政机关负责人批准，可以延长，但是延长期限不得超过
    三十日.  After an approved extension the 期限内处理 step is due at the end the extension states (the diagram's
    ``deadline_until``, the rule's ``until``), not on day thirty, and a 处理 between the two is on time."""
    w = _walker(client, agency, "extension")
    w.checking = False
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": payload("investigation_plan", measures=["coercive"])})
    for name, records in coercive("seize"):
        w.do(cid, name, records)
    thirty, _ = _outcome_due(app, cid)
    for name, records in outcome("extend") + approval_steps():
        w.do(cid, name, records)
    end = thirty + dt.timedelta(days=20)
    w.do(cid, "t_coercive_extension", {"coercive_extension": payload(
        "coercive_extension", started_at=_local(thirty - dt.timedelta(days=30)), original_ends_at=_local(thirty),
        extended_ends_at=_local(end))})
    due, counting = _outcome_due(app, cid)
    assert due == end and "经批准延长（延长查封、扣押期限告知）" in counting
    clock.advance(days=40)  # past day thirty, before the extended end
    w.do(cid, "t_coercive_outcome", outcome("dispose")[0][1])
    with app.app_context():
        closed = [d.status for d in db.session.scalars(select(Deadline).where(
            Deadline.case_id == cid, Deadline.spec_name == "t_coercive_outcome").order_by(Deadline.id))]
        db.session.remove()
    assert closed == ["met", "met"]


@pytest.mark.parametrize("method", SERVICE_METHODS)
def test_hearing_path_serving_the_notice_by(app, client, agency, method):
    w = _walker(client, agency, f"hearing {method}")
    w.checking = False
    cid = file_case(w)
    investigate(w, cid)
    report_to_statement(w, cid, hearing=True)
    w.checking = True
    for name, records in hearing_steps(method, sha=SHA):
        w.do(cid, name, records)
    assert [t["name"] for t in w.ready(cid)] == ["t_approval"]
    assert ended(app, cid, "hearing") == {"end"}


# ------------------------------------------------------------------ the rules the records enforce

def _errors(kind: str, **changes: Any) -> str:
    from handlers.catalogue import CATALOGUE

    return str(CATALOGUE[kind].validate(payload(kind, **changes), lambda _: True))


def test_hearing_notice_seven_working_days_before_and_chair_not_an_investigator():
    assert "第六十四条" in _errors("hearing_arrangement", held_at="2026-03-13T09:00:00+08:00")  # six working days
    assert _errors("hearing_arrangement") == "{}"  # 5 March → 16 March is seven working days
    assert "调查人员" in _errors("hearing_arrangement", chair="张明")


def test_coercive_documents():
    assert "当场交付" in _errors("coercive_decision", delivered_on_spot=False)
    assert "清单" in _errors("coercive_decision", items=[])
    assert "三十日" in _errors("coercive_decision", period_days=31)
    assert "见证人" in _errors("coercive_record", party_present=False)
    assert "家属" in _errors("coercive_record", measure="restrict")
    assert "二十四小时" in _errors("coercive_report", reported_at="2026-03-03T10:00:01+08:00")
    assert "延长期限不得超过三十日" in _errors("coercive_extension", extended_ends_at="2026-05-02T10:00:00+08:00")
    assert "延长只能一次" in _errors("coercive_extension", started_at="2026-02-20T10:00:00+08:00")
    freeze_without_list = payload("coercive_decision", measure="freeze", items=[], signatures=payload(
        "coercive_decision")["signatures"][:1])
    from handlers.catalogue import CATALOGUE

    assert CATALOGUE["coercive_decision"].validate(freeze_without_list, lambda _: True) == {}


def test_preservation_decision_within_seven_working_days():
    assert _errors("preservation_decision", decided_at="2026-03-11T18:00:00+08:00") == "{}"
    assert "七个工作日" in _errors("preservation_decision", decided_at="2026-03-12T09:00:00+08:00")


def test_inspection_record_names_the_inspected_party_site_and_results():
    errors = _errors("inspection_check", inspected={**PARTY, "name": ""}, certificates_shown=False)
    assert "certificates_shown" in errors or "inspected" in errors
    from handlers.catalogue import CATALOGUE

    fields = CATALOGUE["inspection_check"].describe()["fields"]
    assert {"officers", "certificates_shown", "inspected", "basic_situation", "site_conditions", "results",
            "signatures"} <= set(fields)


# ------------------------------------------------------------------ the diagrams

def _files() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in BASE.glob("*.bpmn")}


def _user_tasks(process_id: str) -> dict[str, Any]:
    spec, subs = parse(_files(), process_id)
    return {name: ts for name, ts in spec.task_specs.items() if ts.manual}


def test_every_task_of_the_new_diagrams_is_walked():
    walked = {name for steps, _ in INSPECTION_PATHS.values() for name, _ in steps}
    walked |= {name for _, steps, _ in SUB_PATHS.values() for name, _ in steps}
    walked |= {name for name, _ in hearing_steps()}
    for pid in ("inspection", "coercive_measure", "evidence_preservation", "hearing"):
        missing = set(_user_tasks(pid)) - walked
        assert not missing, (pid, sorted(missing))


def test_every_shipped_diagram_parses_and_declares_its_rules():
    """Every .bpmn under workflows/ (base and profile overrides): known kinds, an A/V rule, a basis, lanes → roles."""
    from handlers.task_rules import rules_of

    root = BASE.parent
    files = {p.name: p.read_bytes() for p in root.rglob("*.bpmn")}
    import re

    for name, content in files.items():
        for pid in re.findall(rb'<bpmn:process id="([^"]+)"', content):
            spec, subs = parse({**_files(), name: content}, pid.decode())
            for s in (spec, *subs.values()):
                for ts in s.task_specs.values():
                    if ts.manual:
                        rules = rules_of(ts)
                        assert rules.records and rules.av in ("required", "optional", "none"), ts.name
                        assert all(ARTICLE.search(b) for b in rules.basis), ts.name
