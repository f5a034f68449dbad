"""Officer and manager pages: the inbox, the generated task forms, the gate's refusal beside its fields."""
from __future__ import annotations

import io
import re

from werkzeug.datastructures import MultiDict

from tests.support.app import adopt_regulation
from tests.support.web_client import submitted, web
from webapp.loadgen.flows import file_case
from webapp.loadgen.payloads import T, payload

LOCAL_T = "2026-03-02T10:00"


def start_case(officer, title="星光网吧接纳未成年人上网案", emergency=False) -> tuple[int, str]:
    data = {"title": title, "party_name": "抚顺县星光网吧", "process_id": "general_procedure"}
    if emergency:
        data["emergency"] = "y"
    res = officer.post("/cases", data)
    assert res.status_code == 302, res.get_data(as_text=True)[:500]
    match = re.search(r"/cases/(\d+)/tasks/([0-9a-f-]+)", res.headers["Location"])
    assert match, res.headers["Location"]
    return int(match.group(1)), match.group(2)


def filing_form(**changes: str) -> MultiDict:
    p = "f.case_filing."
    data = MultiDict({p + "cause": "日常巡查发现接纳未成年人上网", p + "source": "inspection",
                      p + "facts": "2026年3月1日21时，执法人员在星光网吧发现三名未成年人上网。",
                      p + "party.name": "抚顺县星光网吧", p + "party.kind": "organisation",
                      p + "party.id_number": "91210421MA0XXXXXXK", p + "party.representative": "王建国", p + "party.address": "抚顺县石文镇人民路 18 号",
                      p + "legal_basis": "《互联网上网服务营业场所管理条例》第二十一条",
                      p + "handler_opinion": "建议立案调查。"})
    for k, v in changes.items():
        data[p + k] = v
    return data


def test_officer_starts_a_case_and_sees_the_generated_form_with_its_basis(app, agency):
    adopt_regulation(app, agency.id)
    officer = web(app, agency, "officer1")
    cid, tid = start_case(officer)
    page = officer.text(f"/cases/{cid}/tasks/{tid}")
    assert "立案（程序启动）审批表" in page and "《抚顺县文化市场综合执法全过程记录实施办法》第七条" in page
    assert "lishui" not in page and "丽水" not in page
    for title in ("启动原因", "案件来源", "当事人基本情况", "身份证件号码或统一社会信用代码", "承办人意见"):
        assert title in page
    assert '<option value="complaint"' in page and "投诉举报" in page
    assert 'name="f.case_filing.party.name"' in page
    inbox = officer.text("/inbox")
    assert f"/cases/{cid}/tasks/{tid}" in inbox and "立案" in inbox


def test_gate_refusal_is_shown_beside_the_section_and_nothing_typed_is_lost(app, agency):
    adopt_regulation(app, agency.id)
    officer = web(app, agency, "officer1")
    cid, tid = start_case(officer)
    url = f"/cases/{cid}/tasks/{tid}"
    res = officer.post(url, MultiDict({"action": "complete"}), csrf_from=url)
    body = res.get_data(as_text=True)
    assert res.status_code == 422
    section = body[body.index('id="sec-case_filing"'):]
    refusal = section[section.index("缺少立案（程序启动）审批表（依据："):][:200]
    assert "《中华人民共和国行政处罚法》第五十四条" in refusal  # the diagram's national article, then the county's rule
    assert "《抚顺县文化市场综合执法全过程记录实施办法》第七条" in refusal and section.index("缺少") < 2000

    half = filing_form(facts="", **{"party.kind": "", "cause": "巡查发现：有人举报网吧深夜接纳学生"})
    half["action"] = "complete"
    res = officer.post(url, half, csrf_from=url)
    body = res.get_data(as_text=True)
    assert res.status_code == 422
    assert "巡查发现：有人举报网吧深夜接纳学生" in body  # typed text kept
    assert 'value="91210421MA0XXXXXXK"' in body
    facts = body[body.index('data-field="f.case_filing.facts"'):]
    assert "必填项" in facts[:800]
    kind = body[body.index('data-field="f.case_filing.party.kind"'):]
    assert "必填项" in kind[:1200]
    assert web_case(app, agency, cid)["records"] == []  # nothing stored from an invalid section

    good = filing_form()
    good["action"] = "complete"
    res = officer.post(url, good, csrf_from=url)
    assert res.status_code == 302 and res.headers["Location"].endswith(f"/cases/{cid}")
    case = web_case(app, agency, cid)
    assert [r["kind"] for r in case["records"]] == ["case_filing"]
    assert [t["name"] for t in case["tasks"] if t["state"] == "ready"] == ["t_unit_opinion"]


def web_case(app, agency, cid):
    client = app.test_client()
    res = client.get(f"/api/cases/{cid}", headers={"Authorization": f"Bearer {agency.tokens['officer1']}"})
    assert res.status_code == 200
    return res.get_json()


