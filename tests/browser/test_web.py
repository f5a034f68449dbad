"""Real-browser tests: Debian's Chromium driven by Playwright against a live server of the real app.

Screenshots of the main pages go to /tmp/liuhen-*.png for a person to look at.
"""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.app import make_agency
from tests.support.browser import SHOTS, sign_in


def fill(page: Page, values: dict[str, str]) -> None:
    for name, value in values.items():
        el = page.locator(f'[name="{name}"]')
        if el.evaluate("e => e.tagName") == "SELECT":
            el.select_option(value)
        else:
            el.fill(value)


FILING = {"cause": "日常巡查发现接纳未成年人上网", "source": "inspection",
          "facts": "2026年3月1日21时，执法人员在星光网吧发现三名未成年人上网。", "party.name": "抚顺县星光网吧",
          "party.kind": "organisation", "party.id_number": "91210421MA0XXXXXXK", "party.representative": "王建国",
          "party.address": "抚顺县石文镇人民路 18 号", "legal_basis": "《互联网上网服务营业场所管理条例》第二十一条",
          "handler_opinion": "建议立案调查。"}


def signed(prefix: str, signer: str, capacity: str) -> dict[str, str]:
    return {f"{prefix}.signatures.0.signer": signer, f"{prefix}.signatures.0.capacity": capacity,
            f"{prefix}.signatures.0.signed": "true", f"{prefix}.signatures.0.signed_at": "2026-03-02T10:00"}


def test_officer_is_refused_then_completes_and_managers_approve(app, live, browser):
    agency = make_agency(app)
    officer = sign_in(browser, live, agency.usernames["officer1"])
    expect(officer).to_have_url(f"{live}/inbox")
    officer.screenshot(path=SHOTS.format("inbox"), full_page=True)

    officer.click("text=案件")
    officer.click("summary:has-text('启动新案件')")
    officer.fill("#title", "星光网吧接纳未成年人上网案")
    officer.fill("#party_name", "抚顺县星光网吧")
    officer.click("button:has-text('启动')")
    expect(officer.locator("h1")).to_contain_text("立案审批")

    officer.fill('[name="f.case_filing.cause"]', "巡查发现")
    officer.click("button:has-text('保存并办结')")
    section = officer.locator("#sec-case_filing")
    expect(section.locator(".error").first).to_be_visible()
    expect(section.locator('[data-field="f.case_filing.facts"] .field-error')).to_have_text("必填项")
    expect(officer.locator('[name="f.case_filing.cause"]')).to_have_value("巡查发现")  # nothing typed is lost
    officer.screenshot(path=SHOTS.format("task-refused"), full_page=True)

    officer.fill('[name="f.case_filing.cause"]', "")
    officer.fill('[name="f.case_filing.facts"]', "")
    officer.click("button:has-text('保存并办结')")
    expect(officer.locator("#sec-case_filing .gate")).to_contain_text("缺少立案（程序启动）审批表")
    expect(officer.locator("#sec-case_filing .gate")).not_to_contain_text("fushun-culture")  # no other county's code

    fill(officer, {f"f.case_filing.{k}": v for k, v in FILING.items()})
    officer.click("button:has-text('保存并办结')")
    expect(officer.locator(".flash")).to_contain_text("已办结")
    case_url = officer.url

    reviewer = sign_in(browser, live, agency.usernames["reviewer1"])
    reviewer.goto(f"{live}/approvals")
    reviewer.screenshot(path=SHOTS.format("approvals"), full_page=True)
    reviewer.click("a:has-text('承办机构审核立案')")
    expect(reviewer.locator(".case-file")).to_contain_text("立案（程序启动）审批表")
    fill(reviewer, {"f.unit_opinion.opinion": "同意立案。", "f.unit_opinion.decision": "agree",
                    **signed("f.unit_opinion", "王芳", "reviewer")})
    reviewer.screenshot(path=SHOTS.format("manager-task"), full_page=True)
    reviewer.click("button:has-text('保存并办结')")
    expect(reviewer.locator(".flash")).to_contain_text("已办结")

    approver = sign_in(browser, live, agency.usernames["approver1"])
    approver.click("a:has-text('负责人审批立案')") if approver.locator("a:has-text('负责人审批立案')").count() else \
        approver.locator("table.list a").first.click()
    fill(approver, {"f.filing_approval.opinion": "同意立案，由张明、李强承办。", "f.filing_approval.decision": "approve",
                    **signed("f.filing_approval", "刘伟", "approver")})
    approver.click("button:has-text('保存并办结')")
    expect(approver.locator(".flash")).to_contain_text("已办结")

    officer.goto(case_url)
    officer.wait_for_selector('#diagram[data-ready="1"]')
    expect(officer.locator(".djs-element.done")).to_have_count(3)
    expect(officer.locator('.djs-element.current[data-element-id="t_plan"]')).to_have_count(1)
    officer.screenshot(path=SHOTS.format("case"), full_page=True)
    officer.goto(f"{live}/cases")
    officer.screenshot(path=SHOTS.format("cases"), full_page=True)


