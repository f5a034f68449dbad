"""The agency profile edited through the form generated from the profile schema: saved through the same schema,
proof and deployment as the TOML text, refused beside the field in Chinese, the rules carried over unchanged."""
from __future__ import annotations

import re
import tomllib

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from handlers import profiles
from handlers.audit_actions import Action
from handlers.hashing import sha256_bytes
from tests.support import WORKFLOWS
from tests.support.web_client import submitted, web
from webapp.db import db
from webapp.models import Agency, AuditEntry

SHIPPED = (WORKFLOWS / "profiles" / "changli-market" / "profile.toml").read_text(encoding="utf-8")
CJK = re.compile(r"[\u4e00-\u9fff]")


def form_of(page: str) -> MultiDict[str, str]:
    data = submitted(page, "profile-form")
    assert data, "no profile form on the page"
    return data


def field_html(page: str, name: str) -> str:
    start = page.index(f'data-field="{name}"')
    return page[start:page.index("</div>", start)]


def with_changli(app, agency):
    """The admin, with the shipped changli-market profile saved through the TOML view."""
    admin = web(app, agency, "admin1")
    res = admin.post("/admin/profile", {"profile": SHIPPED}, csrf_from="/admin/profile?view=toml")
    assert res.status_code == 302, res.get_data(as_text=True)[:2000]
    return admin


def stored(app, agency) -> dict:
    with app.app_context():
        return dict(db.session.get(Agency, agency.id).profile)


def audits(app, agency, action: Action) -> list[AuditEntry]:
    with app.app_context():
        rows = list(db.session.scalars(select(AuditEntry).where(AuditEntry.agency_id == agency.id,
                                                                AuditEntry.action == action.value)
                                       .order_by(AuditEntry.seq)))  # in the chain's order: [-1] is the newest
        db.session.expunge_all()
        return rows


def test_every_profile_field_has_a_chinese_label_and_help():
    """A field added to the profile schema without its label and help fails here, before the form shows it bare."""
    missing = [".".join(path) for schema in (profiles.ProfileSchema(), profiles.PatchSchema())
               for path, f in profiles.walk(schema)
               if not CJK.search(f.metadata.get("label", ""))
               or not (CJK.search(f.metadata.get("help", "")) or f.metadata.get("label") and _is_group(f))]
    assert missing == []


def _is_group(f) -> bool:
    return type(f).__name__ == "Nested"


def test_the_form_shows_every_field_with_periods_as_number_and_unit(app, agency):
    admin = with_changli(app, agency)
    page = admin.text("/admin/profile")
    for label in ("归档期限", "音像记录移交时限", "期限预警提前量", "保密要求", "长期保存情形", "救济途径告知", "本地放假日"):
        assert f"{label}" in page
    data = form_of(page)
    assert data["f.archive.days"] == "30" and data["f.archive.days:unit"] == "days:1"
    assert data["f.av.handover_hours"] == "1" and data["f.av.handover_hours:unit"] == "handover_hours:24"  # 24 小时 = 1 日
    assert data["f.confidentiality"] == "restricted" and "按保密规定和权限管理" in field_html(page, "f.confidentiality")
    assert data.getlist("f.procedures") == ["general_procedure", "simple_procedure", "compulsory_enforcement",
                                            "licensing_intake", "inspection"]
    assert "一般程序" in field_html(page, "f.procedures")
    form_part = page[page.index('class="profile-form"'):]
    assert not re.search(r"\bP(T\d+H|\d+D)\b", form_part)  # no ISO duration anywhere in the form or the kept rules
    assert "申请材料不齐全的，当场或者在2日内一次告知需要补正的全部内容（2日内）" in form_part  # rules listed, in words


def editing(app, agency):
    """The admin on Changli's profile form: the client, the stored profile, the count of its change entries, the form."""
    admin = with_changli(app, agency)
    return (admin, stored(app, agency), len(audits(app, agency, Action.AGENCY_PROFILE_CHANGED)),
            form_of(admin.text("/admin/profile")))


def test_archive_period_and_warning_window_changed_through_the_form_are_applied_and_audited(app, agency):
    admin, before, changed, data = editing(app, agency)
    data["f.archive.days"] = "45"
    data["f.warnings.deadline_hours"], data["f.warnings.deadline_hours:unit"] = "2", "deadline_hours:24"
    res = admin.post("/admin/profile", data, csrf_from="/admin/profile")
    assert res.status_code == 302, res.get_data(as_text=True)[:3000]

    after = stored(app, agency)
    assert after["archive_days"] == 45 and after["deadline_warning_hours"] == 48
    assert after["rules"] == before["rules"]  # the rules the form does not show are carried over unchanged
    source = tomllib.loads(after["source_toml"])
    shipped = tomllib.loads(SHIPPED)
    assert source["archive"] == {**shipped["archive"], "days": 45} and source["warnings"] == {"deadline_hours": 48}
    assert source["rules"] == shipped["rules"] and source["patches"] == shipped["patches"]
    entries = audits(app, agency, Action.AGENCY_PROFILE_CHANGED)
    assert len(entries) == changed + 1
    assert entries[-1].detail["source_sha256"] == sha256_bytes(after["source_toml"])
    assert audits(app, agency, Action.PROFILE_APPLIED)[-1].detail["code"] == "changli-market"

    page = admin.text("/admin/profile")
    assert "机构配置已校验并保存" in page
    shown = page[:page.index('class="profile-form"')]
    assert "<td>45日" in shown and "<td>48小时" in shown and "<td>24小时" in shown  # the settings, with their units
    again = form_of(page)
    assert again["f.archive.days"] == "45"
    assert again["f.warnings.deadline_hours"] == "2" and again["f.warnings.deadline_hours:unit"] == "deadline_hours:24"


