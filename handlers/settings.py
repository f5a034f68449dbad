"""An agency's settings, as its applied profile stored them, typed; and the profile rules they carry.

``handlers.profiles`` reads a profile file and writes the snapshot kept in ``Agency.profile``;
:class:`Settings` is the one reader of that snapshot, so every module asks it and a key is named once.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from handlers.law.base import RuleBase
from handlers.law.cite import Citer, for_agency
from handlers.law.model import Rule, rules_from_json
from handlers.law.schema import binding
from handlers.workcalendar import Calendar

DEFAULT_ARCHIVE_DAYS = 60
DEFAULT_AV_HANDOVER_HOURS = 24
#: a period shows yellow (黄牌) this long before it ends, unless the profile's [warnings] deadline_hours says otherwise
DEFAULT_WARNING_HOURS = 72
DEFAULT_AV_REMOTE_HOURS = 24
DEFAULT_AV_RETENTION_MONTHS = 36


@dataclass(frozen=True)
class Settings:
    """An agency's settings as its applied profile stored them (``Agency.profile``), typed.

    The one reader of that JSON: every module asks this object, so a key is named once and an agency
    without a profile gets the national defaults rather than a ``KeyError``.
    """
    code: str = ""
    name: str = ""
    regulation: str = ""
    procedures: tuple[str, ...] = ()
    archive_days: int = DEFAULT_ARCHIVE_DAYS
    archive_basis: str | None = None
    av_handover_hours: float = DEFAULT_AV_HANDOVER_HOURS
    av_handover_working_days: int | None = None
    av_handover_basis: str | None = None
    av_remote_handover_hours: float = DEFAULT_AV_REMOTE_HOURS
    av_retention_months: int = DEFAULT_AV_RETENTION_MONTHS
    av_retention_basis: str | None = None
    av_max_bytes: int | None = None
    long_term_triggers: tuple[str, ...] = ()
    long_term_basis: str | None = None
    officers_per_recorder: int | None = None
    officers_per_recorder_basis: str | None = None
    device_check_before_use: bool = False
    device_check_basis: str | None = None
    confidentiality: str | None = None
    confidentiality_basis: str | None = None
    doc_prefix: str | None = None
    document_series: Mapping[str, str] = field(default_factory=dict)
    format_set: str = "culture"  # the official 文书 format set (handlers.profiles.FORMAT_SETS)
    remedies: Mapping[str, Any] = field(default_factory=dict)  # review_organ, court, review_days, litigation_months
    payment: Mapping[str, str] = field(default_factory=dict)  # bank, account_name, account
    appraisal: Mapping[str, Any] = field(default_factory=dict)  # objection_days, working_days, basis (鉴定结果告知书)
    local_calendar: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    timezone: str | None = None
    local_passwords: bool = True
    deadline_warning_hours: int = DEFAULT_WARNING_HOURS
    rules: tuple[Rule, ...] = ()
    department_rules: tuple[str, ...] = ()  # the departments' 规章 the agency applies (law files with ``department``)
    source_toml: str | None = None

    @classmethod
    def of(cls, snapshot: Mapping[str, Any] | None) -> Settings:
        s = snapshot or {}
        cal = s.get("calendar") or {}
        return cls(
            code=str(s.get("code", "")), name=str(s.get("name", "")), regulation=str(s.get("regulation", "")),
            procedures=tuple(s.get("procedures") or ()),
            archive_days=int(s.get("archive_days", DEFAULT_ARCHIVE_DAYS)), archive_basis=s.get("archive_basis"),
            av_handover_hours=float(s.get("av_handover_hours", DEFAULT_AV_HANDOVER_HOURS)),
            av_handover_working_days=_int_or_none(s.get("av_handover_working_days")),
            av_handover_basis=s.get("av_handover_basis"),
            av_remote_handover_hours=float(s.get("av_remote_handover_hours", DEFAULT_AV_REMOTE_HOURS)),
            av_retention_months=int(s.get("av_retention_months", DEFAULT_AV_RETENTION_MONTHS)),
            av_retention_basis=s.get("av_retention_basis"), av_max_bytes=_int_or_none(s.get("av_max_bytes")),
            long_term_triggers=tuple(s.get("long_term_triggers") or ()), long_term_basis=s.get("long_term_basis"),
            officers_per_recorder=_int_or_none(s.get("officers_per_recorder")),
            officers_per_recorder_basis=s.get("officers_per_recorder_basis"),
            device_check_before_use=bool(s.get("device_check_before_use", False)),
            device_check_basis=s.get("device_check_basis"), confidentiality=s.get("confidentiality"),
            confidentiality_basis=s.get("confidentiality_basis"), doc_prefix=s.get("doc_prefix") or None,
            document_series=dict(((s.get("documents") or {}).get("series")) or {}),
            format_set=str((s.get("documents") or {}).get("format_set") or "culture"),
            remedies=dict(((s.get("documents") or {}).get("remedies")) or {}),
            payment=dict(((s.get("documents") or {}).get("payment")) or {}),
            appraisal=dict(((s.get("documents") or {}).get("appraisal")) or {}),
            local_calendar={k: tuple(cal.get(k, ())) + tuple(s.get(old, ()))
                            for k, old in (("holidays", "holidays"), ("workdays", "makeup_workdays"))},
            timezone=s.get("timezone") or None, local_passwords=bool(s.get("local_passwords", True)),
            deadline_warning_hours=int(s.get("deadline_warning_hours", DEFAULT_WARNING_HOURS)),
            rules=_RECENT.rules(s.get("rules", [])), department_rules=tuple(s.get("department_rules") or ()),
            source_toml=s.get("source_toml"))

    def law(self) -> RuleBase:
        """Every rule that binds the agency: the national laws' and its own regulation's, indexed once."""
        return self._law

    @cached_property
    def _law(self) -> RuleBase:
        return _RECENT.law(self.rules, self.department_rules)

    def citer(self) -> Citer:
        """Citations by real title, from this agency's regulation, national law and the departments' 规章 it applies."""
        return for_agency(self.code, self.regulation, self.department_rules)

    def calendar(self, national: Calendar) -> Calendar:
        """The national working-day calendar with this agency's regional holidays and make-up working days."""
        return national.with_local(self.local_calendar)


class _Recent:
    """The rule sets of the last few snapshots read, parsed and bound once.

    Every completion reads its agency's snapshot afresh from the database, and parsing its rules (a hundred and
    more) and indexing the law cost more than the gate itself.  A stored list equal to one read before (compared
    whole, value by value) gives the same rule objects and the same indexed :class:`RuleBase`; entries are replaced
    as a whole tuple, so concurrent readers see either the old or the new ones."""

    KEPT = 8

    def __init__(self) -> None:
        self.entries: tuple[tuple[Any, tuple[Rule, ...], dict[tuple[str, ...], RuleBase]], ...] = ()

    def rules(self, items: Any) -> tuple[Rule, ...]:
        for stored, own, _ in self.entries:
            if stored == items:
                return own
        own = rules_from_json(items)
        self.entries = ((copy.deepcopy(items), own, {}), *self.entries[:self.KEPT - 1])
        return own

    def law(self, own: tuple[Rule, ...], departments: tuple[str, ...] = ()) -> RuleBase:
        """The law bound with ``own`` and the departments' 规章 named: the one kept with it if ``own`` came from
        :meth:`rules` (bound once per set of 规章)."""
        found = [bound for _, kept, bound in self.entries if kept is own]
        if not found:
            return binding(own, departments)
        if departments not in found[0]:
            found[0][departments] = binding(own, departments)
        return found[0][departments]


_RECENT = _Recent()


def _int_or_none(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None
