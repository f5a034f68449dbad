"""Every sealed table checked in both directions: each row matches the audit entry that sealed it, each such
entry still has its row, and no row exists that no entry sealed.

Archives law counts an electronic record only if its elements are complete (《中华人民共和国档案法》第三十七条),
and fushun-culture 第三十五条（三） holds deleting or altering a record to account: a row deleted from
``records`` is as much a finding as a row altered.  Both sides are streamed in id order — the rows by their
primary key, the sealing entries by the id their detail names (a JSON path, on SQLite and PostgreSQL alike) —
and merged, so memory stays flat however many cases the database holds.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from handlers.audit_actions import Action
from webapp.db import Model, db
from webapp.models import (
    AuditEntry,
    ComplianceException,
    Document,
    FileDisposal,
    IntegrityCheck,
    MediaExplanation,
    MediaExport,
    MediaItem,
    Record,
    RetentionHold,
    SpotCheck,
    row_hash,
)
from webapp.store.audit import Break, record_hash

Check = Callable[[Any, dict[str, Any]], str | None]


@dataclass(frozen=True)
class SealedTable:
    table: str
    model: type[Model]
    actions: tuple[Action, ...]
    id_path: tuple[str, ...]  # where the sealing entry's detail names the row's id
    check: Check  # why the row does not match the entry's detail, or None
    where: Callable[[Any], str]


def _same(*names: str, row_names: tuple[str, ...] | None = None) -> Check:
    def check(row: Any, detail: dict[str, Any]) -> str | None:
        for n, attr in zip(names, row_names or names, strict=True):
            if detail.get(n) != getattr(row, attr):
                return f"与审计链封存的内容不符（{n}）：该行被改动"
        return None
    return check


def _document(row: Document, detail: dict[str, Any]) -> str | None:
    """The PDF's hash, 文号 and version as sealed, and the same source records (by id and kind: their hashes are
    the records' own, checked with the records)."""
    problem = _same("sha256", "number", "version")(row, detail)
    if problem:
        return problem
    sources = detail.get("sources")
    if not isinstance(sources, list) or [s[:2] for s in sources if isinstance(s, list)] != [s[:2] for s in row.sources]:
        return "与审计链封存的内容不符（sources）：该行被改动"
    return None


def _record(row: Record, detail: dict[str, Any]) -> str | None:
    if record_hash(row) != row.content_hash:
        return "内容与哈希不符：记录被改动"
    return None if detail.get("content_hash") == row.content_hash else "审计链中无此记录或哈希不符"


def _row_hash(row: Any, detail: dict[str, Any]) -> str | None:
    if row_hash(row) != row.row_hash:
        return "内容与哈希不符：该行被改动"
    return None if (detail.get("sealed") or {}).get("hash") == row.row_hash else "审计链中无此行或哈希不符"


def _spot_check(row: SpotCheck, detail: dict[str, Any]) -> str | None:
    mine = {"id": row.id, "case_id": row.case_id, "media_id": row.media_id, "checker_id": row.checker_id,
            "at": row.at, "aspects": list(row.aspects), "finding": row.finding, "note": row.note,
            "rectification": row.rectification, "follow_up_of": row.follow_up_of}
    sealed_at = detail.get("at")
    # the moment as an instant: sealed in the offset it was made in, read back from the database in UTC
    at = dt.datetime.fromisoformat(sealed_at) if isinstance(sealed_at, str) else sealed_at
    return _same(*mine)(type("R", (), mine)(), {**detail, "at": at})


def _media(table: str, model: type[Model], action: Action) -> SealedTable:
    return SealedTable(table, model, (action,), ("sealed", "id"), _row_hash, lambda r: f"{table} id={r.id}")


