"""The deploy-time proof (handlers/law/proof.py): weakened copies of the shipped diagrams are refused with
the article, and the shipped diagrams of every profile pass.

Each weakening edits the composed BPMN in memory, as a designer would in the modeler, and is checked
with the pure proof (no database); tests/engine/test_deploy_proof.py goes through HTTP.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from handlers import profiles
from handlers.diagrams import parse
from handlers.law import dryrun, proof
from handlers.law.cite import Citer, for_agency
from handlers.law.model import Rule
from handlers.law.schema import binding

BASE = Path(__file__).resolve().parents[2] / "workflows" / "base"
CODES = ("fushun-culture", "pishan-culture", "changli-market", "naiman-culture", "lishui-city")
B, S = proof.BPMN, proof.SPIFF


@cache
def composed(code: str) -> tuple[dict[str, bytes], tuple[str, ...], tuple[Rule, ...], Citer]:
    prof = profiles.load(code)
    base = {p.name: p.read_bytes() for p in sorted(BASE.glob("*.bpmn"))}
    return (profiles.compose_sources(prof, base), prof.procedures, binding(prof.rules),
            for_agency(code, prof.data["regulation"]))


Edit = Callable[[etree._Element], None]


def weaken(code: str, process: str, *edits: Edit) -> list[proof.Finding]:
    """The proof's findings for ``code``'s diagrams with ``edits`` applied to the file holding ``process``."""
    sources, procedures, rules, citer = composed(code)
    sources = dict(sources)
    name = next(n for n, c in sources.items() if f'<bpmn:process id="{process}"'.encode() in c)
    root = etree.fromstring(sources[name])
    for e in edits:
        e(root)
    sources[name] = etree.tostring(root)
    return proof.prove(sources, procedures, rules, citer)


def _el(root: etree._Element, eid: str) -> etree._Element:
    found = root.xpath(f"//*[@id='{eid}']")
    assert found, eid
    return found[0]


def prop(task: str, name: str, value: str | None) -> Edit:
    """Set (or with ``None`` remove) a task's extension property."""
    def edit(root: etree._Element) -> None:
        props = _el(root, task).find(f".//{S}properties")
        for p in props.findall(f"{S}property"):
            if p.get("name") == name:
                props.remove(p)
        if value is not None:
            etree.SubElement(props, f"{S}property", name=name, value=value)
    return edit


def delete_task(task: str) -> Edit:
    """Delete a task and join its incoming flow straight to its successor (what the modeler leaves)."""
    def edit(root: etree._Element) -> None:
        el = _el(root, task)
        out = root.xpath(f"//bpmn:sequenceFlow[@sourceRef='{task}']", namespaces={"bpmn": B[1:-1]})[0]
        for flow in root.xpath(f"//bpmn:sequenceFlow[@targetRef='{task}']", namespaces={"bpmn": B[1:-1]}):
            flow.set("targetRef", out.get("targetRef"))
        out.getparent().remove(out)
        el.getparent().remove(el)
        for ref in root.xpath(f"//bpmn:flowNodeRef[text()='{task}']", namespaces={"bpmn": B[1:-1]}):
            ref.getparent().remove(ref)
    return edit


def condition(flow: str, expression: str) -> Edit:
    def edit(root: etree._Element) -> None:
        el = _el(root, flow)
        cond = el.find(f"{B}conditionExpression")
        if cond is None:
            cond = etree.SubElement(el, f"{B}conditionExpression")
        cond.text = expression
    return edit


def refused(findings: list[proof.Finding], element: str, article: str) -> proof.Finding:
    """The finding on ``element`` citing ``article`` (by real title), in Chinese; fails if there is none."""
    hits = [f for f in findings if f.element == element and article in f.article]
    assert hits, [f.text() for f in findings]
    assert all("-" not in f.article.split("》")[0] for f in hits)  # real titles, never internal codes
    return hits[0]


@pytest.mark.parametrize("code", CODES)
def test_shipped_diagrams_of_every_profile_are_proved(code: str) -> None:
    sources, procedures, rules, citer = composed(code)
    assert proof.prove(sources, procedures, rules, citer) == []