def test_an_invalid_value_is_refused_beside_its_field_in_chinese_and_what_was_typed_stays(app, agency):
    admin, before, changed, data = editing(app, agency)
    data["f.archive.days"] = "-5"
    data["f.confidentiality"] = "secret"
    data["f.av.retention_months"] = "三年"
    data["f.name"] = "昌黎县市场监督管理局（改）"
    data["f.calendar.holidays"] = "2026-06-03\n2026-13-01"
    res = admin.post("/admin/profile", data, csrf_from="/admin/profile")
    page = res.get_data(as_text=True)
    assert res.status_code == 422
    days = field_html(page, "f.archive.days")
    assert "应不小于 1" in days and 'value="-5"' in days
    secrecy = field_html(page, "f.confidentiality")
    assert "须为以下之一：内部资料，不向社会公开；按保密规定和权限管理" in secrecy
    assert '<option value="secret" selected>' in secrecy
    retention = field_html(page, "f.av.retention_months")
    assert "应为整数" in retention and 'value="三年"' in retention
    holidays = field_html(page, "f.calendar.holidays")
    assert "日期格式无效" in holidays and "2026-06-03\n2026-13-01</textarea>" in holidays
    assert 'value="昌黎县市场监督管理局（改）"' in page  # an untouched valid field keeps what was typed too
    assert not re.search(r"Must be|Not a valid|Unknown field", page)
    assert stored(app, agency) == before
    assert len(audits(app, agency, Action.AGENCY_PROFILE_CHANGED)) == changed


def test_a_partly_filled_table_names_its_missing_field(app, agency):
    """救济途径告知 is optional as a whole; filled in part, its required fields are asked for beside them."""
    admin = with_changli(app, agency)
    data = form_of(admin.text("/admin/profile"))
    assert data["f.documents.remedies.review_organ"] == "昌黎县人民政府"
    data["f.documents.remedies.court"] = ""
    res = admin.post("/admin/profile", data, csrf_from="/admin/profile")
    page = res.get_data(as_text=True)
    assert res.status_code == 422
    assert "必填项" in field_html(page, "f.documents.remedies.court")
    assert 'value="昌黎县人民政府"' in field_html(page, "f.documents.remedies.review_organ")


def test_the_toml_view_still_edits_the_text(app, agency):
    admin = with_changli(app, agency)
    page = admin.text("/admin/profile?view=toml")
    assert "高级：直接编辑 TOML" in page and "[[rules]]" in page and 'class="profile-form"' not in page
    res = admin.post("/admin/profile", {"profile": SHIPPED.replace("days = 30", "days = 20", 1)},
                     csrf_from="/admin/profile?view=toml")
    assert res.status_code == 302 and res.headers["Location"].endswith("/admin/profile?view=toml")
    assert stored(app, agency)["archive_days"] == 20
    assert form_of(admin.text("/admin/profile"))["f.archive.days"] == "20"


def test_a_handover_in_working_days_replaces_the_one_in_hours(app, agency):
    """One input, two fields: 个工作日 writes handover_working_days and drops handover_hours (the schema takes one).
    Changli's regulation (第十九条) allows 24 hours, so working days are refused there; a regulation counting the
    handover in days (here changli's rule read as three days) takes them."""
    admin = with_changli(app, agency)
    page = admin.text("/admin/profile")
    assert "个工作日</option>" in field_html(page, "f.av.handover_hours")
    data = form_of(page)
    data["f.av.handover_hours"], data["f.av.handover_hours:unit"] = "3", "handover_working_days:1"
    refused = admin.post("/admin/profile", data, csrf_from="/admin/profile")
    assert refused.status_code == 422 and "只能收紧不能放宽" in refused.get_data(as_text=True)
    in_days = SHIPPED.replace('acts = ["音像记录.移交"]\nwithin = "PT24H"', 'acts = ["音像记录.移交"]\nwithin = "P3D"')
    assert in_days != SHIPPED
    res = admin.post("/admin/profile", {"profile": in_days}, csrf_from="/admin/profile?view=toml")
    assert res.status_code == 302, res.get_data(as_text=True)[:2000]
    data = form_of(admin.text("/admin/profile"))
    data["f.av.handover_hours"], data["f.av.handover_hours:unit"] = "3", "handover_working_days:1"
    res = admin.post("/admin/profile", data, csrf_from="/admin/profile")
    assert res.status_code == 302, res.get_data(as_text=True)[:3000]
    after = stored(app, agency)
    assert after["av_handover_working_days"] == 3 and "av_handover_hours" not in after
    assert tomllib.loads(after["source_toml"])["av"] == {"handover_working_days": 3,
                                                         "handover_basis": "changli-market 第十九条"}
    again = form_of(admin.text("/admin/profile"))
    assert again["f.av.handover_hours"] == "3" and again["f.av.handover_hours:unit"] == "handover_working_days:1"
