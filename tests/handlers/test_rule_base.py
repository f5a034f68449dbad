"""The rule base's index: the rules looked up for a step are exactly those ``Rule.governs`` accepts, in order,
and an agency's snapshot read again gives the same rules and the same indexed law."""
from __future__ import annotations

import copy
import itertools

from lxml import etree

from handlers import profiles
from handlers.law.acts import ACTS
from handlers.law.base import RuleBase, governing
from handlers.law.model import Rule
from handlers.settings import Settings
from handlers.workcalendar import national
from tests.support import WORKFLOWS

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
CODES = ("fushun-culture", "naiman-culture", "pishan-culture", "changli-market", "lishui-city")


def _steps() -> list[tuple[str, tuple[str, ...], str | None]]:
    """Every user task of the shipped diagrams (its id, records and act), every act of the vocabulary on a task of
    no records, and a task with no act."""
    out: list[tuple[str, tuple[str, ...], str | None]] = []
    for path in (WORKFLOWS / "base").glob("*.bpmn"):
        for task in etree.parse(str(path)).iter(f"{{{NS['bpmn']}}}userTask"):
            props = {p.get("name"): p.get("value") for p in task.iter(f"{{{NS['spiffworkflow']}}}property")}
            records = tuple(r for r in (props.get("records") or "").replace(",", " ").split() if r)
            out.append((str(task.get("id")), records, props.get("act")))
    return out + [("t_x", (), act) for act in ACTS] + [("t_x", ("inquiry_record",), None)]


def test_the_index_gives_exactly_the_governing_rules_of_every_profile_in_order() -> None:
    steps = _steps()
    for code in CODES:
        law = Settings.of(profiles.load(code).agency_profile(national())).law()
        assert isinstance(law, RuleBase) and len(law) > 40
        for task, records, act in steps:
            scanned = tuple(r for r in law if r.governs(task, records, act))
            assert law.governing(task, records, act) == scanned, (code, task, act)
            assert governing(tuple(law), task, records, act) == scanned


def test_a_rule_on_a_task_id_or_a_record_kind_is_found_without_an_act() -> None:
    by_task = Rule("a", "任务规则", "period", "行政处罚法 第六十条", tasks=("t_decision",), within="P90D")
    by_record = Rule("b", "记录规则", "recording", "fushun-culture 第十二条", records=("inquiry_record",), mode="mandatory")
    on_act = Rule("c", "行为规则", "recording", "fushun-culture 第十四条", acts=("送达",), mode="mandatory")
    law = RuleBase((by_task, by_record, on_act))
    assert law.governing("t_decision", (), None) == (by_task,)
    assert law.governing("t_other", ("inquiry_record",), "送达.留置") == (by_record, on_act)
    assert law.governing("t_other", (), "送达人") == () and law.governing("t_other", (), None) == ()
    assert law.without(["b"]) == (by_task, on_act) and law.without([]) is law


def test_a_snapshot_read_again_gives_the_same_indexed_law_and_a_changed_one_does_not() -> None:
    snapshot = profiles.load("fushun-culture").agency_profile(national())
    first = Settings.of(copy.deepcopy(snapshot))
    again = Settings.of(copy.deepcopy(snapshot))
    assert again.rules is first.rules and again.law() is first.law()
    changed = copy.deepcopy(snapshot)
    changed["rules"][0]["basis"] = "fushun-culture 第九十九条"
    other = Settings.of(changed)
    assert other.rules[0].basis == "fushun-culture 第九十九条" and first.rules[0].basis != other.rules[0].basis
    assert other.law() is not first.law() and other.law()[-len(other.rules):] == other.rules
    assert list(itertools.islice(Settings.of({}).law(), 1)) and Settings.of({}).rules == ()
