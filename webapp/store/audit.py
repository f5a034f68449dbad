"""The audit log: one hash chain per agency, the leaves of a Merkle tree, each entry keyed by a MAC.

Appending first bumps the chain head with an UPDATE, which takes the row lock (PostgreSQL) or the write
lock (SQLite) before the previous hash is read, so two transactions can never both append after the same
entry.  Each entry carries ``mac`` — an HMAC of its hash under a key derived from the signing key, which is
not in the database — so a row inserted by someone who controls only the database is named as forged.
The head holds the Merkle tree's frontier (:mod:`handlers.merkle`), from which checkpoints are signed
(:mod:`webapp.store.checkpoints`).

A row found at the next sequence number that this function did not write (a stray) is not allowed to block
the agency: the next append leaves it in place, writes an ``audit.quarantined`` entry naming it (hash and
id) and continues after it; ``verify`` names the stray every time it looks.  Whether anything sits beyond the
head is asked inside the head's own UPDATE, so the usual append reads no strays.

A task completion reads the head with the case (:mod:`webapp.cases.completion`, :func:`saw_head`): under
SQLite's write lock that read is the head, and the append is then one UPDATE of the head and the entry's
INSERT; on PostgreSQL the read is unlocked, so the UPDATE takes the head only if it is still the one read and
nothing sits beyond it, and otherwise the append goes the usual way.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import bindparam, event, exists, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from handlers import clock, merkle
from handlers.audit_actions import Action
from handlers.hashing import sha256_of
from webapp.db import db, insert_now, table
from webapp.models import AuditEntry, AuditHead, Record
from webapp.store import checkpoints
from webapp.store.keys import Keyring, keyring
from webapp.store.tree import MISSING_LEAF, leaf_of, stored_leaves

GENESIS = "0" * 64
MAX_BREAKS = 50  # per agency and run: the first break is what matters, a flood of follow-ups is not


def entry_hash(e: Any) -> str:
    return sha256_of({"agency": e.agency_id, "seq": e.seq, "case": e.case_id, "actor": e.actor_id,
                      "action": e.action, "detail": e.detail, "at": e.at, "prev": e.prev_hash})


def start_chain(agency_id: int) -> None:
    db.session.add(AuditHead(agency_id=agency_id, seq=0, hash=GENESIS, frontier=[]))


def _tree(agency_id: int, size: int, frontier: list[str] | None) -> list[bytes]:
    """The head's frontier; a chain from before the Merkle tree, or a head whose frontier does not fit its size
    (a cache, rewound or rewritten with the head), gets it computed from its entries."""
    if frontier is not None and len(frontier) == bin(size).count("1"):
        return [bytes.fromhex(h) for h in frontier]
    return merkle.frontier_of(stored_leaves(agency_id, 1, size))[0]


#: session.info key: agency id → (seq, hash, frontier, held) of its head as this transaction read it
KNOWN = "liuhen.audit_heads"


def _no_strays(agency_id: Any, seq: Any) -> Any:
    """No row sits beyond ``seq`` in the agency's chain: the usual case, checked inside the head's own UPDATE."""
    return ~exists().where(AuditEntry.agency_id == agency_id, AuditEntry.seq > seq)


def saw_head(agency_id: int, seq: int, head: str, frontier: list[str] | None, *, held: bool) -> None:
    """The head as a statement of this transaction read it: ``held`` under a lock no other writer passes (SQLite's
    write lock, taken before the read), so the next :func:`append` takes it as it is; else (PostgreSQL, the head
    read unlocked) the next append takes it only if it is still there and nothing sits beyond it."""
    db.session.info.setdefault(KNOWN, {})[agency_id] = (seq, head, frontier, held)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_heads(session: Session) -> None:
    session.info.pop(KNOWN, None)


def append(agency_id: int, action: Action, *, actor_id: int | None = None, case_id: int | None = None,
           detail: dict[str, Any] | None = None) -> AuditEntry:
    known = db.session.info.get(KNOWN, {}).pop(agency_id, None)
    if known is not None:
        entry = _append_known(agency_id, known, action, actor_id, case_id, detail or {})
        if entry is not None:
            return entry
    row = db.session.execute(
        update(AuditHead).where(AuditHead.agency_id == agency_id, _no_strays(agency_id, AuditHead.seq))
        .values(seq=AuditHead.seq + 1).returning(AuditHead.seq, AuditHead.hash, AuditHead.frontier)
        .execution_options(synchronize_session=False)).first()
    strays = row is None
    if strays:  # a row sits beyond the head (or there is none, and .one() says so): step over it as before
        row = db.session.execute(
            update(AuditHead).where(AuditHead.agency_id == agency_id).values(seq=AuditHead.seq + 1)
            .returning(AuditHead.seq, AuditHead.hash, AuditHead.frontier).execution_options(synchronize_session=False)
        ).one()
    seq, prev, frontier = cast(Any, row)
    ring, now = keyring(), clock.now()
    tree = _tree(agency_id, seq - 1, frontier)
    if strays:
        seq, prev, tree = _pass_strays(agency_id, seq, prev, tree, ring)
    entry = _entry(ring, agency_id, seq, prev, action.value, actor_id, case_id, detail or {}, now)
    tree = merkle.push(tree, seq - 1, leaf_of(entry.hash))
    db.session.execute(update(AuditHead).where(AuditHead.agency_id == agency_id)
                       .values(seq=seq, hash=entry.hash, frontier=[h.hex() for h in tree])
                       .execution_options(synchronize_session=False))
    checkpoints.after_append(agency_id, seq, entry.hash, tree)
    return entry


def _append_known(agency_id: int, known: tuple[int, str, list[str] | None, bool], action: Action,
                  actor_id: int | None, case_id: int | None, detail: dict[str, Any]) -> AuditEntry | None:
    """Append after a head this transaction already read: one UPDATE of the head (held: ours already; seen: only if
    it is unchanged and nothing sits beyond it) and the entry's INSERT.  None: the head moved, append as usual."""
    last, prev, frontier, held = known
    ring, seq = keyring(), last + 1
    tree = _tree(agency_id, last, frontier)
    entry = _entry(ring, agency_id, seq, prev, action.value, actor_id, case_id, detail, clock.now(), add=False)
    tree = merkle.push(tree, last, leaf_of(entry.hash))
    done = db.session.execute(_known_head_update(held), {"agency": agency_id, "last": last, "prev": prev, "next_seq": seq,
                                                         "next_hash": entry.hash, "next_frontier": [h.hex() for h in tree]})
    if cast(CursorResult[Any], done).rowcount != 1:
        return None
    insert_now(entry)  # nothing reads it back in the transaction: no unit of work at flush
    checkpoints.after_append(agency_id, seq, entry.hash, tree)
    return entry


