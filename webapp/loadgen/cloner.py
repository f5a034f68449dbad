"""Bulk copies of real template cases, for load tests: every table with a ``case_id`` column, generically.

Walking 100,000 cases through the engine would take hours, so ``flask liuhen generate-cases`` walks a
handful of template cases for real (:mod:`webapp.case_templates`) and copies them here.  Nothing is
specific to a table: the tables are read from ``db.metadata`` (a table added later is copied too) and
each column is treated by what it is —

- an integer primary key gets a new id; a string primary key a new random one;
- a foreign key to a copied table follows its row's new id; one to ``users`` may move to another officer;
- a UTC timestamp is shifted by the copy's age, and so is every ISO timestamp inside JSON and the case
  state (timers stay consistent with ``case_timers``);
- every UUID anywhere (the workflow's task ids in the state, ``case_tasks``, records, deadlines, media…)
  is replaced by a new one, consistently within the copy;
- ids inside JSON (audit details, manifests) follow the same maps, by key: ``<x>_id`` / ``<x>_ids``
  named like a foreign-key column, ``record_id``, ``{"table": t, "id": n}``, and the ``[id, …]`` rows of
  ``records`` / ``sources``;
- a unique constraint the copy would collide on (a 文书's 文号) gets the copy's tag on its first text column
  (:func:`tagged`);
- rows sealed by a hash (records' ``content_hash``, ``row_hash`` columns) are hashed again by the
  application's own functions, and audit entries are appended to the agency's chain with
  :func:`webapp.audit.entry_hash`, so ``flask liuhen verify`` passes afterwards.

Stored files are not copied: a copy refers to the template's bytes by the same SHA-256.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from handlers import merkle
from webapp.db import Model, db
from webapp.models import AuditEntry, Record, UTCDateTime, row_hash
from webapp.store import audit
from webapp.store.keys import keyring
from webapp.store.tree import leaf_of

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ISO_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)")
AUDIT = "audit_entries"
#: JSON keys naming ids that no foreign-key column is named after (the audit details' conventions)
EXTRA_KEYS = {"record_id": "records"}
ROW_KEYS = {"records": "records", "sources": "records"}  # lists of [id, …] rows


@dataclass
class Columns:
    """How each column of one copied table is rewritten."""

    table: sa.Table
    pk: str | None  # a primary key that is not a foreign key
    pk_kind: str  # "int" | "str" | ""
    pk_length: int
    refs: dict[str, str]  # column → copied table whose id it holds
    users: list[str]
    times: list[str]
    texts: list[str]
    jsons: list[str]
    hashed: tuple[str, Callable[[Any], str]] | None
    vary: list[str] = field(default_factory=list)  # text columns a unique constraint needs varied


@dataclass
class Copy:
    """One copy of a template: its age, names and officers."""

    template_id: int
    shift: dt.timedelta
    title: str
    party_name: str
    users: dict[int, int]
    tag: str = ""
    case_id: int = 0  # the copy's own case id, once written


@dataclass
class Maps:
    """Old → new values of one copy: ids per table, UUIDs and exact strings (titles, hashes, 文号)."""

    ids: dict[str, dict[Any, Any]] = field(default_factory=lambda: defaultdict(dict))
    uuids: dict[str, str] = field(default_factory=dict)
    strings: dict[str, str] = field(default_factory=dict)


def copied_tables() -> list[sa.Table]:
    """``cases`` and every table with a ``case_id`` column, parents before children, the audit chain last."""
    tables = [t for t in db.metadata.sorted_tables if t.name == "cases" or "case_id" in t.c]
    return [t for t in tables if t.name != AUDIT] + [t for t in tables if t.name == AUDIT]


def _hasher(table: sa.Table) -> tuple[str, Callable[[Any], str]] | None:
    """The application's own hash of a sealed row: records by :func:`audit.record_hash`, ``row_hash`` rows
    by the hash of their model's module (``webapp.models.media.row_hash`` and any table sealed the same way)."""
    if table.name == Record.__tablename__:
        # record_hash reads only the row's attributes, which the namespace has
        return "content_hash", lambda values: audit.record_hash(cast(Record, SimpleNamespace(**values)))
    if "row_hash" in table.c:
        model = _model_of(table)
        return "row_hash", lambda values: row_hash(model(**values))
    return None


def _model_of(table: sa.Table) -> type:
    return next(m.class_ for m in Model.registry.mappers if m.local_table is table)


