"""One completion's reading, shared: what the case service loads once and the step's followers reuse.

Completing a task used to cost some 25 SQL statements because the gate, the task index, the deadlines, the
timers and the 案卷评查 each read the case's rows again.  :func:`load` reads the case under its lock together
with all a completion needs — the agency's profile, the compliance exceptions in force, whether the case has
recordings, every record of the case, the head of the agency's audit chain — in one statement; the receivers
of ``signals.task_completed`` take what they need from the :class:`Completion` passed to them and write only
what changed (rows that left the ready state, rows and periods that opened).
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, bindparam, cast, exists, func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from handlers import clock
from handlers.law.base import RuleBase
from handlers.law.facts import FACTS, Fact, StoredRecord, binds, establish
from handlers.roles import CASE_READER_ROLES
from handlers.settings import Settings
from webapp.db import db, json_loads, table
from webapp.engine.runner import Walk
from webapp.errors import Forbidden, NotFound
from webapp.models import (
    Agency,
    AuditEntry,
    AuditHead,
    Case,
    CaseTask,
    ComplianceException,
    MediaExplanation,
    MediaItem,
    Record,
    User,
)
from webapp.store import audit

SEPARATOR, FIELD = "\x1e", "\x1f"


@dataclass(frozen=True)
class Left:
    """A task index row this completion took out of the ready state (``completed`` or ``cancelled``)."""

    id: str
    spec_name: str
    title: str
    state: str
    role: str = ""


@dataclass(frozen=True, slots=True)
class ReadRecord:
    """A record as the read under the lock brings it: its columns, not a mapped object.  The completion only reads
    its records, and building some twenty :class:`Record` objects (instrumented, 10× a plain object) cost a tenth of
    a completion."""

    id: int
    agency_id: int
    case_id: int
    task_id: str
    task_name: str
    kind: str
    version: int
    supersedes_id: int | None
    author_id: int
    content_hash: str
    created_at: dt.datetime
    payload: dict[str, Any]


#: a record stored (mapped) or as a completion read it
AnyRecord = Record | ReadRecord


@dataclass(frozen=True)
class Indexed:
    """A task as the task index holds it (``case_tasks``), written with the workflow state in one transaction."""

    spec_name: str
    title: str
    role: str
    state: str


@dataclass
class Completion:
    case: Case
    settings: Settings
    waived: frozenset[str]
    records: list[ReadRecord]  # every record of the case, oldest first
    has_media: bool
    now: dt.datetime = field(default_factory=clock.now)
    user_id: int | None = None  # who completes the task
    timer_due: dt.datetime | None = None  # the case's case_timers moment before the step (None: no row)
    left: list[Left] = field(default_factory=list)
    added: list[CaseTask] = field(default_factory=list)
    closed: dict[str, Any] = field(default_factory=dict)  # task id → the deadline row this completion closed
    opened: dict[str, dt.datetime] = field(default_factory=dict)  # task id → due moment of a period opened
    ended: dict[str, dt.datetime] = field(default_factory=dict)  # spec name → latest end of its index rows, before
    walked: Walk | None = None  # the workflow's task tree after the step, walked once (:func:`runner.walk`)
    indexed: Indexed | None = None  # the task index's row of the task the request names
    _media: list[tuple[MediaItem, bool]] | None = None

    def task_records(self, task_id: str) -> list[ReadRecord]:
        return [r for r in self.records if r.task_id == task_id]

    def ended_at(self, spec_name: str) -> dt.datetime | None:
        """When the case's task ``spec_name`` last left the ready state (completed or cancelled), this completion's
        step included: what ``max(case_tasks.completed_at)`` reads after the step, without reading it."""
        times = [self.now] if any(row.spec_name == spec_name for row in self.left) else []
        return max([*times, *([self.ended[spec_name]] if spec_name in self.ended else [])], default=None)

    def law(self) -> RuleBase:
        """The rules that bind the agency now (as :func:`webapp.cases.service.binding_law`)."""
        return self.settings.law().without(self.waived)

    def facts(self, names: Iterable[str]) -> dict[str, Fact | None]:
        """:func:`webapp.cases.facts.case_facts` over the records already loaded."""
        names = [n for n in names if n in FACTS]
        if not names:
            return {}
        kinds = {k for n in names for k in (*FACTS[n].proofs, FACTS[n].after) if k}
        stored = [StoredRecord(r.id, r.kind, r.payload, r.task_id) for r in self.records if r.kind in kinds]
        return {n: establish(n, stored) for n in names if binds(n, stored)}

    def media(self, task_id: str, files: Iterable[str]) -> list[tuple[MediaItem, bool]]:
        """The recordings handed over for the task or named by its 音像记录, each with whether a 工作情况说明 was
        filed against it; the case's recordings are read once, and not at all when it has none."""
        if not self.has_media:
            return []
        if self._media is None:
            explained = exists().where(MediaExplanation.media_id == MediaItem.id)
            self._media = [(m, bool(e)) for m, e in db.session.execute(
                select(MediaItem, explained).where(MediaItem.case_id == self.case.id).order_by(MediaItem.id))]
        named = set(files)
        return [(m, e) for m, e in self._media if m.task_id == task_id or m.sha256 in named]


