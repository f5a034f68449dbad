"""Pure tests: the working-day calendar and its counting rules, profile validation, patches, compliance."""
from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from handlers import compliance, profiles
from handlers.deadlines import due_at, task_deadline
from handlers.law.periods import counting_for, parse_period
from handlers.workcalendar import CHINA, Calendar, national
from tests.support import WORKFLOWS

BASE = WORKFLOWS / "base"
D = dt.date


def base_sources() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(BASE.glob("*.bpmn"))}


def local(y: int, m: int, d: int, h: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=CHINA)


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), CHINA)


# ------------------------------------------------------------------ calendar

def test_the_national_calendar_knows_spring_festival_and_the_make_up_saturdays():
    cal = national()
    assert not cal.is_working_day(D(2026, 2, 17))  # 春节
    assert cal.is_working_day(D(2026, 2, 14))  # 周六调休上班
    assert cal.is_working_day(D(2026, 2, 28))
    assert not cal.is_working_day(D(2026, 3, 7)) and cal.is_working_day(D(2026, 3, 9))


def test_five_working_days_skip_the_holiday_and_count_the_make_up_day():
    cal = national()
    # Friday 13 Feb 2026: Sat 14 (调休) is day 1, then 15–23 off, Tue 24 … Thu 26 are days 2–4, Fri 27 day 5.
    assert cal.add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)
    assert cal.working_days_between(D(2026, 2, 13), D(2026, 2, 27)) == 5


def test_the_law_cited_decides_whether_days_are_working_days():
    penalty, coercion, licensing = ("行政处罚法 第六十一条",), ("行政强制法 第五十四条",), ("行政许可法 第四十二条",)
    assert counting_for(parse_period("P7D"), penalty).mode == "working"
    assert counting_for(parse_period("P7D"), penalty).basis == "行政处罚法 第八十五条"
    assert counting_for(parse_period("P15D"), penalty).mode == "calendar"  # 第六十七条 15 days: calendar days
    assert counting_for(parse_period("P10D"), coercion).basis == "行政强制法 第六十九条"
    assert counting_for(parse_period("P30D"), coercion).mode == "calendar"
    assert counting_for(parse_period("P20D"), licensing).basis == "行政许可法 第八十二条"
    assert counting_for(parse_period("P60D"), ("fushun-culture 第三十一条",)).mode == "calendar"
    assert counting_for(parse_period("PT24H"), penalty).mode == "exact"
    assert counting_for(parse_period("P60D"), ("fushun-culture 第三十一条",), "working").mode == "working"


def test_a_calendar_period_ending_on_a_day_off_ends_on_the_next_working_day():
    cal = national()
    start = local(2026, 9, 1)  # +30 days = Thu 1 Oct (国庆, 1–7 Oct off) → the period ends on Thu 8 Oct, end of day
    assert due_at(start, parse_period("P30D"), counting_for(parse_period("P30D"), ()), cal) == end_of(D(2026, 10, 8))
    start = local(2026, 3, 2)  # +60 days = Fri 1 May (劳动节) → Wed 6 May
    assert due_at(start, parse_period("P60D"), counting_for(parse_period("P60D"), ()), cal) == end_of(D(2026, 5, 6))


def test_hours_run_continuously_and_the_first_day_is_not_counted():
    cal = national()
    start = local(2026, 2, 14, 22)
    assert due_at(start, parse_period("PT24H"), counting_for(parse_period("PT24H"), ()), cal) == start + dt.timedelta(hours=24)
    seven = parse_period("P7D")
    # Mon 2 Mar 2026 at 23:00: day 1 is Tue 3 Mar; seven working days end Wed 11 Mar at midnight.
    assert due_at(local(2026, 3, 2, 23), seven, counting_for(seven, ("行政处罚法 第六十一条",)), cal) == end_of(D(2026, 3, 11))


def test_regional_holidays_from_a_profile_extend_working_day_periods():
    cal = Calendar().with_local({"holidays": ["2026-03-20"]})
    assert cal.add_working_days(D(2026, 3, 19), 1) == D(2026, 3, 23)
    assert Calendar().add_working_days(D(2026, 3, 19), 1) == D(2026, 3, 20)