@pytest.mark.parametrize(("code", "article"), [
    ("fushun-culture", "《抚顺县文化市场综合执法全过程记录实施办法》第十四条第二款"),
    ("naiman-culture", "《奈曼旗文化市场综合执法全过程记录规范》第八条"),
    ("pishan-culture", "《皮山县文化体育广播电视和旅游局行政执法全过程记录制度》第十六条（二）"),
    ("lishui-city", "《丽水市行政执法全过程记录实施办法》第十三条"),
    ("changli-market", "《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》三（八）"),
])
def test_seizure_without_av_is_refused(code: str, article: str) -> None:
    """查封扣押 with no A/V: fushun-culture 第十四条第二款, naiman-culture 第八条, pishan-culture 第十六条（二），
    lishui-city 第十三条 (on refusal to sign); changli-market's regulation is silent, the national guidance
    国办发〔2018〕118号 三（八） (全程音像记录 of 查封扣押) binds it as every agency."""
    found = weaken(code, "coercive_measure", prop("t_coercive_onsite", "av", "none"),
                   prop("t_coercive_onsite", "av_on_refusal", None))
    f = refused(found, "t_coercive_onsite", article)
    assert f.name == "实施查封、扣押或限制人身自由" and "=required" in f.message


def test_hearing_without_its_record_is_refused() -> None:
    """行政处罚法 第六十四条: 听证应当制作笔录."""
    found = weaken("fushun-culture", "hearing", prop("t_hearing", "records", "av_not_suitable"))
    f = refused(found, "t_hearing", "《中华人民共和国行政处罚法》第六十四条")
    assert "hearing_record" in f.message and "听证笔录" in f.message


def test_inspection_without_av_is_refused_for_changli() -> None:
    """changli-market 第十八条: 行政检查同时进行录音录像."""
    found = weaken("changli-market", "inspection", prop("t_check", "av", "none"))
    refused(found, "t_check", "《昌黎县市场监管局行政执法全过程记录实施办法》第十八条")


def test_changli_archive_period_in_working_days_is_refused() -> None:
    """changli-market 第十九条: 30 日 archive period is calendar days; counted in working days it is longer."""
    found = weaken("changli-market", "general_procedure", prop("t_archive", "deadline_count", "working"))
    f = refused(found, "t_archive", "《昌黎县市场监管局行政执法全过程记录实施办法》第十九条")
    assert "工作日" in f.message


def test_late_filing_timer_without_start_is_refused() -> None:
    """fushun-culture 第七条: 补报 within 24 h of when the emergency measure began, not of when the task opened."""
    found = weaken("fushun-culture", "general_procedure", prop("t_filing_late", "deadline_from", None))
    f = refused(found, "t_filing_late", "《抚顺县文化市场综合执法全过程记录实施办法》第七条")
    assert "emergency_start.started_at" in f.message


@pytest.mark.parametrize(("process", "task", "article"), [
    ("evidence_preservation", "t_preservation_decision", "《中华人民共和国行政处罚法》第五十六条"),
    ("general_procedure", "t_decision", "《中华人民共和国行政处罚法》第六十条"),
    ("coercive_measure", "t_coercive_report", "《中华人民共和国行政强制法》第十九条"),
])
def test_deleted_statutory_deadline_is_refused(process: str, task: str, article: str) -> None:
    """行政处罚法 第五十六条 (7 日), 行政处罚法 第六十条 (90 日), 行政强制法 第十九条 (24 小时)."""
    found = weaken("pishan-culture", process, prop(task, "deadline", None))
    assert "未设期限" in refused(found, task, article).message


def test_decision_deadline_counted_from_the_wrong_fact_is_refused() -> None:
    """行政处罚法 第六十条: ninety days from 立案, not from when the decision task opens."""
    found = weaken("naiman-culture", "general_procedure", prop("t_decision", "deadline_from", None))
    assert "立案审批" in refused(found, "t_decision", "《中华人民共和国行政处罚法》第六十条").message


@pytest.mark.parametrize("code", ["fushun-culture", "lishui-city"])
def test_disputed_simple_case_without_av_step_is_refused(code: str) -> None:
    """fushun-culture 第二十一条, lishui-city 第十七条: 容易引起行政争议的简易程序执法行为进行音像记录."""
    found = weaken(code, "simple_procedure", delete_task("t_simple_av"))
    f = refused(found, "simple_procedure", "第二十一条" if code == "fushun-culture" else "第十七条")
    assert "简易程序.音像记录" in f.message


