"""The rules that bind an agency, indexed by what a step is matched on: its act, the record kinds it makes, its id.

The gate, the task page, the deadlines, the timers and 案卷评查 each ask which rules govern one step; scanning
every rule of the national laws and the regulation (well over a hundred) for each step cost most of the rule
base's time at completion.  The index is built once per rule set, on first use, and answers with exactly the
rules :meth:`handlers.law.model.Rule.governs` accepts, in the rule set's order.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property

from handlers.law.model import Rule

#: positions of the rules filed under each act, record kind and task id (built once, never changed)
Index = tuple[dict[str, list[int]], dict[str, list[int]], dict[str, list[int]]]


class RuleBase(tuple[Rule, ...]):
    """An immutable rule set (a tuple of rules, national first, as :func:`handlers.law.schema.binding` orders
    them) with its index by act, record kind and task id."""

    @cached_property
    def _index(self) -> Index:
        tables: Index = ({}, {}, {})
        for i, rule in enumerate(self):
            for keys, table in zip((rule.acts, rule.records, rule.tasks), tables, strict=True):
                for key in keys:
                    table.setdefault(key, []).append(i)
        return tables

    def governing(self, task: str, records: Sequence[str], act: str | None = None) -> tuple[Rule, ...]:
        """The rules that govern a step (as :meth:`Rule.governs` decides), in the rule set's order: only the rules
        filed under the step's act or one of the acts above it (``送达`` for ``送达.直接``), its record kinds or its
        id are looked at."""
        by_act, by_record, by_task = self._index
        found: set[int] = set(by_task.get(task, ()))
        for code in records:
            found.update(by_record.get(code, ()))
        for prefix in _acts_above(act):
            found.update(by_act.get(prefix, ()))
        return tuple(r for r in (self[i] for i in sorted(found)) if r.governs(task, records, act))

    def without(self, waived: Iterable[str]) -> RuleBase:
        """The rule set less the rules an exception waives (itself when none is waived)."""
        ids = frozenset(waived)
        return self if not ids else RuleBase(r for r in self if r.id not in ids)


def _acts_above(act: str | None) -> tuple[str, ...]:
    """``送达.直接.回证`` → ``送达``, ``送达.直接``, ``送达.直接.回证``: the acts whose rules govern it."""
    if not act:
        return ()
    parts = act.split(".")
    return tuple(".".join(parts[:n]) for n in range(1, len(parts) + 1))


def governing(law: Sequence[Rule], task: str, records: Sequence[str], act: str | None = None) -> tuple[Rule, ...]:
    """The rules of ``law`` that govern a step: looked up in its index where ``law`` is a :class:`RuleBase`, else
    every rule asked (a rule list built ad hoc, as the tests and the deploy check pass)."""
    if isinstance(law, RuleBase):
        return law.governing(task, records, act)
    return tuple(r for r in law if r.governs(task, records, act))
