"""The rules the new record kinds enforce, each refusal citing its article, and a check of every diagram."""
from __future__ import annotations

import re
from typing import Any

import pytest

from handlers.catalogue import kind
from handlers.diagrams import parse
from handlers.roles import role_of_lane
from handlers.task_rules import AV_RULES, rules_of
from tests.support import WORKFLOWS
from tests.support.flows import start
from tests.support.walker import Walker
from webapp.loadgen.payloads import CITIZEN, OFFICERS, payload

PROCESS_ID = re.compile(rb'<bpmn:process id="([^"]+)"')


def errors(code: str, **changes: Any) -> dict[str, Any]:
    """Validate the sample payload with ``changes``; a change to ``None`` leaves the field out."""
    data = {k: v for k, v in payload(code, **changes).items() if v is not None}
    return kind(code).validate(data, lambda sha: True)


def message(code: str, **changes: Any) -> str:
    return str(errors(code, **changes))


ORG = payload("case_filing")["party"]


@pytest.mark.parametrize("party,fine,ok", [
    (CITIZEN, "200.00", True), (CITIZEN, "200.01", False), (ORG, "3000.00", True), (ORG, "3000.01", False)])
def test_simple_procedure_thresholds(party, fine, ok):
    """行政处罚法 第五十一条: ≤200 yuan for a citizen, ≤3000 yuan for an organisation, or a warning."""
    for code in ("simple_conditions", "onspot_decision"):
        out = errors(code, party=party, fine=fine)
        assert (not out) is ok, out
        if not ok:
            assert "行政处罚法 第五十一条" in out["fine"][0] and "一般程序" in out["fine"][0]


def test_simple_procedure_other_conditions():
    assert "行政处罚法 第五十一条" in message("simple_conditions", facts_certain=False)
    assert "第六十八条" in message("onspot_decision", fine="150.00", party=ORG, payment="on_spot", on_spot_ground="small")
    assert not errors("onspot_decision", fine="150.00", party=ORG, payment="on_spot", on_spot_ground="hard_to_enforce")
    assert "第六十八条" in message("onspot_decision", payment="on_spot")
    assert "第五十二条" in message("onspot_decision", handed_over=False)
    refused = payload("onspot_decision")
    refused["signatures"][-1] = {"signer": "赵六", "capacity": "party", "signed": False}
    assert "lishui-city 第十三条" in str(kind("onspot_decision").validate(refused, lambda s: True))
    refused["signatures"][-1]["refusal_note"] = "当事人拒绝签收，已在决定书上注明"
    assert not kind("onspot_decision").validate(refused, lambda s: True)
    assert "hearing_requested" in str(errors("simple_statement", hearing_requested=False))


def test_the_simple_path_is_refused_above_the_threshold_through_the_api(client, agency):
    w = Walker(client, agency.tokens)
    cid = start(w, "simple_procedure")
    task = w.task(cid, "t_simple_conditions")
    res = w.add(cid, task, "simple_conditions", payload("simple_conditions", fine="500.00"))
    assert res.status_code == 422
    assert "《中华人民共和国行政处罚法》第五十一条" in res.get_json()["fields"]["fine"][0]
    res = w.complete(cid, task)
    assert res.status_code == 422
    missing = res.get_json()["missing"]
    assert missing[0]["record"] == "simple_conditions" and "行政处罚法 第五十一条" in missing[0]["basis"]


def test_enforcement_rules():
    assert "行政强制法 第三十五条" in message("enforcement_reminder", rights_stated=False)
    assert "行政强制法 第三十五条" in message("enforcement_reminder", payment_method=None)
    assert "行政强制法 第三十六条" in message("reminder_response", review=None)
    assert not errors("reminder_response", statement_made=False, statement=None, review=None, adopted=None,
                      adoption_reason=None)
    assert "第四十五条" in message("surcharge_record", surcharge="10000.01", days="400")
    assert "3000.00" in message("surcharge_record", surcharge="2000.00")
    assert not errors("surcharge_record", days="40", surcharge="10000.00")  # capped at the principal
    assert "第五十五条" in message("court_application", materials=["application", "decision", "opinions", "other"])
    assert "行政强制法 第五十一条" in message("substitute_performance", decision_served=False)


def test_intake_rules():
    assert "fushun-culture 第八条" in message("complaint_record", contact=None)
    assert not errors("complaint_record", named=False, complainant=None, contact=None)
    assert "fushun-culture 第八条" in message("complaint_review", procedure=None)
    assert "changli-market 第六条" in message("intake_decision", outcome="accept_verify")
    assert "行政许可法 第三十二条" in message("intake_decision", voucher_sealed_and_dated=False)
    assert "changli-market 第六条" in message("onspot_correction", corrections=[
        {"item": "笔误", "corrector": "吴十", "signed": False, "corrected_at": "2026-03-02T10:00:00+08:00"}])
    assert "changli-market 第六条" in message("supplement_notice", materials_returned=False)
    assert "行政许可法 第三十二条" in message("supplement_notice", once=False)
    assert "至少 2 项" in message("onsite_verification", officers=OFFICERS[:1])
    assert "changli-market 第七条" in message("onsite_verification", recording="photos", files=["a" * 64])
    assert not errors("onsite_verification", recording="photos", no_av_reason="地下室无法录像", files=["a" * 64])


def test_internal_approval_needs_each_signature():
    assert "审核人" in message("approval_review", signatures=[
        {"signer": "张明", "capacity": "officer", "signed": True}])
    assert "负责人" in message("approval_decision", signatures=[
        {"signer": "王芳", "capacity": "reviewer", "signed": True}])


def _diagram_sets() -> list[tuple[str, dict[str, bytes], str]]:
    """Every process in every .bpmn under workflows/, with the base diagrams it may call beside it."""
    base = {p.name: p.read_bytes() for p in sorted((WORKFLOWS / "base").glob("*.bpmn"))}
    out = []
    for folder in sorted({p.parent for p in WORKFLOWS.rglob("*.bpmn")}):
        files = {**base, **{p.name: p.read_bytes() for p in folder.glob("*.bpmn")}}
        for path in sorted(folder.glob("*.bpmn")):
            for pid in PROCESS_ID.findall(path.read_bytes()):
                out.append((f"{path.relative_to(WORKFLOWS)}:{pid.decode()}", files, pid.decode()))
    return out


@pytest.mark.parametrize("name,files,pid", _diagram_sets(), ids=[d[0] for d in _diagram_sets()])
def test_every_diagram_parses_and_each_user_task_is_complete(name, files, pid):
    """handlers.diagrams.parse refuses unknown kinds, missing A/V rule or basis, lanes without a role."""
    spec, subprocesses = parse(files, pid)
    tasks = [ts for s in (spec, *subprocesses.values()) for ts in s.task_specs.values() if ts.manual]
    assert tasks, name
    for ts in tasks:
        rules = rules_of(ts)
        assert rules.records and rules.av in AV_RULES and rules.basis and role_of_lane(ts.lane), (name, ts.name)
