"""The designer's save (validated, versioned) and deploy; the administrator's users and profile."""
from __future__ import annotations

import json
import re

import pytest

from handlers.diagrams import parse
from tests.support import WORKFLOWS
from tests.support.web_client import web
from webapp.db import db
from webapp.engine.diagrams import base_sources
from webapp.engine.runner import dump_spec
from webapp.models import Agency, Deployment, DiagramVersion
from webapp.views.diagram_files import process_file

PROFILES = WORKFLOWS / "profiles"

FILING_RECORDS = '<spiffworkflow:property name="records" value="case_filing" />'


def designer_xml(page: str) -> tuple[str, int]:
    data = json.loads(re.search(r'<script type="application/json" id="designer-data">(.*?)</script>', page, re.S)
                      .group(1))
    return data["xml"], data["base_version_id"]


def filing_task(xml: str) -> str:
    start = xml.index('<bpmn:userTask id="t_filing"')
    return xml[start:xml.index("</bpmn:userTask>", start)]


def save(designer, xml: str, base: int, csrf: bool = True):
    headers = {"X-CSRFToken": designer.csrf("/designer")} if csrf else {}
    return designer.client.post("/designer/general_procedure/save", json={"xml": xml, "base_version_id": base},
                                headers=headers)


def test_save_validates_points_at_the_element_and_deploy_switches_only_new_cases(app, agency, walker):
    running = walker.create_case()["id"]
    designer = web(app, agency, "designer1")
    assert "general_procedure" in designer.text("/designer")
    xml, base = designer_xml(designer.text("/designer/general_procedure"))
    assert FILING_RECORDS in filing_task(xml)

    task = filing_task(xml)
    no_basis = re.sub(r'<spiffworkflow:property name="basis" value="[^"]*" />', "", task)
    res = save(designer, xml.replace(task, no_basis), base)
    assert res.status_code == 422
    problems = res.get_json()["problems"]
    assert {"element_id": "t_filing"}.items() <= problems[0].items()
    assert "basis" in problems[0]["message"]

    unknown = task.replace(FILING_RECORDS, FILING_RECORDS.replace("case_filing", "case_filing,no_such_record"))
    res = save(designer, xml.replace(task, unknown), base)
    assert res.status_code == 422 and "no_such_record" in res.get_json()["problems"][0]["message"]

    assert save(designer, xml, base, csrf=False).status_code == 400

    changed = xml.replace(task, task.replace(FILING_RECORDS, FILING_RECORDS.replace(
        "case_filing", "case_filing,evidence_preservation")))
    res = save(designer, changed, base)
    assert res.status_code == 201, res.get_json()
    version_id = res.get_json()["version_id"]
    assert save(designer, changed, base).get_json()["version_id"] == version_id  # same content, same version

    page = designer.text("/designer")
    assert f'data-deploy="{version_id}"' in page
    deploy = designer.post(f"/designer/versions/{version_id}/deploy", csrf_from="/designer")
    assert deploy.status_code == 302
    assert "已部署" in designer.text("/designer")

    new = walker.create_case()["id"]
    assert walker.case(new)["diagram_version_id"] == version_id
    assert walker.case(running)["diagram_version_id"] != version_id
    requires = walker.call("get", f"/api/cases/{new}/tasks/{walker.task(new, 't_filing')['id']}", "officer1")
    assert requires.get_json()["requires"]["records"] == ["case_filing", "evidence_preservation"]
    old = walker.call("get", f"/api/cases/{running}/tasks/{walker.task(running, 't_filing')['id']}", "officer1")
    assert old.get_json()["requires"]["records"] == ["case_filing"]


def test_designer_cannot_open_or_deploy_another_agencys_version(app, agency):
    from tests.support.app import make_agency

    designer = web(app, agency, "designer1")
    xml, base = designer_xml(designer.text("/designer/general_procedure"))
    task = filing_task(xml)
    renamed = task.replace('name="填写立案审批表"', 'name="填写立案审批表（本局）"')  # the name only, not the act
    assert renamed != task
    mine = save(designer, xml.replace(task, renamed), base).get_json()["version_id"]
    other = web(app, make_agency(app), "designer1")
    assert other.get(f"/designer/general_procedure?version={mine}").status_code == 404
    assert other.post(f"/designer/versions/{mine}/deploy", csrf_from="/designer").status_code == 404