def plan(tables: list[sa.Table]) -> dict[str, Columns]:
    """How to rewrite each column of each copied table, read from the column's type and foreign key."""
    names = {t.name for t in tables}
    out: dict[str, Columns] = {}
    for t in tables:
        refs, users, times, texts, jsons = {}, [], [], [], []
        for c in t.c:
            target = next(iter(c.foreign_keys)).column.table.name if c.foreign_keys else None
            if target in names:
                refs[c.name] = target
            elif target == "users":
                users.append(c.name)
            elif isinstance(c.type, UTCDateTime):
                times.append(c.name)
            elif isinstance(c.type, sa.JSON):
                jsons.append(c.name)
            elif isinstance(c.type, (sa.String, sa.Text)) and target is None:
                texts.append(c.name)
        pk = [c for c in t.primary_key.columns if not c.foreign_keys]
        kind = "" if not pk else "int" if isinstance(pk[0].type, sa.Integer) else "str"
        hashed = _hasher(t)
        skip = {pk[0].name} if pk else set()
        skip |= {hashed[0]} if hashed else set()
        if t.name == AUDIT:
            skip |= {"seq", "hash", "prev_hash"}
        out[t.name] = Columns(t, pk[0].name if pk else None, kind, getattr(pk[0].type, "length", 0) or 32 if pk else 0,
                              refs, users, times, [c for c in texts if c not in skip], jsons, hashed)
    return out


def key_tables(columns: dict[str, Columns]) -> dict[str, str]:
    """JSON key → copied table, from the foreign-key column names (ambiguous names are left out)."""
    seen: dict[str, set[str]] = defaultdict(set)
    for cols in columns.values():
        for name, target in cols.refs.items():
            seen[name].add(target)
    return {**{k: next(iter(v)) for k, v in seen.items() if len(v) == 1}, **EXTRA_KEYS}


def mark_unique(columns: dict[str, Columns], templates: dict[str, dict[int, list[dict]]]) -> None:
    """Find unique constraints no rewritten column keeps apart; vary their first text column in copies."""
    for name, cols in columns.items():
        if name == AUDIT:
            continue
        rows = [r for per_case in templates.get(name, {}).values() for r in per_case]
        if not rows:
            continue
        t = cols.table
        groups = [[c.name for c in u.columns] for u in t.constraints if isinstance(u, sa.UniqueConstraint)]
        groups += [[c.name for c in i.columns] for i in t.indexes if i.unique]
        groups += [[c.name] for c in t.c if c.unique]
        for group in groups:
            if any(_rewritten(cols, c, rows) for c in group):
                continue
            text = next((c for c in group if c in cols.texts), None)
            if text is None:
                raise RuntimeError(f"表 {name} 的唯一约束 {group} 无法在复制时区分")
            cols.vary.append(text)


def _rewritten(cols: Columns, column: str, rows: list[dict[str, Any]]) -> bool:
    if column == cols.pk or column in cols.refs or column in cols.times:
        return True
    values = [r[column] for r in rows if r[column] is not None]
    return bool(values) and all(isinstance(v, str) and UUID_RE.fullmatch(v) for v in values)


Op = Callable[["Rewriter"], Any]


def tagged(value: str, tag: str) -> str:
    """``value`` made the copy's own: the tag joins its first part, before any ``·``, so values that share that
    part in the template (a case's 案号, which its 笔录 and 审批表 numbers start with) share it in the copy too,
    and a copied case that goes on numbers its next 文书 under its own 案号."""
    head, sep, rest = value.partition("·")
    return f"{head}-{tag}{sep}{rest}"


class Rewriter:
    """One copy's state while its rows are written: the copy and its maps (filled as rows are written)."""

    def __init__(self, copy: Copy, maps: Maps) -> None:
        self.copy, self.maps = copy, maps
        self.delta = dt.timedelta(seconds=int(copy.shift.total_seconds()))

    def uuid(self, old: str) -> str:
        new = self.maps.uuids.get(old)
        if new is None:
            new = self.maps.uuids[old] = str(uuid.uuid4())
        return new

    def id_in(self, table: str, value: Any) -> Any:
        if table == "users":
            return self.copy.users.get(value, value)
        return self.maps.ids[table].get(value, value)


@dataclass
class Recipe:
    """A template row compiled once: the values every copy shares, and how to make the others per copy."""

    pk: Any
    const: dict[str, Any]
    ops: list[tuple[str, Op]]


