"""The leaves of an agency's Merkle tree, as the log, its checkpoints and its proofs read them."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import select

from handlers import merkle
from webapp.db import db
from webapp.models import AuditEntry

MISSING_LEAF = merkle.leaf_hash(b"missing")  # the leaf of a sequence number whose row is gone


def leaf_of(entry_hash_hex: str) -> bytes:
    """The Merkle leaf of an entry: its hash as text, so any reader can recompute it from the entry."""
    return merkle.leaf_hash(entry_hash_hex.encode("utf-8", "replace"))


def leaves(rows: Iterable[Any], first: int, last: int) -> Iterator[bytes]:
    """Leaves for sequence numbers first..last from (seq, hash) rows in order, a missing row as the missing leaf."""
    expected = first
    for seq, h in rows:
        if seq < first:
            continue
        if seq > last:
            break
        while expected < seq:
            yield MISSING_LEAF
            expected += 1
        yield leaf_of(h)
        expected = seq + 1
    while expected <= last:
        yield MISSING_LEAF
        expected += 1


def stored_leaves(agency_id: int, first: int, last: int) -> Iterator[bytes]:
    """Leaves first..last (1-based sequence numbers) as the database holds them now, streamed in order.

    Never a list: the first checkpoint after a bulk load proves consistency over a million entries, and a list of
    their leaves (or PostgreSQL's driver holding every (seq, hash) row) cost 100 MB and more per million.  The rows
    come in batches through a server-side cursor, and the leaves are used as they come (:mod:`handlers.merkle`
    keeps an O(log n) compact range)."""
    rows = db.session.execute(select(AuditEntry.seq, AuditEntry.hash).where(
        AuditEntry.agency_id == agency_id, AuditEntry.seq >= first, AuditEntry.seq <= last).order_by(AuditEntry.seq)
        .execution_options(yield_per=5000))
    with rows:
        yield from leaves(rows, first, last)
