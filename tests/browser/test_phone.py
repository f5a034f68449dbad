"""Phone and tablet: the inbox, a task form, the case page and the approvals queue at 375 px (cards instead of
tables) and 1280 px; nothing may scroll sideways. Screenshots of each for a person to look at."""
from __future__ import annotations

from playwright.sync_api import Browser

from tests.support.app import make_agency
from tests.support.browser import SHOTS, sign_in
from tests.support.walker import Walker

WIDTHS = (375, 1280)
#: how far the page is wider than the window (0 when nothing overflows), and the widest offender
OVERFLOW = """() => {
  const over = document.documentElement.scrollWidth - window.innerWidth;
  const wide = Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right
      > window.innerWidth + 1 && !e.closest('.djs-container'));
  return [over, wide.slice(0, 3).map(e => e.tagName + '.' + e.className)];
}"""


def test_pages_fit_a_phone_and_a_desktop(app, live, browser: Browser, client):
    agency = make_agency(app)
    w = Walker(client, agency.tokens)
    filed = w.create_case()["id"]
    w.do(filed, "t_filing", {"case_filing": None})  # now waiting for the reviewer (the approvals queue)
    started = w.create_case()["id"]  # and an officer's open task
    for width in WIDTHS:
        officer = sign_in(browser, live, agency.usernames["officer1"], width)
        reviewer = sign_in(browser, live, agency.usernames["reviewer1"], width)
        officer.goto(f"{live}/inbox")
        task_url = officer.locator("table.list a[href*='/tasks/']").first.get_attribute("href")
        pages = [(officer, "/inbox", "inbox"), (officer, task_url, "task"), (officer, f"/cases/{started}", "case"),
                 (reviewer, "/approvals", "approvals"), (reviewer, f"/cases/{filed}", "case-reviewer")]
        for page, path, name in pages:
            page.goto(f"{live}{path}")
            if page.locator("#diagram").count():
                page.wait_for_selector('#diagram[data-ready="1"]')
            over, wide = page.evaluate(OVERFLOW)
            page.screenshot(path=SHOTS.format(f"{name}-{width}"), full_page=True)
            assert over <= 0 and not wide, (name, width, over, wide)
            if width < 640 and page.locator("table.list").count():  # cards: the header hidden, cells labelled
                assert not page.locator("table.list thead").first.is_visible()
                assert page.locator("table.list td[data-label]").count() > 0
        officer.context.close()
        reviewer.context.close()
