"""Inclusion proofs for an export package: the audit entries that sealed its recordings (and, for evidence, its
records), each with its RFC 6962 path to a checkpoint signed for the package, and the offline verifier.

A court receives bytes, not a database: ``proofs.json`` and ``verify_package.py`` (standard library only, with its
own Ed25519 check) let it recompute every hash and path and check the signature without this system
(《中华人民共和国档案法》第三十七条: the source of an electronic record must be reliable, its elements complete).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select

from handlers import merkle
from handlers.audit_actions import Action
from webapp.db import db
from webapp.errors import Conflict
from webapp.models import AuditEntry, AuditHead
from webapp.store import checkpoints
from webapp.store.tree import stored_leaves

VERIFIER = Path(__file__).with_name("offline_verifier.py")


def entry_json(e: AuditEntry) -> dict[str, Any]:
    return {"agency_id": e.agency_id, "seq": e.seq, "case_id": e.case_id, "actor_id": e.actor_id, "action": e.action,
            "detail": e.detail, "at": e.at.astimezone(dt.UTC).isoformat(), "prev_hash": e.prev_hash, "hash": e.hash}


def sealing_entries(agency_id: int, case_id: int, media_ids: list[int], with_records: bool) -> list[AuditEntry]:
    """The entries that sealed these recordings (and the case's records)."""
    actions = [Action.MEDIA_UPLOADED, *([Action.RECORD_ADDED] if with_records else [])]
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.agency_id == agency_id, AuditEntry.case_id == case_id,
                                                       AuditEntry.action.in_(actions)).order_by(AuditEntry.seq))
    wanted = set(media_ids)
    return [e for e in rows if e.action == Action.RECORD_ADDED or (e.detail or {}).get("media_id") in wanted]


def bundle(agency_id: int, entries: list[AuditEntry], records_proven: bool) -> dict[str, Any]:
    """Sign a checkpoint of the agency's log as it stands and prove each entry in it.

    The checkpoint must extend the last one signed; if the log was rewritten the export is refused (fails closed).
    """
    head = db.session.get(AuditHead, agency_id)
    if head is None:
        raise Conflict("机构没有审计链，不能出具证明")
    size = head.seq
    tree, paths = merkle.tree_and_paths(stored_leaves(agency_id, 1, size), size, [e.seq - 1 for e in entries])
    try:
        cp = checkpoints.checkpoint_now(agency_id, size, head.hash, tree, note="导出包证明")
    except checkpoints.Inconsistent as exc:
        raise Conflict(f"审计链与已签名检查点不一致，不能出具导出包证明：{exc}") from exc
    return {"format": "liuhen-proofs/1", "checkpoint": cp.to_json(), "records_proven": records_proven,
            "entries": [{"entry": entry_json(e), "index": e.seq - 1,
                         "proof": [p.hex() for p in paths[e.seq - 1]]} for e in entries]}
