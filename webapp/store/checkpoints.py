"""Signed checkpoints of each agency's Merkle tree, written where the database administrator cannot rewrite them.

A checkpoint says "agency A's log had N entries, root R, last entry hash H, at time T", signed with the
Ed25519 key kept outside the database (:mod:`webapp.store.keys`), and carries a consistency proof from the
checkpoint before it.  It is written once to the file store's log area (``logs/checkpoints/<agency>/<N>.json``
— a local file created exclusively, or an S3 object put with If-None-Match, which Object Lock keeps), after
the transaction that made it commits, at least every ``LIUHEN_CHECKPOINT_EVERY`` entries or
``LIUHEN_CHECKPOINT_MINUTES`` minutes, and at every ``flask liuhen verify``.  Truncating the log, rewriting
its history or appending without the key then all fail against the last checkpoint; a witness (the
supervising 司法局's instance, :mod:`webapp.store.witness`) keeps counter-signed copies.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from typing import Any

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from handlers import clock, merkle
from handlers.hashing import canonical
from webapp import store
from webapp.db import db
from webapp.store.keys import Keyring, keyring, verify_signature
from webapp.store.tree import stored_leaves

FORMAT = "liuhen-checkpoint/1"
PENDING = "liuhen.checkpoints"
CACHE = "liuhen.last_checkpoints"


@dataclass(frozen=True)
class Checkpoint:
    agency_id: int
    size: int
    root: str
    head: str
    frontier: list[str]
    at: str
    kid: str
    public_key: str
    previous: dict[str, Any] | None
    note: str | None = None
    signature: str = ""
    format: str = FORMAT

    def body(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "signature"}

    def signed_bytes(self) -> bytes:
        return canonical(self.body()).encode("utf-8")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def at_text(self) -> str:
        return clock.local_text(self.at)

    @classmethod
    def parse(cls, data: bytes | str | dict[str, Any]) -> Checkpoint:
        raw = data if isinstance(data, dict) else json.loads(data)
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise ValueError("不是留痕检查点")
        try:
            return cls(**raw)
        except TypeError as exc:
            raise ValueError(f"检查点字段不全或多余：{exc}") from exc


def problem(cp: Checkpoint, ring: Keyring | None = None) -> str | None:
    """Why ``cp`` cannot be trusted (unknown key, bad signature, a frontier that does not make its root), or None."""
    if ring is not None and (cp.kid not in ring.by_kid or ring.by_kid[cp.kid].public_hex != cp.public_key):
        return f"检查点（{cp.size} 条）的签名密钥 {cp.kid} 不是本系统的密钥：伪造的检查点"
    if not verify_signature(cp.public_key, cp.signature, cp.signed_bytes()):
        return f"检查点（{cp.size} 条）签名无效：检查点被改动或伪造"
    try:
        frontier = [bytes.fromhex(h) for h in cp.frontier]
    except ValueError:
        return f"检查点（{cp.size} 条）的紧凑范围无法解析"
    if len(frontier) != cp.size.bit_count() or merkle.frontier_root(frontier).hex() != cp.root:
        return f"检查点（{cp.size} 条）的紧凑范围与根哈希不符"
    return None


def name(agency_id: int, size: int) -> str:
    return f"checkpoints/{agency_id:08d}/{size:012d}.json"


def sign(agency_id: int, size: int, head: str, tree: list[bytes], previous: dict[str, Any] | None,
         note: str | None = None) -> Checkpoint:
    key = keyring().current
    cp = Checkpoint(agency_id=agency_id, size=size, root=merkle.frontier_root(tree).hex(), head=head,
                    frontier=[h.hex() for h in tree], at=clock.now().isoformat(), kid=key.kid,
                    public_key=key.public_hex, previous=previous, note=note)
    return Checkpoint(**{**cp.to_json(), "signature": key.sign(cp.signed_bytes())})


def write(cp: Checkpoint) -> None:
    """Write once (a checkpoint of the same size already there is kept) and remember it as the agency's latest."""
    store.current().put_log(name(cp.agency_id, cp.size), json.dumps(cp.to_json(), ensure_ascii=False).encode())
    cache = current_app.extensions.setdefault(CACHE, {})
    if cp.agency_id not in cache or cache[cp.agency_id].size <= cp.size:
        cache[cp.agency_id] = cp


def stored(agency_id: int) -> list[str]:
    return store.current().log_names(f"checkpoints/{agency_id:08d}/")


def load(key: str) -> Checkpoint | None:
    data = store.current().get_log(key)
    return Checkpoint.parse(data) if data is not None else None


def latest_good(agency_id: int, ring: Keyring) -> tuple[Checkpoint | None, str | None]:
    """The newest checkpoint that checks out, and the problem of any newer one that did not."""
    first_problem = None
    for key in reversed(stored(agency_id)):
        try:
            cp = load(key)
        except ValueError as exc:
            first_problem = first_problem or f"检查点 {key} 无法解析（{exc}）"
            continue
        why = problem(cp, ring) if cp is not None else "检查点缺失"
        if cp is not None and cp.agency_id != agency_id:
            why = f"检查点 {key} 属于机构 {cp.agency_id}"
        if why is None:
            return cp, first_problem
        first_problem = first_problem or why
    return None, first_problem