def test_twenty_day_licensing_intake_is_refused() -> None:
    """行政许可法 第三十二条: 补正 told within 5 working days (changli-market 第六条: 2)."""
    found = weaken("pishan-culture", "licensing_intake", prop("t_intake_decision", "deadline", "P20D"))
    refused(found, "t_intake_decision", "《中华人民共和国行政许可法》第三十二条")
    found = weaken("changli-market", "licensing_intake", prop("t_intake_decision", "deadline", "P20D"))
    refused(found, "t_intake_decision", "《昌黎县市场监管局行政执法全过程记录实施办法》第六条")


def test_prior_notice_removed_from_the_path_to_the_decision_is_refused() -> None:
    """行政处罚法 第四十四条: 事先告知 before 决定, on every path."""
    found = weaken("fushun-culture", "general_procedure", delete_task("t_notice"))
    f = refused(found, "t_decision", "《中华人民共和国行政处罚法》第四十四条")
    assert "事先告知" in f.message
    assert any(x.element == "general_procedure" and "事先告知" in x.message for x in found)


def test_prior_notice_skipped_on_one_branch_is_refused() -> None:
    """行政处罚法 第四十四条: a branch around 事先告知 is a path to 决定 without it."""
    def bypass(root: etree._Element) -> None:
        flow = _el(root, "f_review_notice")
        flow.set("targetRef", "t_statement")
    found = weaken("lishui-city", "general_procedure", bypass)
    refused(found, "t_decision", "《中华人民共和国行政处罚法》第四十四条")


def test_decision_service_removed_is_refused() -> None:
    """行政处罚法 第六十一条: 决定书 served after the decision."""
    found = weaken("naiman-culture", "general_procedure", delete_task("ca_service"))
    assert "送达" in refused(found, "t_decision", "《中华人民共和国行政处罚法》第六十一条").message


def test_enforcement_without_reminder_is_refused() -> None:
    """行政强制法 第三十五条: 催告 before the 强制执行决定; 第五十四条 before 申请法院执行."""
    found = weaken("fushun-culture", "compulsory_enforcement", delete_task("ca_reminder_service"),
                   delete_task("t_reminder"))
    refused(found, "t_enforcement_decision", "《中华人民共和国行政强制法》第三十五条")
    refused(found, "t_court_application", "《中华人民共和国行政强制法》第五十四条")


def test_lodged_and_public_service_without_recording_are_refused_for_naiman() -> None:
    """naiman-culture 第八条: 留置送达和公告送达实施全程音像记录."""
    found = weaken("naiman-culture", "service_lodged", prop("t_lodged", "av", "optional"))
    refused(found, "t_lodged", "《奈曼旗文化市场综合执法全过程记录规范》第八条")
    found = weaken("naiman-culture", "service_public", prop("t_public", "av", "none"))
    refused(found, "t_public", "《奈曼旗文化市场综合执法全过程记录规范》第八条")


def test_gateway_whose_producing_task_was_deleted_is_refused() -> None:
    """The deleted 确定调查措施: the next gateway reads investigation_plan, which no task writes any more."""
    found = weaken("fushun-culture", "general_procedure", delete_task("t_plan"))
    f = next(f for f in found if f.element == "gw_measures")
    assert "investigation_plan.measures" in f.message and "调查" in f.message


def test_condition_reading_data_not_produced_on_every_path_is_refused() -> None:
    """A condition after a merge reads a record only one branch made."""
    found = weaken("fushun-culture", "general_procedure", condition("f_major_yes", "legal_review.passed == True"))
    assert any(f.element == "gw_major" and "legal_review" in f.message for f in found)


def test_condition_on_a_user_task_flow_that_calls_a_function_is_refused() -> None:
    """A conditional flow leaving a user task (not a gateway) is checked like a gateway's."""
    found = weaken("fushun-culture", "general_procedure",
                   condition("f_notice_statement", "().__class__.__base__.__subclasses__()"))
    f = next(f for f in found if f.element == "t_notice")
    assert "不安全" in f.message


