"""The gate: every user task of the shipped diagrams refuses to complete without its records."""
from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask

from handlers import gate
from handlers.diagrams import parse
from handlers.law.cite import for_agency
from handlers.law.model import Rule
from handlers.law.schema import national
from handlers.task_rules import TaskRules, rules_of
from tests.support import WORKFLOWS
from tests.support.walker import Walker
from webapp.loadgen.flows import (
    approval_steps,
    decide_and_close,
    file_case,
    hold_hearing,
    investigate,
    report_to_statement,
    serve,
)
from webapp.loadgen.payloads import payload

BASE = WORKFLOWS / "base"
NATIONAL_ONLY = for_agency("", "")


def user_tasks() -> dict[str, object]:
    spec, subs = parse({p.name: p.read_bytes() for p in BASE.glob("*.bpmn")}, "general_procedure")
    # 送达 by direct service, 内部审批, 先行登记保存 and 听证 are walked here; every task of the other called
    # procedures (other 送达 methods, 强制执行, 行政强制措施) is refused once in tests/test_procedures_paths.py
    # and tests/test_procedures_measures.py.
    walked = (spec, subs["service"], subs["service_direct"], subs["internal_approval"], subs["evidence_preservation"],
              subs["hearing"])
    # 电子送达 (t_electronic) sends mail: refused empty-handed and walked against an SMTP server in
    # tests/cases/test_electronic_service.py
    return {name: ts for s in walked for name, ts in s.task_specs.items()
            if isinstance(ts, UserTask) and name != "t_electronic"}


def _national_record_basis(rules: TaskRules, name: str, record: str) -> tuple[str, ...]:
    """The diagram's basis, then the national ``record`` rules that require the record at this task (行政执法机关移送涉嫌
    犯罪案件的规定 第五条 asks the 负责人审批意见 to state the 专案组's report where there is one)."""
    extra = (r.basis for r in national() if r.kind == "record" and record in r.requires
             and r.governs(name, rules.records, rules.act))
    return tuple(dict.fromkeys((*rules.basis, *extra)))


class RefusalCheckingWalker(Walker):
    """Before doing each task, tries to complete it empty-handed and checks the refusal."""

    def __init__(self, client, tokens, specs):
        super().__init__(client, tokens)
        self.specs = specs
        self.refused: set[str] = set()

    def do(self, case_id, name, records):
        task = self.task(case_id, name)
        res = self.complete(case_id, task)
        assert res.status_code == 422, (name, res.get_json())
        body = res.get_json()
        rules = rules_of(self.specs[name])
        expected = set(rules.records) | ({"av_recording"} if rules.av_required else set())
        assert {m["record"] for m in body["missing"]} == expected
        for m in body["missing"]:
            want = rules.av_basis if m["record"] == "av_recording" else _national_record_basis(rules, name, m["record"])
            assert m["basis"] == list(want) and m["basis"], m
            # an agency with no regulation of its own is shown national law only, by its real title
            assert m["cited"] == list(NATIONAL_ONLY.all(want)), m
            assert all(c in body["message"] for c in m["cited"]) and "culture 第" not in body["message"]
        self.refused.add(name)
        return super().do(case_id, name, records)


def test_every_user_task_refuses_without_its_records(client, app):
    from tests.support.app import make_agency

    specs = user_tasks()
    w = RefusalCheckingWalker(client, make_agency(app).tokens, specs)
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": payload("investigation_plan", measures=[
        "inquiry", "inspection", "sampling", "collection", "preservation"])})
    w.do(cid, "t_inquiry", {"inquiry_record": None})
    w.do(cid, "t_inspection", {"inspection_record": None, "av_not_suitable": None})
    w.do(cid, "t_sampling", {"sampling_record": None, "av_not_suitable": None})
    w.do(cid, "t_collection", {"evidence_collection": None})
    for name, records in approval_steps():
        w.do(cid, name, records)
    w.do(cid, "t_preservation", {"evidence_preservation": None})
    w.do(cid, "t_preservation_decision", {"preservation_decision": None})
    report_to_statement(w, cid, major=True, hearing=True)
    hold_hearing(w, cid)
    w.do(cid, "t_legal", {"legal_review": None})
    w.do(cid, "t_collective", {"collective_discussion": None})
    decide_and_close(w, cid, correction=True)
    # the ways out of 履行 and 负责人审批 the walk above does not take: 延期（分期）缴纳罚款, 移送
    other = file_case(w)
    investigate(w, other)
    report_to_statement(w, other)
    w.do(other, "t_approval", {"decision_approval": payload("decision_approval", decision="transfer")})
    w.do(other, "t_case_transfer", {"case_transfer": None})
    deferred = file_case(w)
    investigate(w, deferred)
    report_to_statement(w, deferred)
    w.do(deferred, "t_approval", {"decision_approval": None})
    w.do(deferred, "t_decision", {"penalty_decision": None})
    serve(w, deferred)
    w.do(deferred, "t_performance", {"performance_record": payload("performance_record", status="applied")})
    w.do(deferred, "t_deferral", {"payment_deferral": None})
    emergency = file_case(w, emergency=True)
    assert w.ready(emergency)
    assert w.refused == set(specs), set(specs) - w.refused