@functools.cache
def _known_head_update(held: bool) -> Any:
    """:func:`_append_known`'s UPDATE of the head, on the table and built once (a completion's statements are built
    once: building them cost more than running them)."""
    h = table(AuditHead)
    agency, last = bindparam("agency", type_=h.c.agency_id.type), bindparam("last", type_=h.c.seq.type)
    where = [h.c.agency_id == agency]
    if not held:
        where += [h.c.seq == last, h.c.hash == bindparam("prev", type_=h.c.hash.type), _no_strays(agency, last)]
    return update(h).where(*where).values(seq=bindparam("next_seq", type_=h.c.seq.type),
                                          hash=bindparam("next_hash", type_=h.c.hash.type),
                                          frontier=bindparam("next_frontier", type_=h.c.frontier.type))


def _entry(ring: Keyring, agency_id: int, seq: int, prev: str, action: str, actor_id: int | None,
           case_id: int | None, detail: dict[str, Any], at: Any, add: bool = True) -> AuditEntry:
    entry = AuditEntry(agency_id=agency_id, seq=seq, case_id=case_id, actor_id=actor_id, action=action,
                       detail=detail, at=at, prev_hash=prev)
    entry.hash = entry_hash(entry)
    entry.mac = ring.current.mac(entry.hash)
    if add:
        db.session.add(entry)
    return entry


def _pass_strays(agency_id: int, seq: int, prev: str, tree: list[bytes],
                 ring: Keyring) -> tuple[int, str, list[bytes]]:
    """Step over rows already sitting at ``seq``…: each run of them is named by an ``audit.quarantined`` entry."""
    strays = db.session.execute(select(AuditEntry.seq, AuditEntry.id, AuditEntry.hash).where(
        AuditEntry.agency_id == agency_id, AuditEntry.seq >= seq).order_by(AuditEntry.seq)).all()
    taken = {s: (i, h) for s, i, h in strays}
    while seq in taken:
        run = []
        while seq in taken:
            stray_id, stray_hash = taken[seq]
            run.append({"seq": seq, "id": stray_id, "hash": stray_hash})
            tree = merkle.push(tree, seq - 1, leaf_of(stray_hash))
            seq += 1
        if seq in taken:
            continue
        q = _entry(ring, agency_id, seq, prev, Action.AUDIT_QUARANTINED.value, None, None, {"strays": run},
                   clock.now())
        tree = merkle.push(tree, seq - 1, leaf_of(q.hash))
        prev, seq = q.hash, seq + 1
    return seq, prev, tree


