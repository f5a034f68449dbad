"""The administrator edits the agency profile in Chromium through the form generated from the profile schema: a period
as number + unit, a refusal beside its field with what was typed kept, then a save that is applied."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_chinese import latin_words
from tests.support import WORKFLOWS
from tests.support.app import make_agency
from tests.support.browser import SHOTS, sign_in
from webapp.db import db
from webapp.models import Agency

SHIPPED = (WORKFLOWS / "profiles" / "changli-market" / "profile.toml").read_text(encoding="utf-8")


def test_admin_changes_periods_through_the_profile_form(app, live, browser):
    agency = make_agency(app)
    admin = sign_in(browser, live, agency.usernames["admin1"])
    admin.goto(f"{live}/admin/profile?view=toml")
    admin.fill("textarea[name=profile]", SHIPPED)
    admin.click("button:has-text('校验、保存并部署')")
    expect(admin.locator(".flash")).to_contain_text("机构配置已校验并保存")

    admin.click("nav.tabs a:has-text('表单')")
    days = admin.locator('[name="f.archive.days"]')
    expect(days).to_have_value("30")
    expect(admin.locator('[name="f.av.handover_hours:unit"] option:checked')).to_have_text("日")
    days.fill("-5")
    admin.get_by_label("期限预警提前量", exact=True).fill("2")
    admin.get_by_label("期限预警提前量的单位").select_option(label="日")
    admin.click("button:has-text('校验、保存并部署')")
    error = admin.locator('[data-field="f.archive.days"] .field-error')
    expect(error).to_contain_text("应不小于 1")
    expect(days).to_have_value("-5")
    expect(admin.get_by_label("期限预警提前量", exact=True)).to_have_value("2")
    error.scroll_into_view_if_needed()
    admin.screenshot(path=SHOTS.format("admin-profile-form-refused"), full_page=False)
    assert admin.evaluate("document.documentElement.scrollWidth") <= 1280

    days.fill("45")
    admin.click("button:has-text('校验、保存并部署')")
    expect(admin.locator(".flash")).to_contain_text("机构配置已校验并保存")
    expect(days).to_have_value("45")
    expect(admin.locator("table.list")).to_contain_text("45")
    kept = admin.locator("details.kept")
    kept.locator("summary").click()
    expect(kept).to_contain_text("执法行为终结之日起30日内立卷归档（30日内）——《昌黎县市场监管局行政执法全过程记录实施办法》第十九条")
    expect(kept).to_contain_text("一般程序：询问调查（须同步录音录像）")  # a patch by procedure, task and change
    expect(kept).to_contain_text("一般程序：归档（期限改为30日）")
    admin.screenshot(path=SHOTS.format("admin-profile-form"), full_page=True)
    assert latin_words(admin) == set()  # every word the page renders is Chinese, the shipped profile's text included
    with app.app_context():
        profile = db.session.get(Agency, agency.id).profile
    assert profile["archive_days"] == 45 and profile["deadline_warning_hours"] == 48
    phone = sign_in(browser, live, agency.usernames["admin1"], width=375)
    phone.goto(f"{live}/admin/profile")
    expect(phone.locator('[name="f.archive.days"]')).to_have_value("45")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.screenshot(path=SHOTS.format("admin-profile-form-375"), full_page=False)