def test_av_required_step_needs_recording_or_written_reason(walker):
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": payload("investigation_plan", measures=["inspection"])})
    task = walker.task(cid, "t_inspection")
    assert walker.add(cid, task, "inspection_record").status_code == 201
    res = walker.complete(cid, task)
    assert res.status_code == 422
    [m] = res.get_json()["missing"]
    # the shared diagram carries the national article only; a county's 第十二条 comes from that county's rules
    assert m["record"] == "av_recording" and m["basis"] == ["行政处罚法 第四十七条"]
    # an agency with no regulation of its own: another county's article is not cited to it
    assert "音像记录" in res.get_json()["message"] and "第十二条" not in res.get_json()["message"]
    unknown = "ab" * 32
    bad = walker.add(cid, task, "av_recording", {**_av(unknown)})
    assert bad.status_code == 422 and "files" in bad.get_json()["fields"]
    sha = walker.upload(b"\x00\x00\x00\x18ftypmp42 a short clip")
    assert walker.add(cid, task, "av_recording", _av(sha)).status_code == 201
    assert walker.complete(cid, task).status_code == 200


def _av(sha):
    from webapp.loadgen.payloads import av_recording

    return av_recording(sha)


@pytest.mark.parametrize("kind,change,field", [
    ("inquiry_record", {"officers": [{"name": "张明", "certificate_no": "21040001"}]}, "officers"),
    ("inquiry_record", {"certificates_shown": False}, "certificates_shown"),
    ("statement_record", {"statement": "", "review": ""}, "statement"),
    ("prior_notice", {"rights": ["hearing", "recusal"]}, "rights"),
    ("hearing_record", {"chair": "张明"}, "chair"),
    ("case_filing", {"unexpected": "字段"}, "unexpected"),
])
def test_invalid_records_are_refused_with_field_errors_and_not_stored(walker, kind, change, field):
    cid = walker.create_case()["id"]
    task = walker.task(cid, "t_filing")
    res = walker.add(cid, task, kind, payload(kind, **change))
    assert res.status_code == 422
    body = res.get_json()
    assert field in str(body["fields"]), body
    assert walker.case(cid)["records"] == []


def test_refusal_to_sign_needs_the_officers_note(walker):
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": payload("investigation_plan", measures=["inquiry"])})
    task = walker.task(cid, "t_inquiry")
    from webapp.loadgen.payloads import OFFICER_SIGS

    silent = {"signer": "王五", "capacity": "party", "signed": False}
    res = walker.add(cid, task, "inquiry_record", payload("inquiry_record", signatures=OFFICER_SIGS + [silent]))
    assert res.status_code == 422 and "refusal_note" in str(res.get_json()["fields"])
    noted = {**silent, "refusal_note": "当事人拒绝签名，称不认可笔录内容，执法人员张明、李强在场"}
    res = walker.add(cid, task, "inquiry_record", payload("inquiry_record", signatures=OFFICER_SIGS + [noted]))
    assert res.status_code == 201
    assert walker.complete(cid, task).status_code == 200


def test_a_corrected_record_is_a_new_version_and_the_gate_reads_the_newest(walker):
    cid = walker.create_case()["id"]
    task = walker.task(cid, "t_filing")
    first = walker.add(cid, task, "case_filing").get_json()
    second = walker.add(cid, task, "case_filing", payload("case_filing", facts="更正后的基本案情")).get_json()
    assert (second["version"], second["supersedes_id"]) == (2, first["id"])
    records = walker.case(cid)["records"]
    assert [r["payload"]["facts"] for r in records] == [payload("case_filing")["facts"], "更正后的基本案情"]


def test_lishui_city_13_a_refusal_to_sign_cites_the_rule_or_the_diagram_never_a_county_named_in_code():
    """lishui-city 第十三条: the refusal's article is the agency's on_refusal rule's; a diagram that asks for the
    recording without such a rule cites its own av_basis, not Lishui's article."""
    rules = TaskRules(records=("inquiry_record",), av="optional", basis=("行政处罚法 第五十五条",),
                      av_basis=("行政处罚法 第五十五条",), deadline=None, av_on_refusal="required")
    refused = {"inquiry_record": [{"signatures": [{"name": "王五", "signed": False, "refusal_note": "拒绝签名"}]}]}
    av = [m for m in gate.missing(rules, refused, lambda _: True) if m.record == "av_recording"]
    assert [m.basis for m in av] == [("行政处罚法 第五十五条",)]
    rule = Rule("av-on-refusal", "拒签时视频、音频记录", "recording", "lishui-city 第十三条",
                records=("inquiry_record",), mode="on_refusal")
    av = [m for m in gate.missing(rules, refused, lambda _: True, law=(rule,)) if m.record == "av_recording"]
    assert [m.basis for m in av] == [("lishui-city 第十三条",)]