# --------------------------------------------------------------------------- verify


@dataclass(frozen=True)
class Break:
    where: str
    problem: str
    agency_id: int | None = None  # whose data it is, so each agency's supervisor sees its own findings
    case_id: int | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


@dataclass
class ChainResult:
    """What verifying one agency's chain found, and the tree it recomputed (signed as a checkpoint if clean)."""

    agency_id: int
    breaks: list[Break] = field(default_factory=list)
    size: int = 0
    head: str = GENESIS
    frontier: list[bytes] = field(default_factory=list)
    entries_read: int = 0
    from_checkpoint: int = 0
    acknowledged: list[Break] = field(default_factory=list)

    def add(self, where: str, problem: str, case_id: int | None = None) -> None:
        if len(self.breaks) < MAX_BREAKS:
            self.breaks.append(Break(where, problem, self.agency_id, case_id))


def verify_chains(full: bool = False) -> list[Break]:
    """Verify every agency's chain; see :func:`verify_chain`."""
    return [b for r in verify_all(full) for b in r.breaks]


def verify_all(full: bool = False) -> list[ChainResult]:
    heads = db.session.execute(select(AuditHead.agency_id, AuditHead.seq, AuditHead.hash)
                               .order_by(AuditHead.agency_id)).all()
    return [verify_chain(agency_id, seq, head_hash, full) for agency_id, seq, head_hash in heads]


def verify_chain(agency_id: int, head_seq: int, head_hash: str, full: bool = False) -> ChainResult:
    """Walk the chain from the last good signed checkpoint (or from the start with ``full``), streaming.

    Checks, naming each failure with its agency and sequence number: the checkpoint's signature and that the
    database still holds the entry it signed; every later entry's sequence, previous hash, own hash and MAC;
    a stray row (quarantined or beyond the head); the head against the last entry; in ``full`` mode, the root
    recomputed at the checkpoint's size against the signed root.
    """
    res, ring = ChainResult(agency_id), keyring()
    label = f"机构 {agency_id} 审计链"
    if full:
        signed, cp, problems = checkpoints.all_good(agency_id, ring)
    else:
        cp, problem = checkpoints.latest_good(agency_id, ring)
        signed, problems = ({cp.size: (cp.root, cp.at)} if cp else {}), [problem] if problem else []
    for p in problems:
        res.add(f"{label}检查点", p)
    start = 0 if full or cp is None else cp.size
    keyed = False
    if start:
        anchor = db.session.execute(select(AuditEntry.hash, AuditEntry.mac).where(
            AuditEntry.agency_id == agency_id, AuditEntry.seq == start)).first()
        if anchor is None or anchor.hash != cp.head:  # type: ignore[union-attr]
            if head_seq >= start:
                res.add(f"{label}第 {start} 条", f"与已签名检查点（{cp.at_text}，共 {start} 条）不符："  # type: ignore[union-attr]
                        "该条目被删除或改写，此前的历史被改写")
            start = 0
        else:
            res.size, res.head = start, cp.head  # type: ignore[union-attr]
            res.frontier = [bytes.fromhex(h) for h in cp.frontier]  # type: ignore[union-attr]
            keyed = anchor.mac is not None
    res.from_checkpoint = start
    quarantined = _quarantined(agency_id)
    rows = db.session.execute(select(AuditEntry.__table__).where(
        AuditEntry.agency_id == agency_id, AuditEntry.seq > start, AuditEntry.seq <= head_seq)
        .order_by(AuditEntry.seq).execution_options(yield_per=2000))
    prev = res.head
    for e in rows:
        res.entries_read += 1
        where = f"{label}第 {e.seq} 条（id={e.id}）"
        gap = res.size + 1 < e.seq
        if gap:
            res.add(f"{label}第 {res.size + 1} 条", f"条目缺失：序号不连续（缺 {e.seq - res.size - 1} 条），条目被删除")
        while res.size + 1 < e.seq:
            _grow(res, MISSING_LEAF, start, signed)
        _grow(res, leaf_of(e.hash), start, signed)
        if quarantined.get(e.seq) == e.hash:
            res.add(where, "不是本系统追加的异常条目（已隔离，不计入审计链）", e.case_id)
            continue
        if e.prev_hash != prev and not gap:  # after a gap the mismatch is the gap itself, named once
            res.add(where, "前一条哈希不符：链被改动或有条目被删除", e.case_id)
        if entry_hash(e) != e.hash:
            res.add(where, "内容与哈希不符：该条目被改动", e.case_id)
        if e.mac is not None and not ring.mac_ok(e.hash, e.mac):
            res.add(where, "认证码不符：条目不是持有签名密钥的本系统写入的（伪造或重算的条目）", e.case_id)
        elif e.mac is None and keyed:
            res.add(where, "缺少认证码：条目不是本系统写入的（伪造的追加）", e.case_id)
        keyed = keyed or e.mac is not None
        prev = e.hash
    if res.size < head_seq:
        res.add(f"{label}第 {res.size + 1} 条", f"条目缺失：链尾 {head_seq - res.size} 条被删除")
    while res.size < head_seq:
        _grow(res, MISSING_LEAF, start, signed)
    res.head = prev
    if prev != head_hash:
        res.add(f"{label}末端", "链尾与记录的链头不符：末尾条目被删除或链头被改动")
    for e in db.session.execute(select(AuditEntry.seq, AuditEntry.id, AuditEntry.case_id).where(
            AuditEntry.agency_id == agency_id, AuditEntry.seq > head_seq).order_by(AuditEntry.seq).limit(MAX_BREAKS)):
        res.add(f"{label}第 {e.seq} 条（id={e.id}）", "链头之后的异常条目：不是本系统追加的（下次追加时将被隔离）",
                e.case_id)
    if cp is not None and head_seq < cp.size:
        res.add(f"{label}末端", f"链只有 {head_seq} 条，短于已签名检查点（{cp.at_text}）的 {cp.size} 条："
                "链尾被截断、链头被回退")
    if not start:
        known = _reanchored(agency_id)
        res.acknowledged = [b for b in res.breaks if str(b) in known]
        res.breaks = [b for b in res.breaks if str(b) not in known]
    return res