def test_the_modeler_page_carries_the_catalogue_roles_and_spiffworkflow_moddle(app, agency):
    page = web(app, agency, "designer1").text("/designer/general_procedure")
    data = json.loads(re.search(r'id="designer-data">(.*?)</script>', page, re.S).group(1))
    assert {"case_filing", "av_recording", "legal_review"} <= {k["code"] for k in data["catalogue"]}
    assert data["roles"]["legal"] == "法制审核" and data["av_rules"] == ["required", "optional", "none"]
    assert data["moddle"]["uri"] == "http://spiffworkflow.org/bpmn/schema/1.0/core"
    assert "bpmn-modeler.production.min.js" in page


def test_process_file_picks_the_file_defining_the_process():
    sources = {"a.bpmn": '<bpmn:process id="other">', "b.bpmn": '<bpmn:process id="general_procedure" name="x">'}
    assert process_file(sources, "general_procedure")[0] == "b.bpmn"


def test_admin_adds_and_edits_users_with_validation(app, agency):
    admin = web(app, agency, "admin1")
    assert agency.usernames["officer1"] in admin.text("/admin/users")
    res = admin.post("/admin/users/new", {"username": "bad name!", "display_name": "", "password": "short"},
                     csrf_from="/admin/users/new")
    body = res.get_data(as_text=True)
    assert res.status_code == 422 and "用户名只能由字母" in body and "必填项" in body and "密码至少 10 个字符" in body
    name = f"officer9-{agency.id}"
    weak = admin.post("/admin/users/new", {"username": name, "display_name": "周新", "password": "longpassword",
                                           "roles": "officer", "active": "y"}, csrf_from="/admin/users/new")
    assert weak.status_code == 422 and "至少 3 类" in weak.get_data(as_text=True)
    res = admin.post("/admin/users/new", {"username": name, "display_name": "周新", "password": "Zhou-xin-2026",
                                          "roles": "officer", "active": "y"}, csrf_from="/admin/users/new")
    assert res.status_code == 302
    assert "周新" in admin.text("/admin/users")
    from tests.support.web_client import WebUser

    newcomer = WebUser(app, name, "Zhou-xin-2026").login()
    assert newcomer.get("/inbox").headers["Location"].endswith("/account/password")  # first sign-in: change it
    changed = newcomer.post("/account/password", {"old_password": "Zhou-xin-2026", "new_password": "Xin-zhou-2027",
                                                  "confirm": "Xin-zhou-2027"}, csrf_from="/account/password")
    assert changed.status_code == 302
    newcomer = WebUser(app, name, "Xin-zhou-2027").login()
    assert newcomer.get("/inbox").status_code == 200

    own = f"/admin/users/{agency.user_ids['admin1']}"
    res = admin.post(own, {"display_name": "孙丽", "roles": "officer", "active": "y"}, csrf_from=own)
    assert res.status_code == 422 and "不能取消自己的机构管理员角色" in res.get_data(as_text=True)

    officer = f"/admin/users/{agency.user_ids['officer2']}"
    res = admin.post(officer, {"display_name": "李强", "roles": ["officer", "reviewer"]}, csrf_from=officer)
    assert res.status_code == 302
    stopped = WebUser(app, agency.usernames["officer2"])
    res = stopped.client.post("/login", data={"username": stopped.username, "password": "pw",
                                              "csrf_token": stopped.csrf()})
    assert res.status_code == 401  # 停用 (active unchecked) takes effect at once


def test_admin_edits_the_agency_profile_with_validation(app, agency):
    """The profile is TOML as in workflows/profiles/; saving validates, checks compliance and deploys."""
    admin = web(app, agency, "admin1")
    page = admin.text("/admin/profile")
    assert "使用的执法程序" in page and "一般程序" in page and "general_procedure" not in page.split("<textarea")[0]
    shipped = (PROFILES / "changli-market" / "profile.toml").read_text(encoding="utf-8")
    bad = shipped.replace("days = 30", 'days = "thirty"', 1)
    res = admin.post("/admin/profile", {"profile": bad}, csrf_from="/admin/profile")
    body = res.get_data(as_text=True)
    assert res.status_code == 422 and "archive.days" in body
    assert "thirty" in body  # the typed text stays in the editor
    res = admin.post("/admin/profile", {"profile": "code = [not toml"}, csrf_from="/admin/profile")
    assert res.status_code == 422 and "TOML" in res.get_data(as_text=True)
    res = admin.post("/admin/profile", {"profile": shipped}, csrf_from="/admin/profile")
    assert res.status_code == 302, res.get_data(as_text=True)
    page = admin.text("/admin/profile")
    assert "昌黎县" in page and "30" in page
    with app.app_context():
        stored = db.session.get(Agency, agency.id).profile
    assert stored["archive_days"] == 30 and stored["source_toml"] == shipped


