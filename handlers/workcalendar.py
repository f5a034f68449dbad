"""The working-day calendar: weekends, public holidays and 调休 make-up working days.

Periods of the enforcement laws are partly counted in working days (行政处罚法 第八十五条,
行政强制法 第六十九条, 行政许可法 第八十二条), and a period whose last day is a day off ends on the
next working day (民事诉讼法 第八十五条), so every deadline needs to know which days are worked.
Holidays change every year by State Council notice, hence data (``workflows/calendar.toml``) plus
per-agency additions from the profile (regional holidays).
"""
from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handlers import clock

#: China has one time zone and no daylight saving; days are counted in local dates.
CHINA = clock.CHINA
CALENDAR_FILE = Path(__file__).resolve().parent.parent / "workflows" / "calendar.toml"


class CalendarError(ValueError):
    pass


@dataclass(frozen=True)
class Calendar:
    """Which local dates are working days: Monday–Friday, minus ``holidays``, plus ``workdays`` (调休)."""

    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    workdays: frozenset[dt.date] = field(default_factory=frozenset)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself if worked, else the first working day after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``day`` (``day`` itself not counted, 民事诉讼法 第八十五条)."""
        if count < 0:
            raise CalendarError("工作日数不能为负")
        while count:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many working days of a period have elapsed."""
        n, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            n += self.is_working_day(day)
        return n

    def with_local(self, extra: Mapping[str, Any] | None) -> Calendar:
        """This calendar plus an agency's regional holidays and make-up days (profile ``[calendar]``)."""
        if not extra:
            return self
        return Calendar(self.holidays | _dates(extra.get("holidays", ())),
                        self.workdays | _dates(extra.get("workdays", ())))


def _dates(values: Iterable[Any]) -> frozenset[dt.date]:
    out = set()
    for v in values:
        try:
            out.add(v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)))
        except ValueError as exc:
            raise CalendarError(f"日期格式应为 YYYY-MM-DD：{v!r}") from exc
    return frozenset(out)


def load(path: Path = CALENDAR_FILE) -> Calendar:
    """Read the national calendar file: ``[[year]]`` tables with ``holidays`` and ``workdays``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CalendarError(f"无法读取工作日日历 {path}：{exc}") from exc
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for year in data.get("year", []):
        holidays |= _dates(year.get("holidays", ()))
        workdays |= _dates(year.get("workdays", ()))
    if holidays & workdays:
        raise CalendarError(f"同一日期既是放假日又是调休上班日：{sorted(holidays & workdays)}")
    return Calendar(frozenset(holidays), frozenset(workdays))


_national: Calendar | None = None


def national() -> Calendar:
    """The shipped national calendar, read once per process."""
    global _national
    if _national is None:
        _national = load()
    return _national


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(CHINA).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """The instant a day-counted period ends: midnight after ``day``, China time, as UTC."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), CHINA).astimezone(dt.UTC)
