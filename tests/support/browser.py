"""Signing in to the live server in Chromium, and where screenshots go for a person to look at."""
from __future__ import annotations

import os

from playwright.sync_api import Browser, Page

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--lang=zh-CN"]
#: Chromium's own language (date and time inputs show 年/月/日 as in an officer's browser, not mm/dd/yyyy): it follows
#: LANGUAGE, with the Debian package chromium-l10n installed (Makefile); LANG stays a UTF-8 locale the machine has (a
#: zh_CN.UTF-8 it lacks left Chromium unable to open a file named in Chinese)
CHROMIUM_ENV = {**os.environ, "LANG": "C.UTF-8", "LANGUAGE": "zh_CN"}
SHOTS = os.environ.get("LIUHEN_SHOTS", "/tmp/liuhen-{}.png")  # a folder of one's own: LIUHEN_SHOTS=/tmp/me/{}.png


def sign_in(browser: Browser, live: str, username: str, width: int = 1280) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN").new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live}/login")
    page.fill("#username", username)
    page.fill("#password", "pw")
    page.click("button:has-text('登录')")
    page.wait_for_load_state()
    return page
