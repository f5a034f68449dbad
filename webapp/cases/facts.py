"""The facts a case holds (:mod:`handlers.law.facts`), read from its stored records in the order they were made."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from handlers.law.facts import FACTS, Fact, StoredRecord, binds, establish
from webapp.db import db
from webapp.models import Record


def case_facts(case_id: int, names: Iterable[str]) -> dict[str, Fact | None]:
    """The named facts that bind the case, each as its records establish it (``None``: not yet); a fact
    that does not bind the case (:func:`handlers.law.facts.binds`) is absent."""
    names = [n for n in names if n in FACTS]
    if not names:
        return {}
    kinds = {k for n in names for k in (*FACTS[n].proofs, FACTS[n].after) if k}
    rows = db.session.execute(select(Record.id, Record.kind, Record.payload, Record.task_id).where(
        Record.case_id == case_id, Record.kind.in_(kinds)).order_by(Record.id))
    records = [StoredRecord(i, k, p, t) for i, k, p, t in rows]
    return {n: establish(n, records) for n in names if binds(n, records)}
