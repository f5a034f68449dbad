"""Forms that know what the system knows: the party of the case, the signed-in officer and a colleague from the
roster with their 执法证, the present minute; an expired 执法证 cannot be named (行政处罚法 第四十二条)."""
from __future__ import annotations

import datetime as dt
import html
import json
import re

from sqlalchemy import select

from tests.support.app import adopt_regulation
from tests.support.web_client import web
from tests.web.test_tasks import start_case
from webapp.db import db
from webapp.loadgen.flows import file_case, investigate, report_to_statement, service_steps
from webapp.loadgen.payloads import payload
from webapp.models import Document, User
from webapp.views import record_forms

PREFILLED = re.compile(r'name="f\.case_filing\.__prefilled" value="([^"]*)"')


def test_admin_records_certificates_and_the_task_form_starts_from_what_is_known(app, agency, clock):
    """The administrator keeps each officer's 执法证号 and validity; the filing form starts with the case's party
    and the signing minute, offers only officers with a valid certificate, and a prefilled but untouched section is
    no record: 办结 is refused by the gate, not by the fields nobody typed."""
    admin = web(app, agency, "admin1")
    today = clock.now().date()
    for user, badge, until in (("officer1", "辽文执0001", today + dt.timedelta(days=365)),
                               ("officer2", "辽文执0002", today - dt.timedelta(days=1))):
        uid = agency.user_ids[user]
        form = {"username": agency.usernames[user], "display_name": f"{user}姓名", "roles": "officer",
                "active": "y", "badge_no": badge, "badge_valid_until": until.isoformat()}
        res = admin.post(f"/admin/users/{uid}", form, csrf_from=f"/admin/users/{uid}")
        assert res.status_code == 302, res.get_data(as_text=True)[-1500:]
    users = admin.text("/admin/users")
    assert "辽文执0002" in users and "已过期" in users
    taken = admin.post(f"/admin/users/{agency.user_ids['officer2']}",
                       {"username": agency.usernames["officer2"], "display_name": "x", "roles": "officer",
                        "active": "y", "badge_no": "辽文执0001"}, csrf_from="/admin/users")
    assert taken.status_code == 422 and "已登记在另一用户名下" in taken.get_data(as_text=True)

    officer = web(app, agency, "officer1")
    cid, tid = start_case(officer)
    page = officer.text(f"/cases/{cid}/tasks/{tid}")
    assert 'name="f.case_filing.party.name" value="抚顺县星光网吧"' in page
    assert 'data-badge="辽文执0001"' in page and "辽文执0002" not in page  # the roster: valid certificates only
    given = json.loads(html.unescape(PREFILLED.search(page).group(1)))
    assert given["f.case_filing.party.name"] == "抚顺县星光网吧"
    res = officer.post(f"/cases/{cid}/tasks/{tid}", {**given, "f.case_filing.__prefilled": json.dumps(given),
                                                     "action": "complete"}, csrf_from=f"/cases/{cid}/tasks/{tid}")
    body = res.get_data(as_text=True)
    assert res.status_code == 422 and "任务尚不能办结" in body and "有记录填写有误" not in body


def test_an_officer_whose_certificate_has_expired_cannot_be_named(app, agency, clock, walker):
    """行政处罚法 第四十二条: 执法人员不得少于两人 — holding a valid 执法证; a record naming an expired one is refused,
    on the API as on the page, with the field and the article."""
    with app.app_context():
        db.session.get(User, agency.user_ids["officer2"]).badge_no = "辽文执0102"
        db.session.get(User, agency.user_ids["officer2"]).badge_valid_until = clock.now().date() - dt.timedelta(days=2)
        db.session.commit()
    case = walker.create_case()
    task = next(t for t in case["tasks"] if t["name"] == "t_filing")
    data = payload("inquiry_record")
    data["officers"] = [data["officers"][0], {"name": "李强", "certificate_no": "辽文执0102"}]
    res = walker.add(case["id"], task, "inquiry_record", data)
    body = res.get_json()
    assert res.status_code == 422 and "已于" in body["fields"]["officers.1.certificate_no"][0], body
    assert "第四十二条" in body["message"]
    data["officers"][1]["certificate_no"] = "辽文执9999"  # not on the roster (another agency's officer): the reviewer's call
    assert walker.add(case["id"], task, "inquiry_record", data).status_code == 201


