"""The audit chain: every event appends an entry whose hash covers the previous entry's hash.

One chain per agency.  Appending first bumps the chain head with an UPDATE, which takes the
row lock (PostgreSQL) or the write lock (SQLite) before the previous hash is read, so two
transactions can never both append after the same entry.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from handlers import clock
from handlers.audit_actions import Action
from handlers.hashing import sha256_of
from webapp.db import db
from webapp.models import AuditEntry, AuditHead, Record

GENESIS = "0" * 64


def entry_hash(e: AuditEntry) -> str:
    return sha256_of({"agency": e.agency_id, "seq": e.seq, "case": e.case_id, "actor": e.actor_id,
                      "action": e.action, "detail": e.detail, "at": e.at, "prev": e.prev_hash})


def start_chain(agency_id: int) -> None:
    db.session.add(AuditHead(agency_id=agency_id, seq=0, hash=GENESIS))


def append(agency_id: int, action: Action, *, actor_id: int | None = None, case_id: int | None = None,
           detail: dict[str, Any] | None = None) -> AuditEntry:
    seq, prev = db.session.execute(
        update(AuditHead).where(AuditHead.agency_id == agency_id).values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash).execution_options(synchronize_session=False)
    ).one()
    entry = AuditEntry(agency_id=agency_id, seq=seq, case_id=case_id, actor_id=actor_id, action=action.value,
                       detail=detail or {}, at=clock.now(), prev_hash=prev)
    entry.hash = entry_hash(entry)
    db.session.add(entry)
    db.session.execute(update(AuditHead).where(AuditHead.agency_id == agency_id).values(hash=entry.hash)
                       .execution_options(synchronize_session=False))
    return entry


@dataclass(frozen=True)
class Break:
    where: str
    problem: str
    agency_id: int | None = None  # whose data it is, so each agency's supervisor sees its own findings
    case_id: int | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


def verify_chains() -> list[Break]:
    """Recompute every agency's chain; report the first broken entry of each."""
    out: list[Break] = []
    for head in db.session.scalars(select(AuditHead).order_by(AuditHead.agency_id)):
        problem = next(_chain_breaks(head), None)
        if problem:
            out.append(problem)
    return out


def _chain_breaks(head: AuditHead) -> Iterator[Break]:
    prev, expected = GENESIS, 1
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.agency_id == head.agency_id)
                              .order_by(AuditEntry.seq)).yield_per(1000)
    for e in rows:
        where = f"机构 {e.agency_id} 审计链第 {e.seq} 条（id={e.id}）"
        if e.seq != expected:
            yield Break(where, f"序号不连续，应为 {expected}", e.agency_id, e.case_id)
        if e.prev_hash != prev:
            yield Break(where, "前一条哈希不符：链被改动或有条目被删除", e.agency_id, e.case_id)
        if entry_hash(e) != e.hash:
            yield Break(where, "内容与哈希不符：该条目被改动", e.agency_id, e.case_id)
        prev, expected = e.hash, e.seq + 1
    if head.seq != expected - 1 or head.hash != prev:
        yield Break(f"机构 {head.agency_id} 审计链末端", "链尾与记录的链头不符：末尾条目被删除或链头被改动",
                    head.agency_id)


def verify_records() -> list[Break]:
    """Every record's content matches its hash, and that hash is the one its audit entry sealed."""
    sealed: dict[int | None, str | None] = {}  # audit details are free-form JSON
    for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action == Action.RECORD_ADDED)).yield_per(1000):
        sealed[e.detail.get("record_id")] = e.detail.get("content_hash")
    out: list[Break] = []
    for r in db.session.scalars(select(Record).order_by(Record.id)).yield_per(1000):
        where = f"记录 id={r.id}（{r.kind}）"
        if record_hash(r) != r.content_hash:
            out.append(Break(where, "内容与哈希不符：记录被改动", r.agency_id, r.case_id))
        elif sealed.get(r.id) != r.content_hash:
            out.append(Break(where, "审计链中无此记录或哈希不符", r.agency_id, r.case_id))
    return out


def record_hash(r: Record) -> str:
    return sha256_of({"agency": r.agency_id, "case": r.case_id, "task": r.task_id, "kind": r.kind,
                      "version": r.version, "supersedes": r.supersedes_id, "payload": r.payload,
                      "author": r.author_id, "at": r.created_at})