def all_good(agency_id: int, ring: Keyring) -> tuple[dict[int, tuple[str, str]], Checkpoint | None, list[str]]:
    """Every stored checkpoint of the agency that checks out — only its root and time, by size: checkpoints come every
    thousand entries and every few minutes, tens of thousands in a few years, never all held parsed — the newest of
    them, and the problems of those that do not."""
    good: dict[int, tuple[str, str]] = {}
    newest: Checkpoint | None = None
    problems: list[str] = []
    for key in stored(agency_id):
        try:
            cp = load(key)
        except ValueError as exc:
            problems.append(f"检查点 {key} 无法解析（{exc}）")
            continue
        why = problem(cp, ring) if cp is not None else "检查点缺失"
        if why is None and cp is not None:
            good[cp.size] = (cp.root, cp.at)
            newest = cp if newest is None or cp.size >= newest.size else newest
        else:
            problems.append(why or key)
    return good, newest, problems


def last_known(agency_id: int) -> Checkpoint | None:
    cache = current_app.extensions.setdefault(CACHE, {})
    if agency_id not in cache:
        cp, _ = latest_good(agency_id, keyring())
        if cp is None:
            return None
        cache[agency_id] = cp
    last: Checkpoint = cache[agency_id]
    return last


def consistency_from(last: Checkpoint | None, size: int, agency_id: int) -> dict[str, Any] | None:
    """The proof that the tree of ``size`` entries extends ``last``: old ranges from its frontier, the new ones from
    the new leaves streamed once (a million of them after a bulk load, never held)."""
    if last is None or not 0 < last.size < size:
        return None
    db.session.flush()  # a completion appends under no_autoflush: its entry must be read as a leaf, not as missing
    try:
        proof = merkle.consistency_proof_streamed([bytes.fromhex(h) for h in last.frontier], last.size, size,
                                                  stored_leaves(agency_id, last.size + 1, size))
    except ValueError:
        return None
    return {"size": last.size, "root": last.root, "proof": [p.hex() for p in proof]}


class Inconsistent(ValueError):
    """The tree to be signed does not extend the last signed one: the log was truncated or its history rewritten."""


def extending(agency_id: int, size: int, tree: list[bytes]) -> dict[str, Any] | None:
    """The consistency proof from the agency's last checkpoint to this tree, checked; :class:`Inconsistent` if none holds.

    Signing only trees that provably extend the last signed one is what keeps a rewritten history (with the
    head's frontier recomputed to match) from being laundered into a new checkpoint: the system fails closed.
    """
    last = last_known(agency_id)
    if last is None:
        return None
    root = merkle.frontier_root(tree)
    if last.size == size and last.root == root.hex():
        return {"size": last.size, "root": last.root, "proof": []}
    previous = consistency_from(last, size, agency_id)
    if previous is None or not merkle.verify_consistency(last.size, size, bytes.fromhex(last.root), root,
                                                         [bytes.fromhex(p) for p in previous["proof"]]):
        raise Inconsistent(f"机构 {agency_id} 的审计日志（{size} 条）不是已签名检查点（{last.size} 条，{last.at_text}）"
                           "的延续：链尾被截断或历史被改写，停止签发检查点，请运行 flask liuhen verify")
    return previous


def after_append(agency_id: int, seq: int, head: str, tree: list[bytes]) -> None:
    """Sign a checkpoint when one is due; it is written after the transaction commits (and dropped if it rolls back)."""
    pending: dict[int, Checkpoint] = db.session.info.setdefault(PENDING, {})
    every = int(current_app.config.get("LIUHEN_CHECKPOINT_EVERY", 1000))
    if agency_id in pending and seq % every:
        return
    last = last_known(agency_id)
    minutes = float(current_app.config.get("LIUHEN_CHECKPOINT_MINUTES", 10))
    if last is not None and seq % every and clock.now() - dt.datetime.fromisoformat(last.at) < dt.timedelta(minutes=minutes):
        return
    try:
        pending[agency_id] = sign(agency_id, seq, head, tree, extending(agency_id, seq, tree))
    except Inconsistent as exc:
        current_app.logger.error("%s", exc)


def checkpoint_now(agency_id: int, size: int, head: str, tree: list[bytes], note: str | None = None,
                   reanchored: bool = False) -> Checkpoint:
    """Sign and write a checkpoint of a tree ``verify`` recomputed (never of the head's stored frontier).

    ``reanchored``: the recovery after an incident, which by definition does not extend the last checkpoint.
    """
    previous = None if reanchored else extending(agency_id, size, tree)
    cp = sign(agency_id, size, head, tree, previous, note)
    write(cp)
    return cp


@event.listens_for(Session, "after_commit")
def _write_pending(session: Session) -> None:
    for cp in session.info.pop(PENDING, {}).values():
        try:
            write(cp)
        except Exception:  # noqa: BLE001 - the commit stands; the next checkpoint (or verify) anchors these entries
            current_app.logger.exception("检查点（机构 %s，%s 条）写入失败", cp.agency_id, cp.size)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction: Any) -> None:
    session.info.pop(PENDING, None)
