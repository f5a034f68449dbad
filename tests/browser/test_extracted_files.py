"""电子数据提取笔录 on the task page: each extracted file is uploaded from the page and becomes a row of the list with
its name and SHA-256 filled in, so nothing is copied by hand (the record names files the store must hold)."""
from __future__ import annotations

import hashlib
import re

from tests.support.app import make_agency
from tests.support.browser import SHOTS, sign_in
from tests.support.walker import Walker
from webapp.loadgen.flows import file_case


def test_each_uploaded_file_becomes_a_row_with_its_name_and_hash(app, live, browser, client):
    agency = make_agency(app)
    w = Walker(client, agency.tokens)
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": None})
    task = w.task(cid, "t_inquiry")
    page = sign_in(browser, live, agency.usernames["officer1"])
    page.goto(f"{live}/cases/{cid}/tasks/{task['id']}")
    page.click("#offered-electronic_data summary")
    # Chromium's own file control says "Choose Files / No file chosen" in the browser's language: every file input
    # is instead a Chinese button of ours, with the native control out of sight
    pickers = page.eval_on_selector_all("input[type=file]", """els => els.map(e => [
        (e.closest('label.file-pick') || {textContent: ''}).textContent.trim(), e.getBoundingClientRect().width])""")
    assert pickers and all(re.search("[\u4e00-\u9fff]", text) and width <= 1 for text, width in pickers), pickers
    assert page.locator('[data-rows-target="f.electronic_data.extracted"] .upload-status').inner_text() == "未选择文件"
    files = [{"name": "聊天记录截图.png", "mimeType": "image/png", "buffer": b"\x89PNG chat screenshot"},
             {"name": "orders.xlsx", "mimeType": "application/octet-stream", "buffer": b"PK order export"}]
    page.set_input_files('[data-rows-target="f.electronic_data.extracted"] input[type=file]', files)
    rows = page.locator('[data-rows="f.electronic_data.extracted"] .row-list .row-item')
    hashes = rows.locator('input[name$=".sha256"]')
    page.wait_for_function("""() => Array.from(document.querySelectorAll(
        '[data-rows="f.electronic_data.extracted"] input[name$=".sha256"]')).filter(i => i.value).length === 2""")
    assert [hashes.nth(i).input_value() for i in range(2)] == [hashlib.sha256(f["buffer"]).hexdigest() for f in files]
    assert [rows.nth(i).locator('input[name$=".name"]').input_value() for i in range(2)] \
        == ["聊天记录截图.png", "orders.xlsx"]
    assert rows.count() == 2  # the empty first row was filled, one more added
    page.locator('[data-rows="f.electronic_data.extracted"]').screenshot(path=SHOTS.format("extracted-files"))
    page.context.close()