def test_case_list_filters_and_paginates(app, agency, walker):
    ids = [walker.create_case()["id"] for _ in range(22)]
    walker.do(ids[0], "t_filing", {"case_filing": None})
    officer = web(app, agency, "officer1")
    first = officer.text("/cases")
    assert "第 1 / 2 页" in first and f">{ids[-1]}<" in first and f">{ids[0]}<" not in first
    assert f">{ids[0]}<" in officer.text("/cases?page=2")
    staged = officer.text("/cases?stage=承办机构审核立案")
    assert f">{ids[0]}<" in staged and f">{ids[1]}<" not in staged
    assert f">{ids[0]}<" not in officer.text("/cases?status=closed")
    mine = officer.text(f"/cases?officer={agency.user_ids['officer1']}")
    assert f">{ids[-1]}<" in mine
    assert "没有符合条件的案件" in officer.text(f"/cases?officer={agency.user_ids['officer2']}")


def test_case_view_has_diagram_colours_and_timeline(app, agency, walker):
    cid = walker.create_case()["id"]
    walker.do(cid, "t_filing", {"case_filing": None})
    page = web(app, agency, "approver1").text(f"/cases/{cid}")
    data = json.loads(re.search(r'id="diagram-data">(.*?)</script>', page, re.S).group(1))
    assert data["completed"] == ["t_filing"] and data["current"] == ["t_unit_opinion"]
    assert '<bpmn:process id="general_procedure"' in data["xml"]
    for text in ("启动案件", "添加记录", "办结任务", "添加记录：立案（程序启动）审批表（第 1 版）", "bpmn-navigated-viewer.production.min.js"):
        assert text in page


def _without_plan(xml: str) -> str:
    """确定调查措施 deleted in the modeler: its flows joined, so 批准立案 leads straight to 调查措施."""
    start = xml.index('<bpmn:userTask id="t_plan"')
    xml = xml[:start] + xml[xml.index("</bpmn:userTask>", start) + len("</bpmn:userTask>"):]
    xml = re.sub(r'<bpmn:sequenceFlow id="f_plan"[^>]*/>', "", xml)
    return xml.replace('targetRef="t_plan"', 'targetRef="gw_measures"').replace(
        "<bpmn:incoming>f_plan</bpmn:incoming>", "<bpmn:incoming>f_filed_yes</bpmn:incoming>")