TOKEN_RE = re.compile(f"(?P<u>{UUID_RE.pattern})|(?P<t>{ISO_RE.pattern})")


def _moved(when: dt.datetime, zulu: bool) -> Op:
    def op(rw: Rewriter) -> str:
        text = (when + rw.delta).isoformat()
        return text.replace("+00:00", "Z") if zulu else text
    return op


class Compiler:
    """Compiles template values into :class:`Recipe` ops, so a copy only touches what differs."""

    def __init__(self, keys: dict[str, str], mapped: set[str]) -> None:
        self.keys, self.mapped = keys, mapped

    def text(self, value: Any) -> Op | None:
        if not isinstance(value, str):
            return None
        if value in self.mapped:
            return lambda rw: rw.maps.strings.get(value, value)
        if len(value) < 19:
            return None
        parts: list[str | Op] = []
        pos = 0
        for m in TOKEN_RE.finditer(value):
            parts.append(value[pos:m.start()])
            old = m.group()
            parts.append(cast(Op, lambda rw, old=old: rw.uuid(old)) if m.group("u")
                         else _moved(dt.datetime.fromisoformat(old), old.endswith("Z")))
            pos = m.end()
        if not parts:
            return None
        parts.append(value[pos:])
        return lambda rw: "".join(p if isinstance(p, str) else p(rw) for p in parts)

    def json(self, value: Any, key: str | None = None) -> Op | None:
        if isinstance(value, dict):
            return self._dict(value)
        if isinstance(value, list):
            return self._list(value, key)
        if isinstance(value, int) and not isinstance(value, bool) and key is not None:
            table = "users" if key == "user_id" or key.endswith("_by") else self.keys.get(key)
            return (lambda rw: rw.id_in(table, value)) if table else None
        return self.text(value)

    def _dict(self, value: dict[str, Any]) -> Op | None:
        found = {k: self.json(v, k) for k, v in value.items()}
        table = value.get("table")
        if isinstance(table, str) and isinstance(value.get("id"), int):
            found["id"] = lambda rw: rw.id_in(table, value["id"])
        ops = {k: op for k, op in found.items() if op is not None}
        if not ops:
            return None

        def op(rw: Rewriter) -> dict[str, Any]:
            out = dict(value)
            for k, f in ops.items():
                out[k] = f(rw)
            return out
        return op

    def _list(self, value: list[Any], key: str | None) -> Op | None:
        if key in ROW_KEYS:
            ops = [self._row_ref(ROW_KEYS[key], v) for v in value]
        else:
            ops = [self.json(v, key[:-1] if key and key.endswith("_ids") else None) for v in value]
        if not any(ops):
            return None
        return lambda rw: [v if f is None else f(rw) for v, f in zip(value, ops, strict=False)]

    def _row_ref(self, table: str, v: Any) -> Op | None:
        if not (isinstance(v, list) and v and isinstance(v[0], int)):
            return self.json(v)
        rest = self.json(v[1:])
        return lambda rw: [rw.id_in(table, v[0]), *(v[1:] if rest is None else rest(rw))]

    def row(self, cols: Columns, row: dict[str, Any]) -> Recipe:
        ops: list[tuple[str, Op]] = []
        name = cols.table.name
        if cols.pk:
            ops.append((cols.pk, cast(Op, lambda rw, v=row[cols.pk]: rw.maps.ids[name][v])))
        for c, target in cols.refs.items():
            if row[c] is not None:
                ops.append((c, cast(Op, lambda rw, t=target, v=row[c]: rw.maps.ids[t].get(v, v))))
        for c in cols.users:
            if row[c] is not None:
                ops.append((c, cast(Op, lambda rw, v=row[c]: rw.copy.users.get(v, v))))
        for c in cols.times:
            if row[c] is not None:
                ops.append((c, cast(Op, lambda rw, v=row[c]: v + rw.delta)))
        for c in cols.vary:
            if row[c] is not None:
                ops.append((c, cast(Op, lambda rw, v=row[c]: rw.maps.strings.setdefault(v, tagged(v, rw.copy.tag)))))
        for c in cols.texts:
            op = None if c in cols.vary else self.text(row[c])
            if op is not None:
                ops.append((c, op))
        for c in cols.jsons:
            op = self.json(row[c], c)  # the column name keys it as in JSON: sources rows, media_ids
            if op is not None:
                ops.append((c, op))
        return Recipe(row[cols.pk] if cols.pk else None, row, ops)