def _waived(packed: str | None) -> frozenset[str]:
    """Rules with an exception in force: the newest grant-or-revoke row of each rule decides (``waived_rules``)."""
    rows = sorted((int(i), rule, action) for action, rule, i in
                  (item.split(FIELD) for item in (packed or "").split(SEPARATOR) if item))
    latest = {rule: action for _, rule, action in rows}
    return frozenset(rule for rule, action in latest.items() if action == "grant")


def _ended(packed: str | None) -> dict[str, dt.datetime]:
    """Spec name → the latest moment one of its index rows left the ready state (a period may run from it)."""
    out: dict[str, dt.datetime] = {}
    for name, at in (item.split(FIELD) for item in (packed or "").split(SEPARATOR) if item):
        moment = dt.datetime.fromisoformat(at)
        moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
        out[name] = max(moment, out.get(name, moment))
    return out


def _moment_text(column: Any, dialect: str) -> Any:
    """A timestamp as ISO text in UTC, whatever the session's DateStyle or TimeZone (PostgreSQL's plain cast to text
    follows both); SQLite stores the text already."""
    if dialect == "sqlite":
        return cast(column, String)
    return func.to_char(func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS.US')


def _extras(case_id: Any, agency_id: Any, dialect: str) -> list[Any]:
    """What a completion reads beside the case row, as scalar subqueries on ``case_id`` and ``agency_id``: the
    agency's profile, its exceptions, whether the case has recordings, the audit head and whether a row sits beyond
    it (a stray: the head is then left to :func:`webapp.store.audit.append`'s usual path), and when each of the case's
    tasks that left the ready state did (a period may run from an earlier step's end), and the index row of the task
    the request names (``task_id``), by which a record's submission knows its task without restoring the workflow."""
    ex, head, task = ComplianceException, AuditHead, CaseTask
    return [
        select(Agency.profile).where(Agency.id == agency_id).scalar_subquery(),
        select(func.aggregate_strings(ex.action + FIELD + ex.rule_id + FIELD + cast(ex.id, String), SEPARATOR))
        .where(ex.agency_id == agency_id).scalar_subquery(),
        exists().where(MediaItem.case_id == case_id),
        *(select(c).where(head.agency_id == agency_id).scalar_subquery() for c in (head.seq, head.hash, head.frontier)),
        exists().where(AuditEntry.agency_id == agency_id, AuditEntry.seq > select(head.seq).where(
            head.agency_id == agency_id).correlate_except(AuditHead).scalar_subquery()),
        select(func.aggregate_strings(task.spec_name + FIELD + _moment_text(task.completed_at, dialect), SEPARATOR))
        .where(task.case_id == case_id, task.completed_at.is_not(None)).scalar_subquery(),
        select(task.spec_name + FIELD + task.title + FIELD + task.role + FIELD + task.state)
        .where(task.case_id == case_id, task.id == bindparam("task_id")).scalar_subquery()]


#: how many columns :func:`_extras` adds after the case's
_EXTRAS = 9

_RECORD_FIELDS = ("id", "agency_id", "case_id", "task_id", "task_name", "kind", "version", "supersedes_id", "author_id",
                  "content_hash")


def _records_json(case_id: Any, dialect: str) -> Any:
    """Every record of the case as one JSON array beside the case's row: SQLite's UPDATE … RETURNING cannot join,
    and on PostgreSQL a join repeated the case's row (its 15 KB workflow state) once per record."""
    pairs = [p for name in _RECORD_FIELDS for p in (name, getattr(Record, name))]
    if dialect == "sqlite":
        return (select(func.json_group_array(func.json_object(*pairs, "created_at", Record.created_at,
                                                              "payload", func.json(Record.payload))))
                .where(Record.case_id == case_id).scalar_subquery())
    return (select(func.json_agg(func.json_build_object(*pairs, "created_at", _moment_text(Record.created_at, dialect),
                                                        "payload", Record.payload)))
            .where(Record.case_id == case_id).scalar_subquery())


def _record(fields: dict[str, Any]) -> ReadRecord:
    """A record read as JSON."""
    at = dt.datetime.fromisoformat(fields.pop("created_at"))
    return ReadRecord(**fields, created_at=at if at.tzinfo else at.replace(tzinfo=dt.UTC))


#: the case's columns, which the read returns first (the mapped attributes bear the columns' names)
_CASE_COLUMNS = tuple(c.name for c in table(Case).columns)


@functools.cache
def _statements(dialect: str) -> tuple[Any, ...]:
    """The read under the lock, built once per dialect with the case's id as a parameter: building it (a dozen
    subqueries) cost more than running it, and a statement built once keeps its cache key.  It is a statement on the
    tables, not on the mapped classes: the ORM's handling of it cost twice the statement (:func:`_case`)."""
    case_id: Any = bindparam("case_id")
    t = table(Case)
    if dialect == "sqlite":
        # RETURNING names columns without their table: the subqueries name the case's explicitly
        me: Any = literal_column("cases.id")
        agency: Any = literal_column("cases.agency_id")
        extras = _extras(me, agency, dialect)
        assert len(extras) == _EXTRAS
        return (update(t).where(t.c.id == case_id).values(id=t.c.id)
                .returning(*t.columns, *extras, _records_json(me, dialect)),)
    extras = _extras(t.c.id, t.c.agency_id, dialect)
    assert len(extras) == _EXTRAS
    seen = table(Case).alias("seen")  # the revision as the statement's snapshot saw it (:func:`_settled`)
    query = select(*t.columns, *extras, _records_json(t.c.id, dialect),
                   select(seen.c.revision).where(seen.c.id == case_id).scalar_subquery()).where(t.c.id == case_id)
    return (query.with_for_update(of=t, skip_locked=True), query.with_for_update(of=t),
            select(t.c.id).where(t.c.id == case_id).with_for_update())


def _case(row: Any) -> Case:
    """The case of the read's row as the session's object, its columns as committed values (what loading it with
    ``populate_existing`` did, without the ORM's statement handling): the object the session holds is refreshed, or a
    new one joins the session as loaded."""
    values = dict(zip(_CASE_COLUMNS, row, strict=False))
    held = db.session.identity_map.get(identity_key(Case, (values["id"],)))
    if held is None:
        case = Case(**values)
        make_transient_to_detached(case)
        db.session.add(case)
        return case
    for key, value in values.items():
        set_committed_value(held, key, value)
    return held


def _read(case_id: int, task_id: str) -> tuple[Case, list[Any], list[ReadRecord]] | None:
    """The case, locked, with the extras and its records: SQLite's no-op UPDATE takes the database's write lock and
    returns it all (a racing request waits, then reads what the first wrote); PostgreSQL locks the case's row."""
    dialect = db.session.get_bind().dialect.name
    params = {"case_id": case_id, "task_id": task_id}
    connection = db.session.connection()
    if dialect == "sqlite":
        (locking,) = _statements(dialect)
        row = connection.execute(locking, params).first()
    else:
        skipping, waiting, exists_locked = _statements(dialect)
        # SKIP LOCKED: a statement that waited for the lock would return the case as its holder left it but the
        # records and the head as they were before; when another request holds the case, wait for it first, then
        # read afresh
        row = connection.execute(skipping, params).first()
        if row is None and connection.execute(exists_locked, params).first() is not None:
            row = connection.execute(waiting, params).first()
        row = _settled(connection, row, waiting, params)
    if row is None:
        return None
    end = len(_CASE_COLUMNS) + _EXTRAS  # then the records, then PostgreSQL's seen revision
    listed = json_loads(row[end]) if isinstance(row[end], str) else row[end]  # SQLite returns the text
    records = sorted((_record(f) for f in listed or ()), key=lambda r: r.id)
    return _case(row), list(row[len(_CASE_COLUMNS):end]), records


def _settled(connection: Any, row: Any, again: Any, params: Mapping[str, Any]) -> Any:
    """The row of PostgreSQL's read under the lock, read again when it is not one moment's: a request holding the case
    that committed after the statement's snapshot was taken but before the statement reached the row makes PostgreSQL
    lock and return the row as committed (EvalPlanQual) while the subqueries beside it — the records, the audit
    head — still read the snapshot, so a record stored meanwhile would be missing from the gate's view.  Every request
    that writes under the case lock bumps its revision, so the row's revision differing from the snapshot's (the last
    column) shows it; the lock is then held, and a new statement takes a snapshot that includes that commit."""
    if row is None or row[-1] == row.revision:
        return row
    return connection.execute(again, params).first()


def load(case_id: int, user: User, task_id: str = "") -> Completion:
    """The case locked for the transaction and everything a completion (or a record's submission) for ``task_id``
    reads, in one statement.

    The audit head is noted as read (:func:`webapp.store.audit.saw_head`): under SQLite's write lock it is the head,
    on PostgreSQL it is taken at the end only if nobody moved it meanwhile.
    """
    found = _read(case_id, task_id)
    if found is None:
        raise NotFound(f"案件 {case_id} 不存在")
    case, (profile, waived, media, seq, head, frontier, strays, ended, indexed), records = found
    if case.agency_id != user.agency_id:
        raise Forbidden(f"案件 {case_id} 不属于您所在的机构，无权访问")
    if not user.has_any(*CASE_READER_ROLES):
        raise Forbidden("您的角色无权查看案件数据（流程设计人员只接触流程图，司法局执法监督人员只查看统计数据）")
    if seq is not None and not strays:
        audit.saw_head(case.agency_id, seq, head, frontier, held=db.session.get_bind().dialect.name == "sqlite")
    return Completion(case=case, settings=Settings.of(profile), waived=_waived(waived), has_media=bool(media),
                      records=records, ended=_ended(ended),
                      indexed=Indexed(*indexed.split(FIELD)) if indexed else None)


def upsert(model: Any, values: Mapping[str, Any], keys: list[str], update: Mapping[str, Any]) -> None:
    """One INSERT … ON CONFLICT DO UPDATE (SQLite and PostgreSQL alike) instead of a read and a write."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(model).values(**values)
    db.session.execute(stmt.on_conflict_do_update(index_elements=keys, set_=dict(update)),
                       execution_options={"synchronize_session": False})
