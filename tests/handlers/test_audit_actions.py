"""The audit vocabulary: every action the web app writes has a Chinese title, and readers show unknown names as stored."""
from __future__ import annotations

import re

from handlers.audit_actions import TITLES, Action, title_of
from tests.support import ROOT


def test_every_action_has_a_chinese_title() -> None:
    assert set(TITLES) == set(Action)
    assert all(re.search(r"[\u4e00-\u9fff]", t) for t in TITLES.values())


def test_every_append_in_the_web_app_names_an_action_of_the_vocabulary() -> None:
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "webapp").rglob("*.py"))
    appends = re.findall(r"audit\.append\([^,]+,\s*([^,]+),", sources)
    assert appends and all(a.startswith(("Action.", "Action(")) for a in appends), appends


def test_title_of_a_stored_name() -> None:
    assert title_of("task.completed") == "办结任务"
    assert title_of("legacy.thing") == "legacy.thing"
