"""Chinese wherever users look: every role signs in, every page reachable from its navigation is visited (links
followed two steps deep), and no Latin word may show outside a short list of abbreviations people use as such; the
same pages are axe-core clean (contrast, labels, table headers …).

Identifiers a person must be able to copy exactly (user names, file names, hashes, the agency's code) are marked
``translate="no"``, as HTML marks text that is not language; the bpmn.io watermark stays by its licence.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

from tests.support.app import judicial_supervisor, profiled
from tests.support.browser import SHOTS, sign_in
from tests.support.flows import start
from tests.support.walker import Walker

ALLOWED = {"PDF", "BPMN", "A", "V", "ID", "CSV", "XLSX", "SHA", "API", "OpenAPI", "JSON", "TOML", "Bearer", "PNG", "MP4",
           "JPG", "IP", "ISO"}
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
#: what a person reads on a page: its text, option labels and the tooltips and labels of controls, except what is
#: marked as no language (translate="no") and the bpmn.io watermark
VISIBLE_TEXT = """() => {
  const skip = e => e.closest('[translate="no"], .bjs-powered-by, script, style');
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (el && !skip(el) && (el.offsetParent !== null || el.closest('option, title'))) out.push(n.textContent);
  }
  document.querySelectorAll('[placeholder], [title], [aria-label], input[type=submit], input[type=button]').forEach(e => {
    if (skip(e)) return;
    for (const a of ['placeholder', 'title', 'aria-label', 'value'])
      if (a !== 'value' || e.matches('input[type=submit], input[type=button]')) out.push(e.getAttribute(a) || '');
  });
  return out.join('\\n');
}"""
AXE = (Path(__file__).parents[1] / "support" / "vendor" / "axe.min.js").read_text(encoding="utf-8")
#: axe-core's rules, run in the page through the test driver (not a page script: the CSP stays as served)
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .map(v => v.id + ': ' + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(', '))"""
SHAPE = re.compile(r"[0-9a-f]{8}-[0-9a-f-]{27}|\d+")  # ids in a path: /cases/7/tasks/<uuid> is one kind of page
ROLES = ("officer1", "reviewer1", "legal1", "approver1", "designer1", "admin1")
MAX_PAGES = 30


def latin_words(page: Page) -> set[str]:
    return {w for w in LATIN.findall(page.evaluate(VISIBLE_TEXT)) if w not in ALLOWED}


def crawl(page: Page, live: str) -> dict[str, set[str]]:
    """Every page reachable from the navigation and from the pages it links (two steps), with its Latin words and
    its axe-core violations (as ``axe:<rule>: <elements>``); every navigation link opens (the navigation offers only
    what the role may open)."""
    found: dict[str, set[str]] = {}
    checked: set[str] = set()
    queue = [page.url, *(live + h for h in page.eval_on_selector_all("header nav a", "as => as.map(a => a.getAttribute('href'))"))]
    depth = {u: 0 for u in queue}
    while queue and len(found) < MAX_PAGES:
        url = queue.pop(0)
        if url in found:
            continue
        try:
            response = page.goto(url)
        except PlaywrightError:  # a download (CSV, PDF, a recording), not a page
            continue
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        assert depth[url] > 0 or response.status == 200, (url, response.status)
        if page.locator("#canvas").count():
            page.wait_for_selector('#canvas[data-ready="1"]')
        found[url] = latin_words(page)
        if (shape := SHAPE.sub("N", urlsplit(url).path)) not in checked:  # axe once per page kind (slow)
            checked.add(shape)
            page.evaluate(AXE)
            found[url] |= {f"axe:{v}" for v in page.evaluate(AXE_RUN)}
        if depth[url] >= 2:
            continue
        for href in page.eval_on_selector_all("main a[href^='/']:not([download])", "as => as.map(a => a.getAttribute('href'))"):
            target = live + href.split("#")[0]
            if target not in depth and not urlsplit(target).path.endswith((".csv", ".pdf", ".xlsx")):
                depth[target] = depth[url] + 1
                queue.append(target)
    return found


def test_every_page_of_every_role_is_in_chinese(app, live, browser: Browser, client):
    agency = profiled(app, "fushun-culture")
    w = Walker(client, agency.tokens)
    case_id = start(w, "general_procedure")
    judge = judicial_supervisor(app, agency)
    pages = 0
    for username in (*(agency.usernames[r] for r in ROLES), judge.username):
        page = sign_in(browser, live, username)
        found = crawl(page, live)
        pages += len(found)
        bad = {urlsplit(u).path + (f"?{urlsplit(u).query}" if urlsplit(u).query else ""): sorted(words)
               for u, words in found.items() if words}
        assert not bad, (username, bad)
        if username == judge.username:  # the 司法局's 案件 tab: the assigned agency's case 台账, not an empty page
            assert any("/oversight/ledger" in u for u in found)
            page.goto(f"{live}/oversight/ledger?agency={agency.id}")
            assert page.locator("#ledger-table tbody tr").count() == 1
            page.screenshot(path=SHOTS.format("zh-judicial-ledger"), full_page=True)
        if username == agency.usernames["officer1"]:
            assert any(f"/cases/{case_id}" in u for u in found)  # the case page and its task were among them
            page.goto(f"{live}/cases/{case_id}")
            page.screenshot(path=SHOTS.format("zh-case"), full_page=True)
        page.context.close()
    assert pages > 40


def test_the_modeler_speaks_chinese_and_error_pages_too(app, live, browser: Browser):
    """The palette, the context pad and the replace menu of bpmn-js are translated (bpmn-js-i18n's zh strings and
    ours); a missing page is answered by the Chinese error page."""
    agency = profiled(app, "fushun-culture")
    page = sign_in(browser, live, agency.usernames["designer1"])
    page.goto(f"{live}/designer/general_procedure")
    page.wait_for_selector('#canvas[data-ready="1"]')
    page.click('g.djs-element[data-element-id="t_filing"]')
    page.click('.djs-context-pad .entry[data-action="replace"]')
    page.wait_for_selector(".djs-popup")
    assert not latin_words(page)
    titles = page.eval_on_selector_all(
        ".djs-palette .entry, .djs-context-pad .entry", "es => es.map(e => e.title || e.getAttribute('aria-label'))")
    assert "追加任务" in titles and "删除" in titles and "启动套索工具" in titles, titles
    page.screenshot(path=SHOTS.format("zh-designer"))
    assert page.evaluate("window.bpmnUntranslated") == []
    page.keyboard.press("Escape")
    page.select_option("#jump", "t_filing_late")  # a 24-hour period shows as number and unit, not PT24H
    assert (page.input_value("#prop-deadline-n"), page.locator("#prop-deadline-unit option:checked").inner_text()) \
        == ("24", "小时")
    response = page.goto(f"{live}/no-such-page")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text().startswith("未找到") and not latin_words(page)
    page.context.close()
