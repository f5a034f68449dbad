"""The supervision page's charts in a real headless Chromium: inline SVG, one bar per figure, no JavaScript needed.

Screenshots go to /tmp/liuhen-supervision.png and /tmp/liuhen-spot-checks.png for a person to look at.
"""
from __future__ import annotations

from playwright.sync_api import expect

from tests.support.app import adopt_regulation, judicial_supervisor, make_agency
from tests.support.browser import sign_in
from tests.support.media import MiB, upload
from tests.support.walker import Walker
from webapp.supervision import figures as supervision


def test_the_supervision_page_draws_its_charts(app, live, browser, client):  # noqa: F811
    agency = make_agency(app)
    adopt_regulation(app, agency.id)  # its articles are then cited by the regulation's title
    w = Walker(client, agency.tokens)
    cids = [w.create_case()["id"] for _ in range(3)]
    item = upload(w, cids[0], size=MiB, seed=cids[0] + 7000)
    for finding, extra in (("存在问题", {"note": "未出示执法证件", "rectification": "学习整改"}), ("合格", {})):
        res = w.call("post", "/oversight/api/spot-checks", "legal1",
                     json={"media_id": item["id"], "aspects": ["文明执法"], "finding": finding, **extra})
        assert res.status_code == 201, res.get_json()
    with app.app_context():
        figures = supervision.figures(agency.id)

    page = sign_in(browser, live, agency.usernames["legal1"])
    page.goto(f"{live}/oversight/supervision")
    stages = page.locator('svg.chart[data-chart="stages"] rect.bar')
    expect(stages).to_have_count(len(figures["cases_by_stage"]))
    started = page.locator('svg.chart[data-chart="stages"] rect.bar[data-label="程序启动"]')
    assert started.get_attribute("data-value") == "3" and float(started.get_attribute("width")) > 300
    assert float(page.locator('svg.chart[data-chart="stages"] rect.bar[data-label="已办结"]').get_attribute("width")) == 0
    assert started.bounding_box()["width"] > 100  # drawn on screen, not only in the markup
    expect(page.locator('svg.chart[data-chart="handover"] rect.bar')).to_have_count(2)
    expect(page.locator('svg.chart[data-chart="spot_checks"] rect.bar')).to_have_count(3)
    bars = page.locator('svg.chart[data-chart="spot_checks"] rect.bar')
    assert [bars.nth(i).get_attribute("data-value") for i in range(3)] == ["1", "1", "1"]
    expect(page.locator("#chart-handover figcaption")).to_contain_text("《抚顺县文化市场综合执法全过程记录实施办法》第三十一条")
    if "accountability" in figures:
        expect(page.locator('svg.chart[data-chart="accountability"] rect.bar')).to_have_count(
            len(figures["accountability"]["counts"]))
    expect(page.locator("#spot-checks")).to_contain_text("未出示执法证件")
    expect(page.locator("a:has-text('导出 CSV')")).to_have_attribute("href", f"/oversight/supervision.csv?agency={agency.id}")
    page.screenshot(path="/tmp/liuhen-supervision.png", full_page=True)

    with page.expect_download() as got:
        page.click("a:has-text('导出 PDF 报告')")
    assert got.value.suggested_filename.endswith(".pdf")

    page.click("nav >> text=检查台账")
    page.click("#ledger a:has-text('登记复查')")
    expect(page.locator("#follow_up_of")).to_have_value(str(figures["spot_checks"]["recent"][-1]["id"]))
    page.check("input[name=aspects][value=文明执法]")
    page.check("input[name=finding][value=合格]")
    page.fill("#note", "复查：已整改，出示证件规范")
    page.click("button:has-text('登记')")
    expect(page.locator(".flash")).to_contain_text("已登记检查")
    expect(page.locator("#ledger")).to_contain_text("复查：已整改，出示证件规范")
    expect(page.locator("#ledger")).not_to_contain_text("待整改")
    page.screenshot(path="/tmp/liuhen-spot-checks.png", full_page=True)
    page.context.close()


def test_a_judicial_supervisor_switches_between_assigned_agencies(app, live, browser):  # noqa: F811

    a, b = make_agency(app), make_agency(app)
    judge = judicial_supervisor(app, a, b)
    page = sign_in(browser, live, judge.username)
    expect(page).to_have_url(f"{live}/oversight/supervision")
    expect(page.locator("h1")).to_contain_text("测试执法队")
    page.select_option("select[name=agency]", str(b.id))
    page.click("#period button:has-text('查看')")
    expect(page).to_have_url(f"{live}/oversight/supervision?agency={b.id}")
    expect(page.locator('svg.chart[data-chart="stages"] rect.bar')).to_have_count(6)
    expect(page.locator("nav")).not_to_contain_text("检查台账")
    page.click("text=各机关对比")
    expect(page.locator("#overview tbody tr")).to_have_count(2)
    page.screenshot(path="/tmp/liuhen-overview.png", full_page=True)
    page.context.close()