def _reanchored(agency_id: int) -> set[str]:
    """Breaks an administrator's recovery (``audit.reanchored``) already sealed: reported once, not for ever."""
    rows = db.session.scalars(select(AuditEntry.detail).where(AuditEntry.agency_id == agency_id,
                                                              AuditEntry.action == Action.AUDIT_REANCHORED))
    breaks = [d.get("breaks") for d in rows if isinstance(d, dict)]
    return {b for listed in breaks if isinstance(listed, list) for b in listed if isinstance(b, str)}


def _grow(res: ChainResult, leaf: bytes, start: int, signed: dict[int, tuple[str, str]]) -> None:
    """Add a leaf; where a checkpoint signed this size (root and time; the walk did not start from it), the roots
    must agree."""
    res.frontier = merkle.push(res.frontier, res.size, leaf)
    res.size += 1
    cp = signed.get(res.size)
    if cp is not None and res.size != start and merkle.frontier_root(res.frontier).hex() != cp[0]:
        res.add(f"机构 {res.agency_id} 审计链第 {res.size} 条",
                f"前 {res.size} 条的根哈希与已签名检查点（{clock.local_text(cp[1])}）不符：此前的历史被改写或条目被删除")


def repair_frontier(res: ChainResult) -> None:
    """Put the recomputed frontier on the head if nothing was appended meanwhile (a damaged head frontier would
    otherwise keep append-time checkpoints from being signed)."""
    db.session.execute(update(AuditHead).where(AuditHead.agency_id == res.agency_id, AuditHead.seq == res.size)
                       .values(frontier=[h.hex() for h in res.frontier]).execution_options(synchronize_session=False))


def _quarantined(agency_id: int) -> dict[int, str]:
    rows = db.session.scalars(select(AuditEntry.detail).where(AuditEntry.agency_id == agency_id,
                                                              AuditEntry.action == Action.AUDIT_QUARANTINED))
    out: dict[int, str] = {}
    for d in rows:
        strays = d.get("strays") if isinstance(d, dict) else None
        for s in strays if isinstance(strays, list) else []:
            if isinstance(s, dict) and isinstance(s.get("seq"), int):
                out[s["seq"]] = str(s.get("hash"))
    return out


def record_hash(r: Record) -> str:
    return sha256_of({"agency": r.agency_id, "case": r.case_id, "task": r.task_id, "kind": r.kind,
                      "version": r.version, "supersedes": r.supersedes_id, "payload": r.payload,
                      "author": r.author_id, "at": r.created_at})