def test_diagram_with_no_user_task_is_refused() -> None:
    xml = (b'<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
           b'id="d"><bpmn:process id="general_procedure" isExecutable="true"><bpmn:startEvent id="s"/>'
           b'<bpmn:endEvent id="e"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e"/></bpmn:process>'
           b'</bpmn:definitions>')
    _, _, rules, citer = composed("fushun-culture")
    found = proof.prove({"general_procedure.bpmn": xml}, ["general_procedure"], rules, citer)
    assert any("没有任何用户任务" in f.message for f in found)
    assert any("事先告知" in f.message and f.rule == "cf-general-procedure-acts" for f in found)


def dry_walk(code: str, procedure: str, *edits: Edit, edited: str | None = None) -> dryrun.Walk:
    """The dry run of ``code``'s ``procedure`` with ``edits`` applied to the file holding process ``edited``
    (by default the procedure itself; a called process is edited where every caller inlines it)."""
    sources, _, _, _ = composed(code)
    sources = dict(sources)
    name = next(n for n, c in sources.items() if f'<bpmn:process id="{edited or procedure}"'.encode() in c)
    root = etree.fromstring(sources[name])
    for e in edits:
        e(root)
    sources[name] = etree.tostring(root)
    spec, subs = parse(sources, procedure)
    return dryrun.explore(spec, subs)


def dry_run_of(code: str, process: str, *edits: Edit) -> list[dryrun.Fault]:
    return dry_walk(code, process, *edits).faults


def test_dry_run_walks_the_shipped_general_procedure_to_its_ends() -> None:
    assert dry_run_of("fushun-culture", "general_procedure") == []


@pytest.mark.parametrize("code", CODES)
def test_dry_run_reaches_every_user_task_and_end_event_of_every_procedure(code: str) -> None:
    """Every path walked: each user task and end event of each composed diagram (each call activity its own
    copy, keyed by the calls leading to it) is reached on some path; the set comes from the diagram."""
    sources, procedures, _, _ = composed(code)
    for pid in procedures:
        g = proof.compose(sources, pid)
        walk = dry_walk(code, pid)
        assert walk.faults == []
        assert walk.reached == {n.key for n in g.tasks()}, (pid, dryrun.unreached(walk))
        assert walk.ends == {k for k, n in g.nodes.items() if n.tag == "endEvent"}, (pid, dryrun.unreached(walk))


def check_before_joining(gateway: str, task: str, join: str, expression: str) -> Edit:
    """Put a gateway between ``task`` and ``join`` whose condition is ``expression`` (what a designer adds
    in the modeler: a check after a task, its default flow going on)."""
    def edit(root: etree._Element) -> None:
        proc = _el(root, task).getparent()
        flow = root.xpath(f"//bpmn:sequenceFlow[@sourceRef='{task}']", namespaces={"bpmn": B[1:-1]})[0]
        flow.set("targetRef", gateway)
        etree.SubElement(proc, f"{B}exclusiveGateway", id=gateway, name="现场核对？", default=f"{gateway}_no")
        yes = etree.SubElement(proc, f"{B}sequenceFlow", id=f"{gateway}_yes", sourceRef=gateway, targetRef=join)
        etree.SubElement(yes, f"{B}conditionExpression").text = expression
        etree.SubElement(proc, f"{B}sequenceFlow", id=f"{gateway}_no", sourceRef=gateway, targetRef=join)
    return edit


@pytest.mark.parametrize(("code", "procedure", "task"), [
    ("fushun-culture", "general_procedure", "t_coercive_written"),
    ("lishui-city", "complaint_intake", "t_coercive_onsite"),
])
def test_dry_run_refuses_a_fault_on_a_deep_branch_naming_the_element(code: str, procedure: str, task: str) -> None:
    """A check after 实施查封、扣押 (inside the 强制措施 call, itself behind 调查措施 = 强制措施, its kind and a
    负责人批准 or an emergency) reads a record nothing makes: only paths through that task meet it.  The
    random walks never got there; the walk that tries every value each condition reads does, and names the
    gateway."""
    deep = check_before_joining("gw_onsite_check", task, "gw_kind_join", "onsite_check.confirmed == True")
    walk = dry_walk(code, procedure, deep, edited="coercive_measure")
    assert [f.element for f in walk.faults] == ["gw_onsite_check"], [f.text() for f in walk.faults]
    assert "onsite_check" in walk.faults[0].message and walk.faults[0].name == "现场核对？"
    assert walk.faults[0].to_json()["text"].startswith("试运行：现场核对？（gw_onsite_check）")