def compile_templates(columns: dict[str, Columns], keys: dict[str, str],
                      templates: dict[str, dict[int, list[dict]]]) -> dict[str, dict[int, list[Recipe]]]:
    """Every template row as a recipe.  Strings a copy replaces whole — titles, parties, old hashes, values
    varied for a unique constraint — are known here, so only they are looked up per copy."""
    mapped = {v for case in templates["cases"].values() for r in case for v in (r["title"], r["party_name"])}
    for name, cols in columns.items():
        wanted = [cols.hashed[0]] if cols.hashed else []
        for row in (r for case in templates[name].values() for r in case):
            mapped |= {row[c] for c in [*wanted, *cols.vary] if row[c] is not None}
    compiler = Compiler(keys, mapped)
    return {name: {cid: [compiler.row(columns[name], r) for r in rows] for cid, rows in per_case.items()}
            for name, per_case in templates.items()}


def assign_ids(cols: Columns, recipes: list[Recipe], maps: Maps, pool: Iterator[int]) -> None:
    """Give every row of ``cols`` a new primary key before anything refers to it."""
    ids = maps.ids[cols.table.name]
    for rec in recipes:
        if cols.pk_kind == "int":
            ids[rec.pk] = next(pool)
        elif cols.pk_kind == "str":
            ids[rec.pk] = uuid.uuid4().hex[:cols.pk_length] if cols.pk_length < 36 else str(uuid.uuid4())


def rewrite(cols: Columns, rec: Recipe, rw: Rewriter) -> dict[str, Any]:
    """A template row as the copy's row (the hash column, if any, computed from the rewritten values)."""
    out = dict(rec.const)
    for c, op in rec.ops:
        out[c] = op(rw)
    if cols.hashed:
        name, fn = cols.hashed
        out[name] = fn({k: v for k, v in out.items() if k != name})
        rw.maps.strings[rec.const[name]] = out[name]
    return out


def template_rows(conn: Connection, tables: list[sa.Table], case_ids: list[int]) -> dict[str, dict[int, list[dict]]]:
    """The rows of the template cases, per table and case, in primary-key (audit: chain) order."""
    out: dict[str, dict[int, list[dict]]] = {}
    for t in tables:
        key = t.c.id if t.name == "cases" else t.c.case_id
        order = t.c.seq if t.name == AUDIT else list(t.primary_key.columns)
        query = sa.select(t).where(key.in_(case_ids)).order_by(*(order if isinstance(order, list) else [order]))
        per_case: dict[int, list[dict]] = {cid: [] for cid in case_ids}
        for row in conn.execute(query).mappings():
            per_case[row[key.name]].append(dict(row))
        out[t.name] = per_case
    return out


def reserve_ids(conn: Connection, table: sa.Table, column: str, n: int) -> Iterator[int]:
    """``n`` new ids for ``table``: from its sequence on PostgreSQL; above the highest on SQLite, whose
    writer holds the database lock (the chain head was updated first) until the batch commits."""
    if n == 0:
        return iter(())
    if conn.dialect.name == "postgresql":
        seq = conn.scalar(sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column})
        return iter(conn.scalars(sa.text("SELECT nextval(:s) FROM generate_series(1, :n)"), {"s": seq, "n": n}).all())
    top = conn.scalar(sa.select(sa.func.max(table.c[column]))) or 0
    return iter(range(top + 1, top + n + 1))


def build_order(columns: dict[str, Columns]) -> list[str]:
    """Sealed tables first, so that the hashes other rows cite (文书 sources, audit details) are known; the chain last."""
    names = [n for n in columns if n != AUDIT]
    return sorted(names, key=lambda n: columns[n].hashed is None) + [n for n in columns if n == AUDIT]