def test_saving_keeps_the_record_and_an_unchanged_form_makes_no_new_version(app, agency):
    officer = web(app, agency, "officer1")
    cid, tid = start_case(officer)
    url = f"/cases/{cid}/tasks/{tid}"
    form = filing_form()
    form["action"] = "save"
    assert officer.post(url, form, csrf_from=url).status_code == 302
    page = officer.text(url)
    assert "已保存" in page and 'value="91210421MA0XXXXXXK"' in page
    assert officer.post(url, form, csrf_from=url).status_code == 302
    form["f.case_filing.handler_opinion"] = "建议立案，并责令改正。"
    assert officer.post(url, form, csrf_from=url).status_code == 302
    versions = [r["version"] for r in web_case(app, agency, cid)["records"]]
    assert versions == [1, 2]


def test_wrong_role_cannot_submit_and_sees_a_read_only_form(app, agency):
    officer = web(app, agency, "officer1")
    cid, tid = start_case(officer)
    url = f"/cases/{cid}/tasks/{tid}"
    reviewer = web(app, agency, "reviewer1")
    page = reviewer.text(url)
    assert "须由承办人办理" in page and "保存并办结" not in page
    form = filing_form()
    form["action"] = "complete"
    res = reviewer.post(url, form, csrf_from=url)
    assert res.status_code == 403 and "无权访问" in res.get_data(as_text=True)


def test_manager_sees_the_case_file_and_the_decision_drives_the_gateway(app, agency, walker):
    cid = walker.create_case()["id"]
    walker.do(cid, "t_filing", {"case_filing": None})
    reviewer = web(app, agency, "reviewer1")
    queue = reviewer.text("/approvals")
    task = walker.task(cid, "t_unit_opinion")
    url = f"/cases/{cid}/tasks/{task['id']}"
    assert url in queue
    page = reviewer.text(url)
    assert "案卷材料" in page and "立案（程序启动）审批表" in page and "日常巡查发现接纳未成年人上网" in page
    assert "承办机构意见" in page and "签名" in page and 'name="f.unit_opinion.signatures.0.signer"' in page
    p = "f.unit_opinion."
    form = MultiDict({p + "opinion": "同意立案。", p + "decision": "agree", p + "signatures.0.signer": "王芳",
                      p + "signatures.0.capacity": "reviewer", p + "signatures.0.signed": "true",
                      p + "signatures.0.signed_at": LOCAL_T, "action": "complete"})
    assert reviewer.post(url, form, csrf_from=url).status_code == 302

    approver = web(app, agency, "approver1")
    task = walker.task(cid, "t_filing_approval")
    url = f"/cases/{cid}/tasks/{task['id']}"
    p = "f.filing_approval."
    refused = MultiDict({p + "opinion": "同意。", p + "decision": "approve", p + "signatures.0.signer": "刘伟",
                         p + "signatures.0.capacity": "approver", p + "signatures.0.signed": "false",
                         "action": "complete"})
    res = approver.post(url, refused, csrf_from=url)
    body = res.get_data(as_text=True)
    assert res.status_code == 422
    signed = body[body.index('data-field="f.filing_approval.signatures.0.signed"'):]
    assert "执法人员和审批人员必须签名" in signed[:1200]
    refused[p + "signatures.0.signed"] = "true"
    refused[p + "signatures.0.signed_at"] = LOCAL_T
    assert approver.post(url, refused, csrf_from=url).status_code == 302
    case = web_case(app, agency, cid)
    assert [t["name"] for t in case["tasks"] if t["state"] == "ready"] == ["t_plan"]
    record = [r for r in case["records"] if r["kind"] == "filing_approval"][0]
    assert record["payload"]["signatures"][0]["signed_at"] == T


def test_rejection_ends_the_case_through_the_gateway(app, agency, walker):
    cid = file_case(walker, approve=False)
    assert walker.case(cid)["status"] == "closed"
    officer = web(app, agency, "officer1")
    assert "已结案" in officer.text(f"/cases/{cid}")


def test_av_upload_and_the_not_suitable_alternative(app, agency, walker):
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": None})
    walker.do(cid, "t_inquiry", {"inquiry_record": None})
    task = walker.task(cid, "t_inspection")
    url = f"/cases/{cid}/tasks/{task['id']}"
    officer = web(app, agency, "officer1")
    page = officer.text(url)
    assert 'name="av_choice" value="recording"' in page and "不适宜音像记录" in page
    assert 'class="upload-input"' in page

    token = officer.csrf(url)
    bad = officer.client.post("/files", data={"file": (io.BytesIO(b"video"), "a.mp4")})
    assert bad.status_code == 400
    up = officer.client.post("/files", data={"file": (io.BytesIO(b"\x00\x01 inspection video"), "现场.mp4")},
                             headers={"X-CSRFToken": token})
    assert up.status_code == 201
    sha = up.get_json()["sha256"]

    inspection = {f"f.inspection_record.{k}": v for k, v in walker_flat(walker, "inspection_record").items()}
    form = MultiDict(inspection)
    form.add("av_choice", "not_suitable")
    form.add("f.av_not_suitable.reason", "短")
    form.add("action", "complete")
    res = officer.post(url, form, csrf_from=url)
    body = res.get_data(as_text=True)
    assert res.status_code == 422 and "不适宜音像记录的原因至少 6 个字" in body
    assert 'value="not_suitable" checked' in body

    form = MultiDict(inspection)
    form.add("av_choice", "recording")
    for k, v in {"files": sha, "device_id": "DSJ-0001", "recorded_by": "张明", "started_at": LOCAL_T,
                 "ended_at": "2026-03-02T10:40", "place": "星光网吧"}.items():
        form.add(f"f.av_recording.{k}", v)
    form.add("action", "complete")
    res = officer.post(url, form, csrf_from=url)
    assert res.status_code == 302, res.get_data(as_text=True)[:3000]
    case = officer.text(f"/cases/{cid}")
    assert "现场.mp4" in case and f"/files/{sha}" in case
    download = officer.get(f"/files/{sha}?case={cid}")
    assert download.status_code == 200 and download.data == b"\x00\x01 inspection video"
    assert "查阅文件" in officer.text(f"/cases/{cid}")