def test_dry_run_refuses_a_condition_that_raises_only_after_an_approved_extension() -> None:
    """延长查封、扣押 is reached only when the outcome is 延长 and its 负责人审批 approves: a condition there
    that cannot be evaluated (a record nothing makes) is found at save, not by the first case that extends."""
    raising = condition("f_ext_yes", "approval_decision.decision == 'approve' and extension.days > 0")
    walk = dry_walk("lishui-city", "general_procedure", raising, edited="coercive_measure")
    assert {f.element for f in walk.faults} == {"gw_extension_approved"}, [f.text() for f in walk.faults]


def test_dry_run_refuses_a_loop_with_no_way_out() -> None:
    """立案 can no longer be approved and a refusal leads back to 承办机构意见: no path from there ends."""
    def never_filed(root: etree._Element) -> None:
        _el(root, "f_filed_no").set("targetRef", "t_unit_opinion")
    walk = dry_walk("fushun-culture", "general_procedure", never_filed,
                    condition("f_filed_yes", "filing_approval.decision == 'never'"))
    assert walk.faults and all("循环" in f.message for f in walk.faults), [f.text() for f in walk.faults]
    assert {f.element for f in walk.faults} <= {"t_unit_opinion", "t_filing_approval", "gw_filed"}


def test_dry_run_refuses_a_join_that_waits_for_a_branch_that_never_comes() -> None:
    """The merge after 立案审批 (one branch normal, one emergency) made a parallel join: it waits for both, and
    only one ever comes — the case would stand still there, so the version is refused naming the join."""
    def to_parallel(root: etree._Element) -> None:
        _el(root, "gw_filing_merge").tag = f"{B}parallelGateway"
    faults = dry_run_of("fushun-culture", "general_procedure", to_parallel)
    assert {f.element for f in faults} == {"gw_filing_merge"} and "汇聚网关" in faults[0].message


def test_dry_run_refuses_a_gateway_whose_record_is_no_longer_written() -> None:
    """The deleted 确定调查措施: the real engine stops at 调查措施 on every walk."""
    faults = dry_run_of("fushun-culture", "general_procedure", delete_task("t_plan"))
    assert faults and all(f.element == "gw_measures" for f in faults)
    assert "investigation_plan" in faults[0].message and faults[0].to_json()["message"].startswith("试运行")


def test_hearing_or_legal_review_after_the_decision_is_refused() -> None:
    """行政处罚法 第六十五条 (决定 on the 听证笔录) and 第五十八条 (法制审核 before 决定): a path that reaches them
    after the decision is refused."""
    def back_to_hearing(root: etree._Element) -> None:
        _el(root, "f_decision_service").set("targetRef", "gw_hearing")
    found = weaken("fushun-culture", "general_procedure", back_to_hearing)
    assert "决定" in refused(found, "t_hearing", "《中华人民共和国行政处罚法》第六十五条").message
    refused(found, "t_legal", "《中华人民共和国行政处罚法》第五十八条")


def test_court_application_with_no_service_of_the_reminder_is_refused() -> None:
    """行政强制法 第五十四条: ten days from the service of the 催告书 — a procedure with no service of it has no start."""
    found = weaken("lishui-city", "compulsory_enforcement", delete_task("ca_reminder_service"))
    assert "催告书送达" in refused(found, "t_court_application", "《中华人民共和国行政强制法》第五十四条").message


def test_procedure_without_its_required_acts_is_refused() -> None:
    """行政许可法 第三十二条 (一次告知补正), 行政强制法 第三十五条 (催告): a version missing them is no version of
    its procedure."""
    found = weaken("changli-market", "licensing_intake", delete_task("t_supplement_notice"))
    assert "许可.补正告知" in refused(found, "licensing_intake", "《中华人民共和国行政许可法》第三十二条").message


