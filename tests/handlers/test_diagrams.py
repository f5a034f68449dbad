"""Diagram checks: what the engine would run but this system must refuse, each named at its element."""
from __future__ import annotations

import pytest

from handlers.diagrams import DiagramError, parse
from tests.support import WORKFLOWS

BASE = WORKFLOWS / "base"


def sources(**replace: tuple[str, str]) -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in BASE.glob("*.bpmn")}
    text = files["general_procedure.bpmn"].decode()
    for old, new in replace.values():
        assert old in text, old
        text = text.replace(old, new, 1)
    files["general_procedure.bpmn"] = text.encode()
    return files


def problems(files: dict[str, bytes]) -> str:
    with pytest.raises(DiagramError) as info:
        parse(files, "general_procedure")
    return str(info.value)


def test_shipped_diagrams_pass():
    spec, subs = parse(sources(), "general_procedure")
    assert "t_archive" in spec.task_specs and "service_direct" in subs


def test_unknown_record_kind_is_named_at_its_task():
    out = problems(sources(a=('value="inquiry_record"', 'value="inquiry_recrod"')))
    assert "询问调查（t_inquiry）" in out and "inquiry_recrod" in out


def test_missing_basis_and_bad_av_rule():
    out = problems(sources(
        a=('value="investigation_plan" />\n          <spiffworkflow:property name="av" value="none" />\n'
           '          <spiffworkflow:property name="basis" value="行政处罚法 第五十四条" />',
           'value="investigation_plan" />\n          <spiffworkflow:property name="av" value="none" />'),
        b=('name="av" value="required"', 'name="av" value="sometimes"')))
    assert "t_plan" in out and "basis" in out and "sometimes" in out


@pytest.mark.parametrize("ref", ["t_filing_aproval", "emergency_start.measures", "no_such_kind.started_at"])
def test_deadline_start_must_name_a_task_or_a_recorded_moment(ref):
    out = problems(sources(a=('name="deadline_from" value="t_filing_approval"', f'name="deadline_from" value="{ref}"')))
    assert "t_decision" in out and ref in out and "deadline_from" in out


@pytest.mark.parametrize("ref", ["coercive_extension.reasons", "no_such_kind.extended_ends_at", "t_decision"])
def test_an_extended_end_must_name_a_recorded_moment(ref):
    """``deadline_until`` that names no moment of a record would never move the period's end: refused at deploy."""
    out = problems(sources(a=('name="deadline_from" value="t_filing_approval"',
                              f'name="deadline_from" value="t_filing_approval" />'
                              f'<spiffworkflow:property name="deadline_until" value="{ref}"')))
    assert "t_decision" in out and ref in out and "deadline_until" in out


def test_lane_without_a_role():
    out = problems(sources(a=('name="法制审核"', 'name="外聘专家"')))
    assert "外聘专家" in out and "t_legal" in out


def test_unsafe_condition_is_refused():
    out = problems(sources(a=("emergency == True", "__import__('os').system('id') == 0")))
    assert "gw_emergency" in out and "Call" in out


def test_script_task_is_refused():
    script = ('<bpmn:scriptTask id="t_evil" name="脚本"><bpmn:incoming>f_filed_no</bpmn:incoming>'
              '<bpmn:script>import os</bpmn:script></bpmn:scriptTask>')
    files = sources(a=('<bpmn:endEvent id="end_not_filed" name="不予立案">', script + '<bpmn:endEvent id="end_not_filed" name="不予立案">'),
                    b=('targetRef="end_not_filed"', 'targetRef="t_evil"'))
    out = problems(files)
    assert "t_evil" in out and "脚本" in out


def test_gateway_branch_without_condition_or_default():
    out = problems(sources(a=(' default="f_send_back"', "")))
    assert "f_send_back" in out
    inclusive = sources(a=('<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" '
                           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\'inquiry\' in '
                           'investigation_plan.measures</bpmn:conditionExpression>', ""))
    out = problems(inclusive)
    assert "f_m_inquiry" in out and "without condition" in out


@pytest.mark.parametrize("broken", [b"<not-bpmn", b"<?xml version='1.0'?><bpmn:definitions xmlns:bpmn='x'/>"])
def test_malformed_bpmn_gets_a_clear_error(broken):
    with pytest.raises(DiagramError, match="无法解析"):
        parse({"general_procedure.bpmn": broken}, "general_procedure")


def test_no_base_diagram_carries_a_county_code():
    """The shared diagrams cite national law only: a county's article lives in its profile's rules (issue 12)."""
    codes = [p.name for p in (WORKFLOWS / "profiles").iterdir() if (p / "profile.toml").exists()]
    assert len(codes) >= 5
    found = {(p.name, code) for p in BASE.glob("*.bpmn") for code in codes if code in p.read_text(encoding="utf-8")}
    assert not found, found