def walker_flat(walker, kind):
    from webapp.views.record_forms import form_values

    prefix = f"f.{kind}."
    return {k[len(prefix):]: v for k, v in form_values(kind, payload(kind)).items()}


def test_another_agency_cannot_download_a_file(app, agency, walker):
    from tests.support.app import make_agency

    sha = walker.upload(b"secret video bytes")
    other = make_agency(app)
    assert web(app, other, "officer1").get(f"/files/{sha}").status_code == 404
    assert web(app, agency, "officer1").get(f"/files/{sha}").status_code == 200


def test_inbox_marks_overdue_tasks(app, agency, walker, clock):
    cid = walker.create_case(emergency=True)["id"]
    walker.do(cid, "t_emergency", {"emergency_start": payload("emergency_start", started_at=clock.now().isoformat())})
    officer = web(app, agency, "officer1")
    assert "补报立案审批表" in officer.text("/inbox")
    assert "补报立案审批表" not in officer.text("/inbox?overdue=1")
    assert f">{cid}<" not in officer.text("/cases?overdue=1")
    clock.advance(hours=25)
    page = officer.text("/inbox")
    row = page[page.index("补报立案审批表") - 400:]
    assert "已逾期" in row[:1500] and 'class="overdue"' in page
    assert "补报立案审批表" in officer.text("/inbox?overdue=1")
    assert f">{cid}<" in officer.text("/cases?overdue=1")


def test_case_page_lists_sealed_documents_for_download(app, agency, walker):
    from tests.support.app import make_agency

    cid = file_case(walker)
    officer = web(app, agency, "officer1")
    page = officer.text(f"/cases/{cid}")
    match = re.search(r'href="/documents/(\d+)\.pdf">立案（程序启动）审批表</a>', page)
    assert match, page[page.find("<h2>文书</h2>"):][:600]
    res = officer.get(f"/documents/{match.group(1)}.pdf")
    assert res.status_code == 200 and res.data.startswith(b"%PDF")
    assert web(app, make_agency(app), "officer1").get(f"/documents/{match.group(1)}.pdf").status_code == 403
    audit = walker.case(cid)["audit"]
    assert audit[-1]["action"] == "document.downloaded"


def test_the_questioning_page_offers_a_summons_a_refusal_and_an_expert_opinion_saved_only_when_filled(
        app, agency, walker):
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": None})
    task = walker.task(cid, "t_inquiry")
    url = f"/cases/{cid}/tasks/{task['id']}"
    officer = web(app, agency, "officer1")
    page = officer.text(url)
    assert "可附记录" in page
    assert all(f'id="offered-{k}"' in page for k in ("inquiry_summons", "refusal_record", "expert_opinion"))
    assert 'id="offered-hearing_report"' not in page  # offered where its act is performed, not everywhere

    # the browser sends every field of the page, the offered sections' prefilled party and officer included
    form = submitted(page, "task-form")
    for k, v in walker_flat(walker, "inquiry_record").items():
        form.setlist(f"f.inquiry_record.{k}", [v] if not isinstance(v, list) else v)
    form["action"] = "save"
    res = officer.post(url, form, csrf_from=url)
    assert res.status_code == 302, res.get_data(as_text=True)[:2000]
    kinds = [r["kind"] for r in walker.call("get", f"/api/cases/{cid}/tasks/{task['id']}", "officer1").get_json()["records"]]
    assert kinds == ["inquiry_record"]  # an offered section nobody filled in is not a record

    page = officer.text(url)
    form = submitted(page, "task-form")
    for k, v in {f"f.inquiry_summons.{k}": v
                 for k, v in walker_flat(walker, "inquiry_summons").items()}.items():
        form.setlist(k, v if isinstance(v, list) else [v])
    form["action"] = "complete"
    res = officer.post(url, form, csrf_from=url)
    assert res.status_code == 302, res.get_data(as_text=True)[:2000]
    kinds = [r["kind"] for r in walker.call("get", f"/api/cases/{cid}/tasks/{task['id']}", "officer1").get_json()["records"]]
    assert sorted(kinds) == ["inquiry_record", "inquiry_summons"]
    documents = walker.call("get", f"/api/cases/{cid}/documents", "officer1").get_json()
    assert "调查询问通知书" in [d["title"] for d in documents]