def test_task_deadline_reads_the_optional_properties():
    td = task_deadline({"deadline": "P90D", "deadline_from": "t_filing_approval", "basis": "行政处罚法 第六十条"})
    assert td.starts == "t_filing_approval" and td.counting.mode == "calendar"
    assert task_deadline({"deadline": "P5D", "basis": "行政许可法 第三十二条"}).counting.mode == "working"
    assert task_deadline({"basis": "x"}) is None


# ------------------------------------------------------------------ profiles

def test_all_five_profiles_load_with_their_differences():
    loaded = profiles.load_all()
    cal = national()
    flat = {code: p.agency_profile(cal) for code, p in loaded.items()}
    assert flat["fushun-culture"]["archive_days"] == 60 and flat["changli-market"]["archive_days"] == 30
    assert flat["pishan-culture"]["av_handover_working_days"] == 1 and "av_handover_hours" not in flat["pishan-culture"]
    assert flat["fushun-culture"]["av_handover_hours"] == 24
    assert flat["pishan-culture"]["av_retention_months"] == 36 and flat["naiman-culture"]["av_retention_months"] == 6
    assert flat["naiman-culture"]["confidentiality"] == "internal"
    assert flat["pishan-culture"]["officers_per_recorder"] == 2 and flat["naiman-culture"]["device_check_before_use"]
    assert set(flat["pishan-culture"]["long_term_triggers"]) == {"evidence", "obstruction", "major_incident",
                                                                 "complaint", "other"}
    assert "2026-02-17" in flat["lishui-city"]["holidays"] and "2026-02-14" in flat["lishui-city"]["makeup_workdays"]
    assert all(f["procedures"] for f in flat.values())


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "profile.toml").write_text(text, encoding="utf-8")
    return tmp_path


def _fushun_text() -> str:
    return (profiles.PROFILES_DIR / "fushun-culture" / "profile.toml").read_text(encoding="utf-8").replace(
        'code = "fushun-culture"', 'code = "x"')


def test_an_invalid_profile_names_every_field_at_fault(tmp_path):
    text = _fushun_text().replace('kind = "recording"', 'kind = "video"').replace(
        'basis = "fushun-culture 第三十一条"\n\n[av]', 'basis = "第三十一"\n\n[av]').replace("days = 60", "days = -1")
    with pytest.raises(profiles.ProfileError) as err:
        profiles.load("x", _write(tmp_path, text))
    message = str(err.value)
    assert "profile.toml 不合格" in message
    first = next(r["id"] for r in tomllib.loads(_fushun_text())["rules"] if r["kind"] == "recording")
    assert f"rules.[{first}].kind" in message and "archive.basis" in message and "archive.days" in message


def test_unknown_record_kinds_and_bad_toml_are_refused(tmp_path):
    with pytest.raises(profiles.ProfileError, match="记录目录中没有这些记录类型：inspection_recrod"):
        profiles.parse(_fushun_text().replace('"inspection_record"', '"inspection_recrod"'))
    with pytest.raises(profiles.ProfileError, match="不是合法的 TOML"):
        profiles.parse("code = ")
    with pytest.raises(profiles.ProfileError, match="没有机构配置"):
        profiles.load("nowhere")


@pytest.mark.article("changli-market", 19)
@pytest.mark.article("pishan-culture", 19)
def test_a_handover_setting_longer_than_the_regulations_rule_is_refused():
    """changli-market 第十九条 (应在24小时内按要求将信息储存至执法信息系统) and pishan-culture 第十九条（三） (一个工作日内
    移交): the ``[av]`` setting may be shorter than the rule, never longer."""
    changli = (profiles.PROFILES_DIR / "changli-market" / "profile.toml").read_text(encoding="utf-8")
    assert "handover_hours = 24" in changli
    profiles.parse(changli.replace("handover_hours = 24", "handover_hours = 12"))
    with pytest.raises(profiles.ProfileError, match="移交时限 48小时 长于规则 av-handover 规定的 24小时（changli-market 第十九条）"):
        profiles.parse(changli.replace("handover_hours = 24", "handover_hours = 48"))
    pishan = (profiles.PROFILES_DIR / "pishan-culture" / "profile.toml").read_text(encoding="utf-8")
    with pytest.raises(profiles.ProfileError, match="2个工作日 长于规则 av-handover"):
        profiles.parse(pishan.replace("handover_working_days = 1", "handover_working_days = 2"))