def test_xingzheng_chufa_fa_63_a_general_procedure_without_its_hearing_is_refused() -> None:
    """行政处罚法 第六十三条: when the party asks for a hearing the agency must hold one, so a general procedure whose
    hearing subprocess lost its notice and hearing is no version of the procedure."""
    found = weaken("fushun-culture", "hearing", delete_task("t_hearing_notice"))
    assert "听证通知" in refused(found, "general_procedure", "《中华人民共和国行政处罚法》第六十三条").message


def test_xingzheng_chufa_fa_56_preservation_without_its_decision_is_refused() -> None:
    """行政处罚法 第五十六条: 先行登记保存 must be followed by its 处理决定 (the seven-day period rule alone finds nothing
    once the decision task is gone)."""
    found = weaken("pishan-culture", "evidence_preservation", delete_task("t_preservation_decision"),
                   delete_task("tm_decision_overdue"))
    assert "先行登记保存处理决定" in refused(found, "t_preservation", "《中华人民共和国行政处罚法》第五十六条").message


def test_a_boundary_timer_left_without_its_task_is_named_not_a_crash() -> None:
    """A designer deletes a task but not the timer attached to it: the proof names the timer in Chinese."""
    found = weaken("pishan-culture", "evidence_preservation", delete_task("t_preservation_decision"))
    assert any(f.element == "tm_decision_overdue" and "不存在" in f.message for f in found), [f.text() for f in found]


@pytest.mark.article("行政强制法", 27)
def test_xingzheng_qiangzhi_fa_27_a_seizure_that_may_end_neither_decided_nor_released_is_refused() -> None:
    """行政强制法 第二十七条: after 查封扣押 the agency decides on the goods or releases them.  The shipped measure
    ends in 处理 on one branch and in 立即解除 on the other; with the release deleted, the branch where the
    after-the-fact approval is refused ends with neither."""
    found = weaken("naiman-culture", "coercive_measure", delete_task("t_immediate_release"))
    hit = refused(found, "t_coercive_onsite", "《中华人民共和国行政强制法》第二十七条")
    assert "“强制措施.处理”或“强制措施.解除”" in hit.message


def test_an_order_rule_with_alternatives_is_judged_path_by_path() -> None:
    """Either act on each path meets ``A|B``; neither alone is on every path of the shipped measure, so the rule
    written with one act would refuse the lawful diagram."""
    sources, procedures, rules, citer = composed("naiman-culture")
    rule = next(r for r in rules if r.id == "qz-27-seizure-decided")
    assert rule.followed_by == ("强制措施.处理|强制措施.解除",)
    alone = [replace(rule, followed_by=(act,)) for act in ("强制措施.处理", "强制措施.解除")]
    for one in alone:
        found = proof.prove(sources, ["general_procedure"], [one], citer)
        assert any(f.element == "t_coercive_onsite" for f in found), one.followed_by
    assert proof.prove(sources, ["general_procedure"], [rule], citer) == []


@pytest.mark.article("行政处罚法", 55)
def test_xingzheng_chufa_fa_55_an_inspection_without_its_on_site_check_is_refused() -> None:
    """行政处罚法 第五十五条 (检查应当制作笔录): with the 现场检查 deleted, an order to correct rests on no recorded
    check (the case opened from the inspection still inspects, inside the general procedure)."""
    found = weaken("changli-market", "inspection", delete_task("t_check"))
    assert "现场检查" in refused(found, "t_correction_order", "《中华人民共和国行政处罚法》第五十五条").message


@pytest.mark.article("fushun-culture", 8)
@pytest.mark.article("lishui-city", 9)
@pytest.mark.parametrize(("code", "article"), [
    ("fushun-culture", "《抚顺县文化市场综合执法全过程记录实施办法》第八条"),
    ("lishui-city", "《丽水市行政执法全过程记录实施办法》第九条"),
])
def test_fushun_culture_8_lishui_city_9_complaint_intake_without_its_notice_is_refused(code: str, article: str) -> None:
    """fushun-culture 第八条, lishui-city 第九条: a named complainant not pursued is told in writing; a complaint
    intake without that step is refused for these counties."""
    found = weaken(code, "complaint_intake", delete_task("t_complaint_notice"))
    assert "投诉举报.告知" in refused(found, "complaint_intake", article).message