def test_save_refuses_what_the_proof_finds_and_a_stuck_case_answers_json(app, agency, walker):
    """Issue 13: a deleted 确定调查措施 (a later gateway reads its record) and an unsafe condition on a user task's
    flow are refused at save with the element named, in Chinese; a case already on such a version answers JSON."""
    designer = web(app, agency, "designer1")
    xml, base = designer_xml(designer.text("/designer/general_procedure"))
    res = save(designer, _without_plan(xml), base)
    assert res.status_code == 422 and res.get_json()["error"] == "compliance_refused"
    problems = res.get_json()["problems"]
    gate = next(p for p in problems if p["element_id"] == "gw_measures")
    assert "investigation_plan" in gate["message"] and "调查措施（gw_measures）" == gate["element"]

    unsafe = xml.replace('<bpmn:sequenceFlow id="f_notice_statement" sourceRef="t_notice" targetRef="t_statement" />',
                         '<bpmn:sequenceFlow id="f_notice_statement" sourceRef="t_notice" targetRef="t_statement">'
                         '<bpmn:conditionExpression>().__class__.__base__.__subclasses__()</bpmn:conditionExpression>'
                         '</bpmn:sequenceFlow>')
    assert unsafe != xml
    res = save(designer, unsafe, base)
    assert res.status_code == 422
    assert any(p["element_id"] == "t_notice" and "不安全" in p["message"] for p in res.get_json()["problems"])

    api = walker.call("post", "/oversight/api/diagrams/general_procedure", "designer1",
                      json={"xml": _without_plan(xml), "base_version_id": base})  # the JSON API refuses alike
    assert api.status_code == 422 and api.get_json()["error"] == "compliance_refused"
    assert any(p["element_id"] == "gw_measures" for p in api.get_json()["problems"])
    assert walker.call("post", "/oversight/api/diagrams/general_procedure", "officer1",
                       json={"xml": xml, "base_version_id": base}).status_code == 403
    ok = walker.call("post", "/oversight/api/diagrams/general_procedure", "designer1",
                     json={"xml": xml.replace('name="确定调查措施"', 'name="确定调查措施（本局）"'), "base_version_id": base})
    assert ok.status_code == 201, ok.get_json()
    deployed = walker.call("post", f"/oversight/api/diagrams/versions/{ok.get_json()['version_id']}/deploy", "designer1")
    assert deployed.status_code == 200 and deployed.get_json()["deployed"] is True

    with app.app_context():  # a version stored before the proof existed, and deployed: its cases get stuck
        sources = {**base_sources(), "general_procedure.bpmn": _without_plan(
            base_sources()["general_procedure.bpmn"].decode()).encode()}
        spec, subs = parse(sources, "general_procedure")
        old = DiagramVersion(process_id="general_procedure", agency_id=agency.id, version=99, sources_sha256="0" * 64,
                             sources={k: v.decode() for k, v in sources.items()}, spec=dump_spec(spec, subs))
        db.session.add(old)
        db.session.flush()
        db.session.add(Deployment(agency_id=agency.id, process_id="general_procedure", diagram_version_id=old.id))
        db.session.commit()
    cid = walker.create_case()["id"]
    walker.do(cid, "t_filing", {"case_filing": None})
    walker.do(cid, "t_unit_opinion", {"unit_opinion": None})
    task = walker.task(cid, "t_filing_approval")
    assert walker.add(cid, task, "filing_approval").status_code == 201
    res = walker.complete(cid, task)
    assert res.status_code == 409 and res.is_json, res.get_data(as_text=True)[:200]
    body = res.get_json()
    assert body["error"] == "diagram_fault" and "investigation_plan" in body["message"] and "流程图无法继续执行" in body["message"]
    assert walker.task(cid, "t_filing_approval")  # nothing was saved: the task is still open


def law_panel(designer, xml: str, base: int, csrf: bool = True):
    headers = {"X-CSRFToken": designer.csrf("/designer")} if csrf else {}
    return designer.client.post("/designer/general_procedure/law", json={"xml": xml, "base_version_id": base},
                                headers=headers)


@pytest.mark.article("行政处罚法", 60)
def test_the_law_panel_lists_the_rules_binding_a_task_and_whether_the_unsaved_diagram_keeps_them(app, agency):
    """Issue 18 point 7: for the selected task the designer sees the rules of the agency's law that bind it, by
    article and real title, each held or not by the proof of the diagram as it stands; nothing is stored.
    行政处罚法 第六十条: the 90-day period deleted from 决定 shows as not held, with what to change."""
    designer = web(app, agency, "designer1")
    xml, base = designer_xml(designer.text("/designer/general_procedure"))
    res = law_panel(designer, xml, base)
    assert res.status_code == 200, res.get_json()
    decision = {b["rule"]: b for b in res.get_json()["elements"]["t_decision"]}
    assert decision["cf-60-decide-within-90-days"]["held"] is True
    assert decision["cf-60-decide-within-90-days"]["article"] == "《中华人民共和国行政处罚法》第六十条"
    assert decision["cf-44-notice-before-decision"]["held"] is True
    procedure = {b["rule"] for b in res.get_json()["elements"]["general_procedure"]}
    assert "cf-general-procedure-acts" in procedure
    assert all(b["held"] for bs in res.get_json()["elements"].values() for b in bs)

    with app.app_context():
        versions = db.session.query(DiagramVersion).count()
    weakened = xml.replace('<spiffworkflow:property name="deadline" value="P90D" />', "", 1)
    assert weakened != xml
    res = law_panel(designer, weakened, base)
    period = next(b for b in res.get_json()["elements"]["t_decision"] if b["rule"] == "cf-60-decide-within-90-days")
    assert period["held"] is False and "未设期限" in period["why"][0]
    with app.app_context():
        assert db.session.query(DiagramVersion).count() == versions  # nothing stored

    broken = law_panel(designer, "<bpmn:definitions", base)
    assert broken.status_code == 422 and "无法解析" in broken.get_json()["message"]
    assert law_panel(designer, xml, base, csrf=False).status_code == 400
    officer = web(app, agency, "officer1")
    assert officer.client.post("/designer/general_procedure/law", json={"xml": xml, "base_version_id": base},
                               headers={"X-CSRFToken": officer.csrf("/inbox")}).status_code == 403
