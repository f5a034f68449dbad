"""Periods as the law states them: an ISO 8601 length, and how each law says to count its days.

行政处罚法 第八十五条 (二日、三日、五日、七日 are working days), 行政强制法 第六十九条 (ten days or
less are working days), 行政许可法 第八十二条 (all licensing periods are working days); other day
periods are calendar days ending on a working day (民事诉讼法 第八十五条).  :mod:`handlers.deadlines`
applies them to a task; the rule files use them to compare a profile's period with the law's.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

from handlers.law.props import split_basis

_ISO = re.compile(r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")
COUNT_MODES = ("working", "calendar")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    text: str
    years: int = 0
    months: int = 0
    days: int = 0
    seconds: int = 0

    @property
    def is_time_only(self) -> bool:
        return not (self.years or self.months or self.days)

    def nominal_days(self) -> float:
        """Rough length for comparing two periods (a month as 30 days, a year as 365)."""
        return self.years * 365 + self.months * 30 + self.days + self.seconds / 86400

    def describe(self) -> str:
        parts = [f"{self.years}年" if self.years else "", f"{self.months}个月" if self.months else "",
                 f"{self.days}日" if self.days else ""]
        hours, rest = divmod(self.seconds, 3600)
        parts += [f"{hours}小时" if hours else "", f"{rest // 60}分钟" if rest // 60 else ""]
        return "".join(parts) or "0"


def parse_period(text: str) -> Period:
    m = _ISO.match((text or "").strip())
    if not m:
        raise PeriodError(f"期限须为 ISO 8601 时长（如 PT24H、P5D、P60D），现为 {text!r}")
    y, mo, w, d, h, mi, s = (int(g or 0) for g in m.groups())
    return Period(text.strip(), y, mo, w * 7 + d, h * 3600 + mi * 60 + s)


@dataclass(frozen=True)
class CountingRule:
    """One law's rule for which of its day periods are working days."""

    law: str
    basis: str
    days: tuple[int, ...] | None = None  # exactly these periods are working days
    max_days: int | None = None  # periods up to this many days are working days

    def applies(self, days: int) -> bool:
        if self.days is not None:
            return days in self.days
        return self.max_days is None or days <= self.max_days


COUNTING_RULES: tuple[CountingRule, ...] = (
    CountingRule("行政许可法", "行政许可法 第八十二条"),
    CountingRule("行政处罚法", "行政处罚法 第八十五条", days=(2, 3, 5, 7)),
    CountingRule("行政强制法", "行政强制法 第六十九条", max_days=10),
    # its own words: 十五个工作日，延长十五个工作日 (at most thirty working days)
    CountingRule("市场监督管理行政处罚程序规定 第十八条", "市场监督管理行政处罚程序规定 第十八条"),
)
CALENDAR_DAYS_BASIS = "民事诉讼法 第八十五条"


@dataclass(frozen=True)
class Counting:
    mode: str  # "exact" | "working" | "calendar"
    basis: str

    def describe(self) -> str:
        return {"exact": "按小时连续计算", "working": "按工作日计算", "calendar": "按自然日计算，届满日为休息日的顺延"}[
            self.mode] + (f"（{self.basis}）" if self.basis else "")


def counting_for(period: Period, cited: Sequence[str], explicit: str | None = None) -> Counting:
    """How to count ``period`` for a task citing ``cited`` articles (see module docstring)."""
    if period.is_time_only:
        return Counting("exact", CALENDAR_DAYS_BASIS)
    if explicit:
        if explicit not in COUNT_MODES:
            raise PeriodError(f"deadline_count 须为 {'、'.join(COUNT_MODES)} 之一，现为 {explicit!r}")
        return Counting(explicit, "")
    if not (period.years or period.months):
        for rule in COUNTING_RULES:
            if any(c.startswith(rule.law) for c in cited) and rule.applies(period.days):
                return Counting("working", rule.basis)
    return Counting("calendar", CALENDAR_DAYS_BASIS)


@dataclass(frozen=True)
class Declared:
    """A user task's period as its diagram's properties declare it: read here once for the deadline service
    (which counts it) and the deploy-time proof (which compares it with the law's period rules)."""

    period: Period
    counting: Counting
    basis: tuple[str, ...]
    starts: str | None  # None = task ready; "case" = case start; "kind.field" = a record's moment; else a task
    until: str | None = None  # "kind.field": the end an approved extension states (:func:`handlers.deadlines.extended`)

    @classmethod
    def read(cls, props: Mapping[str, Any]) -> Self | None:
        """The declared period, or ``None``; raises :class:`PeriodError` if malformed."""
        text = (props.get("deadline") or "").strip()
        if not text:
            return None
        period = parse_period(text)
        basis = split_basis(props.get("deadline_basis")) or split_basis(props.get("basis"))
        counting = counting_for(period, basis, (props.get("deadline_count") or "").strip() or None)
        return cls(period, counting, basis, (props.get("deadline_from") or "").strip() or None,
                   (props.get("deadline_until") or "").strip() or None)