def test_designer_edits_validates_deploys_and_new_cases_follow(app, live, browser, client):
    agency = make_agency(app)
    designer = sign_in(browser, live, agency.usernames["designer1"])
    expect(designer).to_have_url(f"{live}/designer")
    designer.click("a[href='/designer/general_procedure']")
    designer.wait_for_selector('#canvas[data-ready="1"]')
    designer.click('g.djs-element[data-element-id="t_filing"]')
    expect(designer.locator("#task-props")).to_be_visible()
    expect(designer.locator('#prop-records input[value="case_filing"]')).to_be_checked()
    designer.check('#prop-records input[value="evidence_preservation"]')
    basis = designer.input_value("#prop-basis")
    designer.fill("#prop-basis", "")
    designer.click("#save")
    expect(designer.locator("#problem-list")).to_contain_text("未写明法律依据")
    expect(designer.locator('g.djs-element.has-error[data-element-id="t_filing"]')).to_have_count(1)
    designer.screenshot(path=SHOTS.format("designer-error"), full_page=True)

    designer.click('li.problem[data-element="t_filing"]')
    designer.fill("#prop-basis", basis)
    designer.click("#save")
    # saving and deploying each prove the diagram on every path (about 2 s quiet, several times that under load)
    expect(designer.locator("#save-status")).to_contain_text("已保存为本机构第 1 版", timeout=30_000)
    designer.click("#deploy")
    expect(designer.locator(".flash")).to_contain_text("已部署", timeout=30_000)
    designer.screenshot(path=SHOTS.format("designer-index"), full_page=True)

    token = {"Authorization": f"Bearer {agency.tokens['officer1']}"}
    case = client.post("/api/cases", json={"title": "新版本案件", "party_name": "某公司"}, headers=token).get_json()
    task = next(t for t in case["tasks"] if t["name"] == "t_filing")
    view = client.get(f"/api/cases/{case['id']}/tasks/{task['id']}", headers=token).get_json()
    assert view["requires"]["records"] == ["case_filing", "evidence_preservation"]
    assert view["requires"]["basis"] == [b.strip() for b in basis.split("；")]

    officer = sign_in(browser, live, agency.usernames["officer1"])
    officer.goto(f"{live}/cases/{case['id']}/tasks/{task['id']}")
    expect(officer.locator("#sec-evidence_preservation h3")).to_contain_text("证据先行登记保存")


def test_designer_sees_the_proofs_refusal_in_chinese_on_the_element(app, live, browser):
    """行政处罚法 第六十条: deleting the decision's 90-day period is refused at save, the task outlined in red."""
    agency = make_agency(app)
    designer = sign_in(browser, live, agency.usernames["designer1"])
    designer.goto(f"{live}/designer/general_procedure")
    designer.wait_for_selector('#canvas[data-ready="1"]')
    designer.select_option("#jump", "t_decision")  # far right on the canvas: the jump list selects and scrolls to it
    expect(designer.locator("#prop-deadline-n")).to_have_value("90")  # the period as number and unit (日)
    expect(designer.locator("#prop-act")).to_have_value("决定")
    period = designer.locator('#law-rules li[data-rule="cf-60-decide-within-90-days"]')
    expect(period).to_contain_text("✔ 已满足")  # the law panel: the rules binding the selected task, by real title
    expect(period).to_contain_text("《中华人民共和国行政处罚法》第六十条")
    expect(designer.locator("#law-procedure")).to_contain_text("一般程序须有立案")
    designer.fill("#prop-deadline-n", "")
    expect(period).to_contain_text("✘ 未满足")  # re-proved as the designer edits, before any save
    expect(period).to_contain_text("未设期限")
    designer.locator("#law-panel").scroll_into_view_if_needed()
    designer.screenshot(path=SHOTS.format("designer-law"), full_page=True)
    designer.click("#save")
    expect(designer.locator("#save-status")).to_contain_text("不符合本机构适用的法律规定")
    item = designer.locator('li.problem[data-element="t_decision"]')
    expect(item).to_contain_text("《中华人民共和国行政处罚法》第六十条")
    expect(item).to_contain_text("未设期限")
    expect(designer.locator('g.djs-element.has-error[data-element-id="t_decision"]')).to_have_count(1)
    designer.screenshot(path=SHOTS.format("designer-proof"), full_page=True)


def test_designer_page_shows_lanes_and_admin_pages_render(app, live, browser):
    agency = make_agency(app)
    designer = sign_in(browser, live, agency.usernames["designer1"])
    designer.goto(f"{live}/designer/general_procedure")
    designer.wait_for_selector('#canvas[data-ready="1"]')
    expect(designer.locator("#lanes")).to_contain_text("法制审核 → 角色：法制审核")
    designer.screenshot(path=SHOTS.format("designer"), full_page=False)
    admin = sign_in(browser, live, agency.usernames["admin1"])
    expect(admin.locator("h1")).to_contain_text("用户与角色")
    admin.screenshot(path=SHOTS.format("admin-users"), full_page=True)
    admin.goto(f"{live}/admin/profile")
    admin.screenshot(path=SHOTS.format("admin-profile"), full_page=True)
    admin.goto(f"{live}/designer")
    expect(admin.locator("h1")).to_contain_text("无权访问")
    admin.screenshot(path=SHOTS.format("403"), full_page=True)