def test_patches_change_only_the_named_task_and_cite_their_article():
    naiman = profiles.load("naiman-culture")
    sources = profiles.compose_sources(naiman, base_sources())
    xml = sources["evidence_preservation.bpmn"].decode()
    chunk = xml[xml.index('id="t_preservation"'):][:1200]
    assert 'name="av" value="required"' in chunk and "naiman-culture 第八条" in chunk
    assert sources["service_direct.bpmn"] == base_sources()["service_direct.bpmn"]


def test_a_patch_naming_a_missing_task_is_a_clear_error():
    text = (profiles.PROFILES_DIR / "naiman-culture" / "profile.toml").read_text(encoding="utf-8")
    broken = profiles.parse(text.replace('task = "t_preservation"', 'task = "t_nowhere"'))
    with pytest.raises(profiles.ProfileError, match="t_nowhere 不存在"):
        profiles.compose_sources(broken, base_sources())


def test_override_diagram_files_replace_the_base_file(tmp_path):
    folder = tmp_path / "fushun-culture"
    folder.mkdir()
    (folder / "profile.toml").write_text(_fushun_text().replace('code = "x"', 'code = "fushun-culture"'), "utf-8")
    changed = base_sources()["general_procedure.bpmn"].replace(b'name="av" value="required"', b'name="av" value="none"')
    (folder / "general_procedure.bpmn").write_bytes(changed)
    profile = profiles.load("fushun-culture", tmp_path)
    assert profiles.compose_sources(profile, base_sources())["general_procedure.bpmn"] == changed
    report = compliance.check_files(profile, profiles.compose_sources(profile, base_sources()))
    assert [f.rule.basis for f in report.problems] == ["fushun-culture 第十二条"]


# ------------------------------------------------------------------ compliance

@pytest.mark.parametrize("code", profiles.PROFILE_CODES)
def test_each_shipped_profile_passes_on_its_composed_diagrams(code):
    profile = profiles.load(code)
    report = compliance.check_files(profile, profiles.compose_sources(profile, base_sources()))
    assert report.ok, report.text()
    own = {r.id for r in profile.rules}
    assert all(f.status == "enforced" for f in report.findings if f.rule.id in own), report.text()
    # a national rule is enforced wherever the agency runs the act, absent where it runs no such procedure
    assert all(f.status in ("enforced", "absent") for f in report.findings), report.text()


def _set_property(xml: bytes, task: str, name: str, value: str) -> bytes:
    text = xml.decode()
    start = text.index(f'id="{task}"')
    end = text.index("</bpmn:userTask>", start)
    chunk = text[start:end]
    import re

    if f'name="{name}"' in chunk:
        chunk = re.sub(f'name="{name}" value="[^"]*"', f'name="{name}" value="{value}"', chunk)
    else:
        chunk = chunk.replace("</spiffworkflow:properties>",
                              f'<spiffworkflow:property name="{name}" value="{value}" /></spiffworkflow:properties>')
    return (text[:start] + chunk + text[end:]).encode()


GATES_REMOVED = {
    "fushun-culture": ("t_inspection", "av", "none", "fushun-culture 第十二条"),
    "pishan-culture": ("t_inquiry", "av", "optional", "pishan-culture 第七条"),
    "changli-market": ("t_archive", "deadline", "P60D", "changli-market 第十九条"),
    "naiman-culture": ("t_preservation", "av", "optional", "naiman-culture 第八条"),
    "lishui-city": ("t_inspection", "av_on_refusal", "none", "lishui-city 第十三条"),
}


@pytest.mark.parametrize("code", profiles.PROFILE_CODES)
def test_removing_one_gate_fails_naming_the_article(code):
    task, prop, value, article = GATES_REMOVED[code]
    profile = profiles.load(code)
    sources = profiles.compose_sources(profile, base_sources())
    name = "evidence_preservation.bpmn" if task == "t_preservation" else "general_procedure.bpmn"
    sources[name] = _set_property(sources[name], task, prop, value)
    report = compliance.check_files(profile, sources)
    assert not report.ok
    assert [f.rule.basis for f in report.problems] == [article]
    assert task in report.problems[0].message() and article in report.text()


def test_a_required_step_missing_from_every_procedure_is_reported():
    profile = profiles.load("fushun-culture")
    report = compliance.check_files(profile, base_sources(), ["service_direct"])
    assert {f.rule.id: f.status for f in report.findings}["archive"] == "missing"
    assert {f.rule.id: f.status for f in report.findings}["av-on-site"] == "absent"
    assert [f.rule.id for f in report.problems] == ["archive"]
