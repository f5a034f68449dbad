"""Every sealed table checked in both directions: each row matches the audit entry that sealed it, each such
entry still has its row, and no row exists that no entry sealed.

Archives law counts an electronic record only if its elements are complete (《中华人民共和国档案法》第三十七条),
and fushun-culture 第三十五条（三） holds deleting or altering a record to account: a row deleted from
``records`` is as much a finding as a row altered.  Both sides are streamed in id order — the rows by their
primary key, the sealing entries by the id their detail names (a JSON path, on SQLite and PostgreSQL alike) —
and merged, so memory stays flat however many cases the database holds.

The default ``verify`` reads only what is new: each table from its watermark (:class:`Mark`), which a verify that
passed sealed into its ``integrity.checked`` entries (:func:`check_table` says what that does and does not see);
``verify --full`` reads every row.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

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
UNSEALED = "未经审计链封存：没有登记它的审计条目（伪造或绕过本系统写入的行）"


@dataclass(frozen=True)
class SealedTable:
    table: str
    model: type[Model]
    actions: tuple[Action, ...]
    id_path: tuple[str, ...]  # where the sealing entry's detail names the row's id
    check: Check  # why the row does not match the entry's detail, or None
    where: Callable[[Any], str]
    files: tuple[str, ...] = ()  # columns naming a stored file (rehashed by an incremental verify when the row is new)


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


def _media(table: str, model: type[Model], action: Action, files: tuple[str, ...] = ()) -> SealedTable:
    return SealedTable(table, model, (action,), ("sealed", "id"), _row_hash, lambda r: f"{table} id={r.id}", files)


TABLES: tuple[SealedTable, ...] = (
    SealedTable("records", Record, (Action.RECORD_ADDED,), ("record_id",), _record,
                lambda r: f"记录 id={r.id}（{r.kind}）"),
    SealedTable("documents", Document, (Action.DOCUMENT_RENDERED,), ("document_id",),
                _document, lambda r: f"文书 id={r.id}（{r.number}）", ("sha256",)),
    _media("media_items", MediaItem, Action.MEDIA_UPLOADED, ("sha256",)),
    _media("media_explanations", MediaExplanation, Action.MEDIA_EXPLAINED, ("voice_sha256",)),
    _media("media_holds", RetentionHold, Action.MEDIA_HELD),
    _media("file_disposals", FileDisposal, Action.FILE_DISPOSED),
    _media("media_exports", MediaExport, Action.MEDIA_EXPORTED, ("package_sha256",)),
    SealedTable("spot_checks", SpotCheck, (Action.SPOT_CHECK_RECORDED,), ("id",), _spot_check,
                lambda r: f"检查台账 id={r.id}"),
    SealedTable("compliance_exceptions", ComplianceException,
                (Action.COMPLIANCE_EXCEPTION_GRANT, Action.COMPLIANCE_EXCEPTION_REVOKE), ("exception_id",),
                _same("rule_id", "basis", "reason"), lambda r: f"合规例外 id={r.id}"),
    SealedTable("integrity_checks", IntegrityCheck, (Action.INTEGRITY_CHECKED,), ("check_id",),
                _same("problems"), lambda r: f"完整性校验结果 id={r.id}"),
)
NAMES = frozenset(t.table for t in TABLES)
MEDIA_TABLES = tuple(t.table for t in TABLES if t.id_path == ("sealed", "id"))
LABELS = {"records": "记录", "documents": "文书", "spot_checks": "检查台账", "compliance_exceptions": "合规例外",
          "integrity_checks": "完整性校验结果"}


@dataclass(frozen=True)
class Mark:
    """A table's watermark from a verify that passed: its highest row id then, how many rows had an id at or below it,
    and the highest audit entry id then (sealing entries after it are "new")."""

    top: int
    count: int
    entry: int

    def to_json(self) -> list[int]:
        return [self.top, self.count, self.entry]

    @classmethod
    def parse(cls, raw: Any) -> Mark | None:
        ok = isinstance(raw, list) and len(raw) == 3 and all(isinstance(n, int) and n >= 0 for n in raw)
        return cls(*raw) if ok else None


@dataclass
class TableCheck:
    """What checking one sealed table found, how (``full`` or from a watermark), and the watermark it may set."""

    table: str
    breaks: list[Break] = field(default_factory=list)
    mark: Mark = Mark(0, 0, 0)
    rows_read: int = 0
    files: set[str] = field(default_factory=set)  # stored files the rows read name (in an incremental run)
    full: bool = True
    why_full: str = ""


def verify_sealed(tables: tuple[str, ...] | None = None) -> list[Break]:
    """Every row of the named tables (all by default) against its seal, in full."""
    return [b for c in check_tables(tables) for b in c.breaks]


def verify_records() -> list[Break]:
    return verify_sealed(("records",))


def check_tables(tables: tuple[str, ...] | None = None, since: dict[str, Mark] | None = None) -> list[TableCheck]:
    """Check the named tables, each from its watermark in ``since`` where there is one, else in full; the files the
    rows read name are collected only with watermarks (an incremental run rehashes them, a full run every file)."""
    return [check_table(t, (since or {}).get(t.table), files=bool(since))
            for t in TABLES if tables is None or t.table in tables]


def check_table(t: SealedTable, since: Mark | None, files: bool = True) -> TableCheck:
    """From a watermark: (a) the rows at or below it still number what they did — a deleted (or inserted) old row
    changes the count, and the table is then checked in full, which names the row; (b) every row above it merged
    with its sealing entries, both ways; (c) every sealing entry written since that names a row at or below it —
    the row must exist and match.  Not seen from a watermark: an old row altered in place (its count unchanged);
    ``verify --full``, which the worker runs daily (``LIUHEN_VERIFY_FULL_MINUTES``), reads every row.

    Only audit entries written since the watermark are read (a range of the primary key): a row above the
    watermark did not exist at the last verify that passed, so an older entry naming it was a finding then."""
    pk = t.model.__table__.c.id
    entry = db.session.scalar(select(func.coalesce(func.max(AuditEntry.id), 0))) or 0
    top = max(int(db.session.scalar(select(func.coalesce(func.max(pk), 0))) or 0), since.top if since else 0)
    total = _count(t)  # all rows (a narrow index suffices), less the few above an id: no range read of old rows
    res = TableCheck(t.table, mark=Mark(top, total - _count(t, top), int(entry)))
    if since is not None:
        old = total - _count(t, since.top)
        if old == since.count:
            res.full = False
        else:
            res.why_full = f"编号 ≤ {since.top} 的行有 {old} 行，上次校验通过时为 {since.count} 行：旧行被删除或插入"
    if res.full:
        merged = _Merge(t, _entries(t), _rows(t), files=files)
        res.breaks, res.rows_read, res.files = merged.breaks, merged.read, merged.files
        return res
    assert since is not None
    merged = _Merge(t, _entries(t, above=since.top, after=since.entry), _rows(t, above=since.top), hold_unsealed=True)
    res.breaks, res.rows_read, res.files = merged.breaks, merged.read, merged.files
    if merged.unsealed:  # its entry may have committed after the last verify read the highest entry id: look it up
        res.breaks += _Merge(t, _entries(t, ids=merged.unsealed), _rows(t, ids=merged.unsealed)).breaks
    resealed = sorted({key for key, _ in _entries(t, after=since.entry, upto=since.top)})
    for ids in _chunks(resealed):  # the newest entry of a row counts, and these are newer than any before them
        merged = _Merge(t, _entries(t, after=since.entry, ids=ids), _rows(t, ids=ids))
        res.breaks += merged.breaks
        res.rows_read += merged.read
        res.files |= merged.files
    return res


def _count(t: SealedTable, above: int | None = None) -> int:
    query = select(func.count()).select_from(t.model.__table__)
    if above is not None:
        query = query.where(t.model.__table__.c.id > above)
    return int(db.session.scalar(query) or 0)


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _key(t: SealedTable) -> Any:
    path = t.id_path[0] if len(t.id_path) == 1 else t.id_path
    return AuditEntry.detail[path].as_integer()


def _entries(t: SealedTable, above: int = 0, after: int = 0, ids: list[int] | None = None,
             upto: int | None = None) -> Iterator[tuple[int, Any]]:
    """Sealing entries in row-id order, naming a row above ``above`` (up to ``upto``) or one of ``ids``, and
    written after entry ``after``."""
    key = _key(t)
    # after an entry id: the action as an expression, so that the planner reads that range of the primary key
    # rather than every entry of the action by its index
    action = (AuditEntry.action + "") if after else AuditEntry.action
    where = [action.in_(t.actions), key.is_not(None), key.in_(ids) if ids is not None else key > above]
    if upto is not None:
        where.append(key <= upto)
    if after:
        where.append(AuditEntry.id > after)
    rows = db.session.execute(
        select(key, AuditEntry.seq, AuditEntry.agency_id, AuditEntry.case_id, AuditEntry.detail)
        .where(*where).order_by(key, AuditEntry.id).execution_options(yield_per=2000))
    for row in rows:
        if not isinstance(row.detail, dict):
            continue
        if len(t.id_path) == 2 and (row.detail.get("sealed") or {}).get("table") != t.table:
            continue
        yield row[0], row


def _rows(t: SealedTable, above: int = 0, ids: list[int] | None = None) -> Iterator[Any]:
    pk = t.model.__table__.c.id
    query = select(t.model).where(pk.in_(ids) if ids is not None else pk > above).order_by(pk)
    yield from db.session.scalars(query.execution_options(yield_per=1000))


class _Merge:
    """Merge the rows and their sealing entries by id: a row alone is unsealed, an entry alone names a deleted row.

    ``hold_unsealed``: keep the ids of unsealed rows aside instead of naming them (the caller looks further).
    ``files``: collect the stored files the rows name (not in a full run: a set as large as the table)."""

    def __init__(self, t: SealedTable, entries: Iterator[tuple[int, Any]], rows: Iterator[Any],
                 hold_unsealed: bool = False, files: bool = True) -> None:
        self.breaks: list[Break] = []
        self.unsealed: list[int] = []
        self.files: set[str] = set()
        self.read = 0
        entry, row = next(entries, None), next(rows, None)
        while entry is not None or row is not None:
            if row is None or (entry is not None and entry[0] < row.id):
                assert entry is not None
                e = entry[1]
                self.breaks.append(Break(f"{LABELS.get(t.table, t.table)} id={entry[0]}",
                                         f"该行已被删除：机构 {e.agency_id} 审计链第 {e.seq} 条封存了它",
                                         e.agency_id, e.case_id))
                entry = next(entries, None)
                continue
            self.read += 1
            if files:
                self.files.update(h for h in (getattr(row, c) for c in t.files) if isinstance(h, str))
            detail: dict[str, Any] | None = None
            while entry is not None and entry[0] == row.id:
                detail, entry = entry[1].detail, next(entries, None)  # a re-sealed row: the newest entry counts
            if detail is None and hold_unsealed and _unsealed(t, row) == UNSEALED:
                self.unsealed.append(row.id)
            elif problem := (t.check(row, detail) if detail is not None else _unsealed(t, row)):
                self.breaks.append(Break(t.where(row), problem, row.agency_id, getattr(row, "case_id", None)))
            row = next(rows, None)


def _unsealed(t: SealedTable, row: Any) -> str:
    """A row no entry seals; an altered row is named as altered first, as before."""
    if t.table == "records" and record_hash(row) != row.content_hash:
        return "内容与哈希不符：记录被改动"
    if hasattr(row, "row_hash") and row_hash(row) != row.row_hash:
        return "内容与哈希不符：该行被改动"
    return UNSEALED
