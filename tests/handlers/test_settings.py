"""An agency's typed settings: national defaults without a profile; the snapshot's keys read in one place."""
from __future__ import annotations

import datetime as dt

from handlers.settings import Settings
from handlers.workcalendar import national


def test_an_agency_without_a_profile_gets_the_defaults() -> None:
    s = Settings.of(None)
    assert (s.av_handover_hours, s.av_retention_months, s.archive_days, s.rules) == (24, 36, 60, ())
    assert s.av_handover_working_days is None and s.confidentiality is None


def test_the_regional_calendar_joins_the_national_one() -> None:
    s = Settings.of({"calendar": {"holidays": ["2026-03-09"], "workdays": []}, "makeup_workdays": ["2026-03-07"]})
    cal = s.calendar(national())
    assert not cal.is_working_day(dt.date(2026, 3, 9)) and cal.is_working_day(dt.date(2026, 3, 7))


def test_settings_the_profile_file_could_not_set_before_are_read() -> None:
    s = Settings.of({"av_max_bytes": "1048576", "timezone": "Asia/Urumqi", "documents": {"series": {"x": "立审"}}})
    assert (s.av_max_bytes, s.timezone, s.document_series) == (1048576, "Asia/Urumqi", {"x": "立审"})
