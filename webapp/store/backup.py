"""``flask liuhen backup`` / ``restore``: a consistent copy of a running instance, and its restoration into an empty one.

A backup is a folder: the database (SQLite through its online backup API, which copies a consistent snapshot while
the service keeps writing; PostgreSQL through ``pg_dump --format=custom``, one snapshot transaction), the local file
store (content-addressed files and the checkpoint log area; for an S3 store only the list of objects, since the bucket
keeps them, versioned), and ``manifest.json`` (what, when, the schema revision, counts, the dump's SHA-256 and the
stored files' list).  The audit log's signing key is *not* in it: it lives outside the database by design and is
backed up separately; the restored instance needs it (``LIUHEN_SIGNING_KEY_FILE``) for ``verify`` to pass.

Files are copied after the database snapshot, so every file the snapshot references is in the backup (files are
never rewritten; one stored later is simply extra, and ``verify`` reports it as unregistered only if no row
names it — the restore copies only the files the manifest lists).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url

from handlers import clock
from webapp import store
from webapp.db import db
from webapp.models import AuditEntry, Case, StoredFile
from webapp.store.files import LocalStore

FORMAT = "liuhen-backup/1"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message is for the operator (Chinese)."""


def _libpq_url() -> tuple[str, str | None]:
    """The database URL as libpq takes it (no SQLAlchemy driver suffix), and the schema in use when not ``public``."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    schema = db.session.scalar(text("SELECT current_schema()"))
    db.session.rollback()
    return url.render_as_string(hide_password=False), (schema if schema and schema != "public" else None)


def _sqlite_path() -> Path:
    database = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database
    if not database:
        raise BackupError("SQLite 数据库须是文件（不能是内存数据库）")
    return Path(database)


def backup(out: Path) -> dict[str, Any]:
    """Write a backup of the running instance into the new folder ``out``; returns the manifest."""
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"备份目录 {out} 已存在且不为空")
    out.mkdir(parents=True, exist_ok=True)
    dialect = db.engine.dialect.name
    revision = db.session.scalar(text("SELECT version_num FROM alembic_version ORDER BY version_num LIMIT 1"))
    counts = {"cases": db.session.scalar(select(func.count()).select_from(Case)),
              "audit_entries": db.session.scalar(select(func.count()).select_from(AuditEntry))}
    db.session.rollback()
    if dialect == "sqlite":
        dump = out / "database.sqlite"
        source = sqlite3.connect(_sqlite_path())
        target = sqlite3.connect(dump)
        with target:
            source.backup(target)  # the online backup API: a consistent copy while others write
        source.close()
        target.close()
    elif dialect == "postgresql":
        dump = out / "database.dump"
        url, schema = _libpq_url()
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}",
                   *([f"--schema={schema}"] if schema else []), f"--dbname={url}"]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BackupError(f"pg_dump 失败：{done.stderr.strip()[:500]}")
    else:
        raise BackupError(f"不支持的数据库：{dialect}")
    stored = [(sha, size) for sha, size in db.session.execute(select(StoredFile.sha256, StoredFile.size)
                                                                .order_by(StoredFile.sha256))]
    db.session.rollback()
    files = store.current()
    copied = 0
    if isinstance(files, LocalStore):
        for sha, _size in stored:
            source_path = files.path(sha)
            if source_path.exists():
                target_path = out / "files" / source_path.relative_to(files.root)
                target_path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source_path, target_path)
                copied += 1
        logs = files.root / "logs"
        if logs.is_dir():
            shutil.copytree(logs, out / "files" / "logs")
    manifest = {"format": FORMAT, "made_at": clock.now().isoformat(), "dialect": dialect, "revision": revision,
                "counts": counts, "database": {"file": dump.name, "sha256": sha256_file(dump),
                                               "size": dump.stat().st_size},
                "files": {"store": type(files).__name__, "copied": copied, "stored": [[s, n] for s, n in stored]}}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def restore(source: Path) -> dict[str, Any]:
    """Restore the backup in ``source`` into this (empty) instance: its database and its local file store."""
    manifest_path = source / "manifest.json"
    if not manifest_path.exists():
        raise BackupError(f"{source} 不是备份目录（缺少 manifest.json）")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式：{manifest.get('format')!r}")
    dump = source / manifest["database"]["file"]
    if sha256_file(dump) != manifest["database"]["sha256"]:
        raise BackupError("备份中的数据库文件与清单的 SHA-256 不符，备份已损坏或被改动")
    dialect = db.engine.dialect.name
    if dialect != manifest["dialect"]:
        raise BackupError(f"备份来自 {manifest['dialect']}，本实例是 {dialect}")
    if inspect(db.engine).get_table_names():
        raise BackupError("目标数据库不是空的：请恢复到新建的空数据库（不要先运行 db upgrade）")
    files = store.current()
    if isinstance(files, LocalStore) and any(p.name != ".partial" for p in files.root.iterdir()):
        raise BackupError(f"目标文件库 {files.root} 不是空的")
    db.session.remove()
    db.engine.dispose()
    if dialect == "sqlite":
        source_db = sqlite3.connect(dump)
        target = sqlite3.connect(_sqlite_path())
        with target:
            source_db.backup(target)
        source_db.close()
        target.close()
    else:
        url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
        plain = url.set(query={k: v for k, v in url.query.items() if k != "options"})
        done = subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                               f"--dbname={plain.render_as_string(hide_password=False)}", str(dump)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BackupError(f"pg_restore 失败：{done.stderr.strip()[:500]}")
    if isinstance(files, LocalStore):
        backed = source / "files"
        for path in backed.rglob("*") if backed.is_dir() else ():
            if path.is_file():
                target_path = files.root / path.relative_to(backed)
                target_path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target_path)
        missing = [sha for sha, _ in manifest["files"]["stored"] if not files.path(sha).exists()]
        if missing:
            raise BackupError(f"备份缺少 {len(missing)} 个已登记的文件（如 {missing[0]}）")
    os.sync()
    return manifest