def copy_batch(conn: Connection, columns: dict[str, Columns], recipes: dict[str, dict[int, list[Recipe]]],
               copies: list[Copy], agency_id: int) -> dict[str, int]:
    """Insert ``copies`` in one transaction: new ids, rewritten rows, and their audit entries on the agency's chain.

    The chain head is updated first, which locks it (and, on SQLite, the database) until the caller commits."""
    head = db.metadata.tables["audit_heads"]
    seq, prev, frontier = conn.execute(sa.update(head).where(head.c.agency_id == agency_id).values(seq=head.c.seq)
                                       .returning(head.c.seq, head.c.hash, head.c.frontier)).one()
    ring, tree = keyring(), [bytes.fromhex(h) for h in frontier or []]
    # pk_kind is "int" only for a table with its own primary key
    pools = {n: reserve_ids(conn, c.table, cast(str, c.pk), sum(len(recipes[n][k.template_id]) for k in copies))
             for n, c in columns.items() if c.pk_kind == "int"}
    out: dict[str, list[dict[str, Any]]] = {n: [] for n in columns}
    for copy in copies:
        maps = Maps()
        for n, cols in columns.items():
            assign_ids(cols, recipes[n][copy.template_id], maps, pools.get(n, iter(())))
        template_case = recipes["cases"][copy.template_id][0].const
        copy.case_id = maps.ids["cases"][copy.template_id]
        copy.tag = f"G{copy.case_id}"
        maps.strings.update({template_case["title"]: copy.title, template_case["party_name"]: copy.party_name})
        rw = Rewriter(copy, maps)
        for n in build_order(columns):
            for rec in recipes[n][copy.template_id]:
                new = rewrite(columns[n], rec, rw)
                if n == AUDIT:
                    seq, new["prev_hash"] = seq + 1, prev
                    new["seq"] = seq
                    # entry_hash reads only the entry's attributes, which the namespace has
                    new["hash"] = prev = audit.entry_hash(cast(AuditEntry, SimpleNamespace(**new)))
                    new["mac"] = ring.current.mac(prev)
                    tree = merkle.push(tree, seq - 1, leaf_of(prev))
                out[n].append(new)
    for n, rows in out.items():
        if rows:
            insert_rows(conn, columns[n].table, rows)
    conn.execute(sa.update(head).where(head.c.agency_id == agency_id)
                 .values(seq=seq, hash=prev, frontier=[h.hex() for h in tree]))
    return {n: len(rows) for n, rows in out.items()}


def insert_rows(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Bulk insert: COPY on PostgreSQL, executemany on SQLite, the values prepared by the columns' own bind
    processors (JSON, UTC timestamps) without SQLAlchemy's per-row statement handling, which profiling
    showed to be a third of the cost of a copy."""
    dialect = conn.dialect
    procs = [(c.name, c.type.dialect_impl(dialect).bind_processor(dialect)) for c in table.c]
    data = [tuple(r[name] if p is None or r[name] is None else p(r[name]) for name, p in procs) for r in rows]
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name, _ in procs)
    if dialect.name == "postgresql":
        driver = cast(Any, conn.connection.driver_connection)  # psycopg's connection; None only once closed
        with driver.cursor() as cur, \
                cur.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
            for row in data:
                copy.write_row(row)
        return
    conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join('?' * len(procs))})", data)


#: tables a bulk load updates in place, a row version per copied row: the running counts the triggers keep and the
#: audit chains' heads (a few live rows behind tens of thousands of dead ones until vacuumed)
UPDATED_IN_PLACE = ("status_counts", "audit_heads")


def analyze(engine: sa.Engine, tables: list[sa.Table]) -> None:
    """Refresh the planner's statistics after a bulk load (and, on PostgreSQL, the visibility map that
    index-only scans need, and the dead row versions of the counters): without them the first queries plan for the
    tables as they were, and every page reading a running count scans the dead versions of its few rows (as long as
    autovacuum, off on a bulk-load server, has not run)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "postgresql":
            for name in [t.name for t in tables] + [n for n in UPDATED_IN_PLACE if n not in {t.name for t in tables}]:
                conn.exec_driver_sql(f"VACUUM (ANALYZE) {conn.dialect.identifier_preparer.quote(name)}")
        else:
            conn.exec_driver_sql("ANALYZE")


def snapshot(case_id: int, agency_id: int) -> int:
    """A copy of case ``case_id`` as it stands now (same age, names and officers); the copy's id.

    The generator's walks take their template cases this way at each stage they pass, so a stage shared by
    several templates is walked once, not once per template."""
    tables = copied_tables()
    columns = plan(tables)
    with db.engine.begin() as conn:
        rows = template_rows(conn, tables, [case_id])
        mark_unique(columns, rows)
        case = rows["cases"][case_id][0]
        copy = Copy(case_id, dt.timedelta(0), case["title"], case["party_name"], {})
        copy_batch(conn, columns, compile_templates(columns, key_tables(columns), rows), [copy], agency_id)
    return copy.case_id