def test_the_served_document_is_picked_from_the_case_not_typed(app, agency, walker):
    """The 送达回证 names the 文书 it serves: the form offers the case's issued 文书 by title and 文号 (newest version
    of each), and what is picked is stored as the document's id, so the 回证 prints the issued 文号."""
    cid = file_case(walker)
    investigate(walker, cid)
    report_to_statement(walker, cid)
    for name, records in [("t_approval", {"decision_approval": None}), ("t_decision", {"penalty_decision": None}),
                          *service_steps("direct")[:2]]:
        walker.do(cid, name, records)
    tid = walker.task(cid, "t_direct_receipt")["id"]
    officer = web(app, agency, "officer1")
    page = officer.text(f"/cases/{cid}/tasks/{tid}")
    picker = re.search(r'<select id="f\.service_receipt\.document_id"[^>]*>(.*?)</select>', page, re.S)
    assert picker, "no document picker"
    options = dict(re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', picker.group(1)))
    with app.app_context():
        decision = db.session.scalars(select(Document).where(Document.case_id == cid,
                                                             Document.kind == "penalty_decision")).one()
        assert options[str(decision.id)] == html.escape(f"{decision.title}（{decision.number}）", quote=False)
        db.session.remove()
    typed = {k: v for k, v in payload("service_receipt").items() if k not in ("document", "document_no")}
    form = record_forms.form_values("service_receipt", typed)
    res = officer.post(f"/cases/{cid}/tasks/{tid}", {**form, "f.service_receipt.document_id": str(decision.id),
                                                     "action": "save"}, csrf_from=f"/cases/{cid}/tasks/{tid}")
    assert res.status_code in (200, 302), res.get_data(as_text=True)[-2000:]
    receipts = [r for r in walker.case(cid)["records"] if r["kind"] == "service_receipt"]
    assert receipts and receipts[-1]["payload"]["document_id"] == decision.id


def test_a_service_record_starts_with_the_document_its_plan_chose(app, agency, walker):
    """The 文书 being served is chosen once, in the 送达安排; the 送达回证 (and every method's record) starts with it
    picked instead of asking again; the next 送达安排 starts blank, never with the earlier choice."""
    cid = file_case(walker)
    investigate(walker, cid)
    report_to_statement(walker, cid)
    for name, records in [("t_approval", {"decision_approval": None}), ("t_decision", {"penalty_decision": None})]:
        walker.do(cid, name, records)
    with app.app_context():
        decision = db.session.scalars(select(Document).where(Document.case_id == cid,
                                                             Document.kind == "penalty_decision")).one().id
        db.session.remove()
    walker.do(cid, "t_service_plan", {"service_plan": payload("service_plan", method="direct", document_id=decision)})
    walker.do(cid, "t_direct_attempt", {"service_attempt": payload("service_attempt", method="direct", outcome="served")})
    officer = web(app, agency, "officer1")
    page = officer.text(f"/cases/{cid}/tasks/{walker.task(cid, 't_direct_receipt')['id']}")
    picker = re.search(r'<select id="f\.service_receipt\.document_id"[^>]*>(.*?)</select>', page, re.S)
    assert picker and re.search(rf'<option value="{decision}"\s+selected', picker.group(1)), picker
    assert record_forms.prefill("service_plan", record_forms.Known({}, None, "", decision)) == {}


def test_a_task_page_cites_articles_by_title_for_its_agency_only(app, agency, walker):
    """The forms' help texts and messages name articles in the catalogue's code form; the page shows them by the
    regulation's real title, the agency's own and national law only (a Fushun officer sees neither a code nor
    Lishui's regulation)."""
    title = adopt_regulation(app, agency.id, "fushun-culture")
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": None})
    walker.do(cid, "t_inquiry", {"inquiry_record": None})
    page = web(app, agency, "officer1").text(f"/cases/{cid}/tasks/{walker.task(cid, 't_inspection')['id']}")
    assert f"记录执法证件出示情况（《{title}》第九条）" in page
    assert not re.search(r"[a-z]+-[a-z]+ 第", page) and "丽水" not in page


def test_the_apis_field_messages_cite_articles_by_title_for_the_callers_agency_only(app, agency, walker):
    """The record catalogue's validation messages name articles in code form; a JSON caller reads them as the task
    page does — by the regulation's real title, its own agency's only — in the message and in every field's list."""
    title = adopt_regulation(app, agency.id, "fushun-culture")
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": None})
    walker.do(cid, "t_inquiry", {"inquiry_record": None})
    task = walker.task(cid, "t_inspection")
    res = walker.add(cid, task, "inspection_record", {**payload("inspection_record"), "certificates_shown": False})
    assert res.status_code == 422
    answer = json.dumps(res.get_json(), ensure_ascii=False)
    assert f"执法人员须向当事人出示执法证件（《{title}》第九条）" in answer, answer
    assert not re.search(r"[a-z]+-[a-z]+ 第", answer) and "丽水" not in answer
