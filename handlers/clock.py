"""One injectable clock.

Deadlines, record timestamps and BPMN timers all ask this clock for "now", so tests move time
forward instead of sleeping.  SpiffWorkflow's timer module imports ``datetime`` directly and has
no clock hook, so :func:`install` replaces that module's ``datetime`` with a shim bound to the
clock in force.
"""
from __future__ import annotations

import datetime as _dt
from typing import Protocol
from zoneinfo import ZoneInfo

#: legal times are judged and shown in China's time (UTC+8 all year since 1991) unless the agency names a zone
CHINA = _dt.timezone(_dt.timedelta(hours=8), "北京时间")


def zone(name: str | None) -> _dt.tzinfo:
    """The agency's time zone by its IANA name (a profile's ``timezone``), China's by default."""
    return ZoneInfo(name) if name else CHINA


def local(moment: _dt.datetime, tz: _dt.tzinfo | None = None) -> _dt.datetime:
    return moment.astimezone(tz or CHINA)


def local_text(value: _dt.datetime | str | None, fmt: str = "%Y-%m-%d %H:%M", tz: _dt.tzinfo | None = None) -> str:
    """A moment as people read it: local time, never UTC or ISO 8601; ISO strings from JSON are accepted."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            parsed = _dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        value = parsed
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.UTC)
    return local(value, tz).strftime(fmt)


def moment(value: _dt.datetime | str | None) -> _dt.datetime | None:
    """A stored moment as a datetime: payloads hold ISO 8601 text, rows hold datetimes; empty is ``None``."""
    if value is None or value == "":
        return None
    return value if isinstance(value, _dt.datetime) else _dt.datetime.fromisoformat(str(value))


class Clock(Protocol):
    def now(self) -> _dt.datetime: ...


class SystemClock:
    """Wall-clock time, always timezone-aware UTC."""

    def now(self) -> _dt.datetime:
        return _dt.datetime.now(_dt.UTC)


class FixedClock:
    """A clock that only moves when told to; for tests and benchmarks."""

    def __init__(self, start: _dt.datetime | None = None) -> None:
        self._now = start or _dt.datetime(2026, 3, 2, 9, 0, tzinfo=_dt.UTC)

    def now(self) -> _dt.datetime:
        return self._now

    def advance(self, **delta: float) -> _dt.datetime:
        self._now += _dt.timedelta(**delta)
        return self._now

    def set(self, moment: _dt.datetime) -> None:
        self._now = moment


_current: Clock = SystemClock()


def current() -> Clock:
    return _current


def now() -> _dt.datetime:
    return _current.now()


class _SpiffDatetime(_dt.datetime):
    """``datetime`` as seen by SpiffWorkflow's timers: ``now()`` reads the installed clock."""

    @classmethod
    def now(cls, tz: _dt.tzinfo | None = None) -> _dt.datetime:  # type: ignore[override]
        moment = _current.now()
        return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)


def install(clock: Clock) -> None:
    """Make ``clock`` the process clock, for our code and for SpiffWorkflow timers alike."""
    global _current
    _current = clock
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    timer.datetime = _SpiffDatetime
