"""Deadline arithmetic: a period (ISO-8601 duration), how the law says to count it, and when it ends.

A task's ``deadline`` property is the period; whether its days are working days is not written in
the diagram but follows from the law the task cites, because each law states its own counting
rule: 行政处罚法 第八十五条 (二日、三日、五日、七日 are working days), 行政强制法 第六十九条 (ten days
or less are working days), 行政许可法 第八十二条 (all licensing periods are working days).  Other day
periods are calendar days; the first day is not counted and a period ending on a day off ends on
the next working day (民事诉讼法 第八十五条).  A designer may force the mode with the optional
property ``deadline_count`` (working | calendar) and name the law with ``deadline_basis``;
``deadline_from`` names the task whose completion starts the period (``case`` = the case's start),
e.g. 行政处罚法 第六十条 counts 90 days from 立案, not from when the decision task opens; or a record
field ``kind.field`` holding the moment, e.g. ``emergency_start.started_at`` (补报 counts from when the
emergency measure began, fushun-culture 第七条, not from when the officer typed the record).  ``deadline_until``
(a rule's ``until``) names the moment an approved extension's record states as the new end (行政强制法 第二十五条:
a 查封、扣押 extended once by at most thirty days), :func:`extended`.

The law's own ``period`` rules run beside the diagram's: every one that governs the task (by its act) and is not
judged by the gate on a moment its record states (``at``) opens a period from the fact it names — the 立案 approval
for 行政处罚法 第六十条 — so a diagram stored without the property, or with a longer one, cannot escape it.  The task
is due at the earliest of them (:func:`governing`).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from handlers.catalogue import CATALOGUE
from handlers.clock import moment
from handlers.law.facts import StoredRecord
from handlers.law.model import Rule
from handlers.law.periods import Counting, Declared, Period, PeriodError, counting_for, parse_period
from handlers.workcalendar import Calendar, end_of_day, local_date


def due_at(start: dt.datetime, period: Period, counting: Counting, calendar: Calendar) -> dt.datetime:
    """When a period that began at ``start`` ends (an aware UTC datetime)."""
    if counting.mode == "exact":
        return start + dt.timedelta(days=period.days, seconds=period.seconds)
    day = local_date(start)
    if counting.mode == "working":
        if period.years or period.months:
            raise PeriodError("按工作日计算的期限须以日为单位")
        return end_of_day(calendar.add_working_days(day, period.days))
    last = _add_months(day, period.years * 12 + period.months) + dt.timedelta(days=period.days)
    return end_of_day(calendar.next_working_day(last))


def _add_months(day: dt.date, months: int) -> dt.date:
    if not months:
        return day
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class TaskDeadline(Declared):
    """A user task's deadline as its diagram declares it, with the arithmetic that ends it."""

    def due(self, start: dt.datetime, calendar: Calendar) -> dt.datetime:
        return due_at(start, self.period, self.counting, calendar)

    def describe(self) -> str:
        return f"{self.period.describe()}，{self.counting.describe()}"


def task_deadline(props: Mapping[str, Any]) -> TaskDeadline | None:
    """The deadline declared by a user task's properties, or ``None``; raises :class:`PeriodError` if malformed."""
    return TaskDeadline.read(props)


def deadline_of(task_spec: Any) -> TaskDeadline | None:
    return task_deadline(getattr(task_spec, "extensions", {}).get("properties", {}))


def opens(rule: Rule) -> bool:
    """Whether the deadline service runs the rule's period (breach: flagged overdue and sealed in the case's audit
    chain); a period judged on a moment the act's own record states (``at``) is refused by the gate instead."""
    return rule.kind == "period" and bool(rule.within) and not rule.at


def rule_deadline(rule: Rule) -> TaskDeadline:
    """A period rule read as a declared period: its length, counted as its own article's law says, from the fact it
    names (``fact``, else ``start``; none: from when the task is ready)."""
    period = parse_period(rule.within or "")
    return TaskDeadline(period, counting_for(period, (rule.basis,)), (rule.basis,), rule.fact or rule.start, rule.until)


@dataclass(frozen=True)
class Running:
    """One period running for a task: the diagram's (``rule`` None) or a rule's, from its start to its end."""

    deadline: TaskDeadline
    start: dt.datetime
    due: dt.datetime
    rule: Rule | None = None
    since: str = ""  # what started it, for people: the fact's title (``负责人批准立案``)
    extended: str = ""  # what moved its end, for people: the extension's record title (``延长查封、扣押期限告知``)

    def describe(self) -> str:
        return (self.deadline.describe() + (f"，自{self.since}起算" if self.since else "")
                + (f"，经批准延长（{self.extended}）" if self.extended else ""))


def extended(td: TaskDeadline, start: dt.datetime, due: dt.datetime, records: Sequence[StoredRecord]
             ) -> tuple[dt.datetime, str] | None:
    """The end an approved extension of the period states, with the title of its record, or ``None``.

    行政强制法 第二十五条: a 查封、扣押 of thirty days may, being complex and approved by the head, be extended once by at
    most thirty; the extension's record states the new end (``td.until``, ``kind.field``; its schema holds it to the
    article).  The newest such record counts where its end falls after the period's own and within one more period
    of it: a later measure's period, starting after an earlier extension ended, is not moved by it."""
    if not td.until:
        return None
    code, _, name = td.until.partition(".")
    for record in reversed(records):
        if record.kind == code:
            end = moment(record.payload.get(name))
            if end is not None and due < end <= due + (due - start):
                return end.astimezone(dt.UTC), CATALOGUE[code].title if code in CATALOGUE else code
            return None
    return None


def governing(periods: Sequence[Running], law: Sequence[Rule]) -> tuple[Running, tuple[str, ...]]:
    """The period that ends first (the diagram's on a tie) and the articles the task's due moment stands on.

    The diagram's period, where it governs, stands on its own articles and on every period rule of the task that
    the deploy proof held it to (``law``: the rules governing the task); a rule's period that ends first stands on
    its article and those of the rules ending with it."""
    first = min(periods, key=lambda p: (p.due, p.rule is not None))
    ending = [p for p in periods if p.due == first.due]
    basis = [b for p in ending for b in p.deadline.basis]
    if first.rule is None:
        basis += [r.basis for r in law if opens(r)]
    return first, tuple(dict.fromkeys(basis))


def standing(due_at: dt.datetime | None, now: dt.datetime, warning_hours: float) -> str | None:
    """Where a period stands: ``"overdue"`` (红牌) once it has ended, ``"due_soon"`` (黄牌) within the agency's warning
    window before it ends, else ``None`` — the 执法监督 platforms' 黄牌/红牌, so an officer is warned while there is
    still time."""
    if due_at is None:
        return None
    if due_at < now:
        return "overdue"
    return "due_soon" if due_at - now <= dt.timedelta(hours=warning_hours) else None