TABLES: tuple[SealedTable, ...] = (
    SealedTable("records", Record, (Action.RECORD_ADDED,), ("record_id",), _record,
                lambda r: f"记录 id={r.id}（{r.kind}）"),
    SealedTable("documents", Document, (Action.DOCUMENT_RENDERED,), ("document_id",),
                _document, lambda r: f"文书 id={r.id}（{r.number}）"),
    _media("media_items", MediaItem, Action.MEDIA_UPLOADED),
    _media("media_explanations", MediaExplanation, Action.MEDIA_EXPLAINED),
    _media("media_holds", RetentionHold, Action.MEDIA_HELD),
    _media("file_disposals", FileDisposal, Action.FILE_DISPOSED),
    _media("media_exports", MediaExport, Action.MEDIA_EXPORTED),
    SealedTable("spot_checks", SpotCheck, (Action.SPOT_CHECK_RECORDED,), ("id",), _spot_check,
                lambda r: f"检查台账 id={r.id}"),
    SealedTable("compliance_exceptions", ComplianceException,
                (Action.COMPLIANCE_EXCEPTION_GRANT, Action.COMPLIANCE_EXCEPTION_REVOKE), ("exception_id",),
                _same("rule_id", "basis", "reason"), lambda r: f"合规例外 id={r.id}"),
    SealedTable("integrity_checks", IntegrityCheck, (Action.INTEGRITY_CHECKED,), ("check_id",),
                _same("problems"), lambda r: f"完整性校验结果 id={r.id}"),
)
MEDIA_TABLES = tuple(t.table for t in TABLES if t.id_path == ("sealed", "id"))
LABELS = {"records": "记录", "documents": "文书", "spot_checks": "检查台账", "compliance_exceptions": "合规例外",
          "integrity_checks": "完整性校验结果"}


def verify_sealed(tables: tuple[str, ...] | None = None) -> list[Break]:
    out: list[Break] = []
    for t in TABLES:
        if tables is None or t.table in tables:
            out.extend(_verify_table(t))
    return out


def verify_records() -> list[Break]:
    return verify_sealed(("records",))


def _entries(t: SealedTable) -> Iterator[tuple[int, Any]]:
    path = t.id_path[0] if len(t.id_path) == 1 else t.id_path
    key = AuditEntry.detail[path].as_integer()
    rows = db.session.execute(
        select(key, AuditEntry.seq, AuditEntry.agency_id, AuditEntry.case_id, AuditEntry.detail)
        .where(AuditEntry.action.in_(t.actions), key.is_not(None)).order_by(key, AuditEntry.id)
        .execution_options(yield_per=2000))
    for row in rows:
        if not isinstance(row.detail, dict):
            continue
        if len(t.id_path) == 2 and (row.detail.get("sealed") or {}).get("table") != t.table:
            continue
        yield row[0], row


def _rows(t: SealedTable) -> Iterator[Any]:
    pk = t.model.__table__.c.id
    yield from db.session.scalars(select(t.model).order_by(pk).execution_options(yield_per=1000))


def _verify_table(t: SealedTable) -> list[Break]:
    """Merge the rows and their sealing entries by id: a row alone is unsealed, an entry alone names a deleted row."""
    out: list[Break] = []
    entries, rows = _entries(t), _rows(t)
    entry, row = next(entries, None), next(rows, None)
    while entry is not None or row is not None:
        if row is None or (entry is not None and entry[0] < row.id):
            assert entry is not None
            e = entry[1]
            out.append(Break(f"{LABELS.get(t.table, t.table)} id={entry[0]}",
                             f"该行已被删除：机构 {e.agency_id} 审计链第 {e.seq} 条封存了它", e.agency_id, e.case_id))
            entry = next(entries, None)
            continue
        detail: dict[str, Any] | None = None
        while entry is not None and entry[0] == row.id:
            detail, entry = entry[1].detail, next(entries, None)  # a re-sealed row: the newest entry counts
        problem = t.check(row, detail) if detail is not None else None
        if detail is None:
            problem = _unsealed(t, row)
        if problem:
            out.append(Break(t.where(row), problem, row.agency_id, getattr(row, "case_id", None)))
        row = next(rows, None)
    return out


def _unsealed(t: SealedTable, row: Any) -> str:
    """A row no entry seals; an altered row is named as altered first, as before."""
    if t.table == "records" and record_hash(row) != row.content_hash:
        return "内容与哈希不符：记录被改动"
    if hasattr(row, "row_hash") and row_hash(row) != row.row_hash:
        return "内容与哈希不符：该行被改动"
    return "未经审计链封存：没有登记它的审计条目（伪造或绕过本系统写入的行）"
