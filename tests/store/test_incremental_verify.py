"""The default ``verify`` checks the sealed tables from the watermark of the last verify that passed (issue 14 point 3),
and still catches a deleted old row, a deleted, altered or unsealed new row; an old row altered in place is left to
``verify --full``, which the worker runs daily (《中华人民共和国档案法》第三十七条; fushun-culture 第三十五条（三）).

One story on a database of its own: each step leaves its tampering behind, as an insider would, and the next step
relies on what the watermarks then are."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from tests.store.test_evidence_log import _mine, _verify_cli
from tests.support.app import migrated_app, private_database
from tests.support.media import MiB, upload
from tests.support.storage import raw_delete, raw_write, stored_bytes
from tests.support.tamper import tamper
from webapp.cli import scheduled_jobs
from webapp.db import db
from webapp.loadgen.flows import file_case
from webapp.models import AuditEntry, Record
from webapp.store import audit, sealed
from webapp.supervision.accountability import MARKS, Verification, last_marks, verify_and_record

pytestmark = pytest.mark.xdist_group("incremental_verify")  # its module fixture is built once, on one worker


@pytest.fixture(scope="module")
def app(tmp_path_factory, clock):
    """A database of its own: the story leaves tampered rows behind, which other modules' verify must not see."""
    with private_database(tmp_path_factory) as url, migrated_app(url, tmp_path_factory, clock) as app:
        yield app


def _run(full: bool = False) -> Verification:
    run = verify_and_record(full)
    db.session.commit()
    return run


def _table(run: Verification, name: str) -> sealed.TableCheck:
    return next(c for c in run.tables if c.table == name)


def _records(cid: int) -> list[Record]:
    return list(db.session.scalars(select(Record).where(Record.case_id == cid).order_by(Record.id)))


def _findings(run: Verification, agency_id: int) -> list[str]:
    return [f.what for f in run.findings if f.agency_id == agency_id]


def test_the_default_verify_starts_from_the_watermarks_and_still_names_what_it_can_see(app, walker, agency):
    old_case = file_case(walker)
    with app.app_context():
        first = _run(full=True)
        assert first.findings == [] and all(c.full for c in first.tables)
        marks = last_marks()
        top = db.session.scalar(select(func.max(Record.id)))
        assert marks["records"].top == top and marks["records"].count == db.session.scalar(
            select(func.count()).select_from(Record))

    new_case = file_case(walker)
    with app.app_context():
        run = _run()
        new_rows = db.session.scalar(select(func.count()).select_from(Record).where(Record.id > top))
        assert run.findings == [] and not any(c.full for c in run.tables)
        assert new_rows > 0 and _table(run, "records").rows_read == new_rows  # only the rows above the watermark
        assert last_marks()["records"].top == db.session.scalar(select(func.max(Record.id)))

        # an old row altered in place (its hash recomputed, so the row agrees with itself): the count of old rows
        # is unchanged, so the default verify does not see it — only --full, which reads every row, does
        altered = _records(old_case)[0]
        payload = {**altered.payload, "facts": "事后改写的事实"}
        fake = Record(agency_id=altered.agency_id, case_id=altered.case_id, task_id=altered.task_id,
                      kind=altered.kind, version=altered.version, supersedes_id=altered.supersedes_id,
                      payload=payload, author_id=altered.author_id, created_at=altered.created_at)
        altered_id, altered_kind, new_hash = altered.id, altered.kind, audit.record_hash(fake)
        db.session.expunge_all()
        assert tamper("UPDATE records SET payload = :p, content_hash = :h WHERE id = :id",
                      p=json.dumps(payload, ensure_ascii=False), h=new_hash, id=altered_id) == 1
        run = _run()
        assert _findings(run, agency.id) == [] and not _table(run, "records").full  # honestly: not caught here
        before = last_marks()
        run = _run(full=True)
        assert _findings(run, agency.id) == [f"记录 id={altered_id}（{altered_kind}）: 审计链中无此记录或哈希不符"]
        # the failed run leaves the records' watermark where the last passing run put it; the clean tables move on
        after = last_marks()
        assert after["records"] == before["records"] and after["documents"].entry > before["documents"].entry

    later_case = file_case(walker)
    with app.app_context():
        deleted, changed, *_ = _records(later_case)
        deleted_id, changed_id, changed_kind = deleted.id, changed.id, changed.kind
        assert deleted_id > after["records"].top
        template = changed
        forged = Record(agency_id=template.agency_id, case_id=later_case, task_id=template.task_id,
                        task_name=template.task_name, kind=template.kind, version=99, supersedes_id=None,
                        payload={**template.payload, "facts": "补写的"}, author_id=template.author_id,
                        created_at=template.created_at)
        forged.content_hash = audit.record_hash(forged)
        db.session.add(forged)
        db.session.commit()
        forged_id = forged.id
        db.session.expunge_all()
        assert tamper("DELETE FROM records WHERE id = :id", id=deleted_id) == 1
        assert tamper("UPDATE records SET payload = :p WHERE id = :id",
                      p=json.dumps({"facts": "改动的新行"}, ensure_ascii=False), id=changed_id) == 1
        run = _run()
        assert not _table(run, "records").full
        found = _findings(run, agency.id)
        assert any(f.startswith(f"记录 id={deleted_id}: 该行已被删除：机构 {agency.id} 审计链第 ") for f in found), found
        assert f"记录 id={changed_id}（{changed_kind}）: 内容与哈希不符：记录被改动" in found
        assert f"记录 id={forged_id}（{changed_kind}）: {sealed.UNSEALED}" in found
        assert not any(f"id={altered_id}（" in f for f in found)  # the old row altered in place: --full's to find
        assert len(found) == 3, found

        # an old row deleted: fewer rows below the watermark than the last passing run counted — that table is then
        # read row by row, which names the row
        gone = _records(new_case)[0]
        gone_id = gone.id
        assert gone_id <= last_marks()["records"].top
        db.session.expunge_all()
        assert tamper("DELETE FROM records WHERE id = :id", id=gone_id) == 1
        run = _run()
        records = _table(run, "records")
        assert records.full and "上次校验通过时为" in records.why_full
        found = _findings(run, agency.id)
        assert any(f.startswith(f"记录 id={gone_id}: 该行已被删除") for f in found), found
        assert f"记录 id={altered_id}（{altered_kind}）: 审计链中无此记录或哈希不符" in found  # read in full now
    result = _verify_cli(app)
    assert result.exit_code == 1 and f"记录 id={gone_id}: 该行已被删除" in result.output
    assert "records 逐行核对：编号 ≤" in result.output, result.output


def test_the_default_verify_rehashes_the_files_of_new_rows_and_looks_up_the_others(app, walker, agency):
    """A recording handed over since the last verify that passed is rehashed; an older one is looked up (deleted: named
    at once); bytes overwritten in an older file are named by ``--full``, which rehashes every file."""
    cid = walker.create_case()["id"]
    old = upload(walker, cid, size=2 * MiB, seed=1411)
    with app.app_context():
        _run()
    new = upload(walker, cid, size=2 * MiB, seed=1412)
    store = app.extensions["liuhen.files"]
    originals = {item["sha256"]: stored_bytes(store, item["sha256"]) for item in (old, new)}
    for sha, data in originals.items():
        raw_write(store, sha, data[:MiB] + b"edited" + data[MiB + 6:])
    try:
        with app.app_context():
            found = _findings(_run(), agency.id)
            assert f"文件 {new['sha256']}: 文件内容被改动" in found
            assert not any(old["sha256"] in f for f in found), found  # honestly: an old file's bytes wait for --full
            found = _findings(_run(full=True), agency.id)
            assert {f"文件 {sha}: 文件内容被改动" for sha in originals} <= set(found), found
            raw_delete(store, old["sha256"])
            assert f"文件 {old['sha256']}: 文件缺失" in _findings(_run(), agency.id)
    finally:
        for sha, data in originals.items():
            raw_write(store, sha, data)


def test_a_watermark_is_trusted_only_from_a_genuine_entry(app, walker, agency):
    """An insider who raises the watermark (so that new rows are never read) breaks its entry's hash or MAC: the
    watermarks are then ignored and every table is read in full."""
    file_case(walker)
    with app.app_context():
        _run()
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "integrity.checked")
                                   .order_by(AuditEntry.id.desc()).limit(1)).one()
        assert last_marks() and MARKS in entry.detail
        raised = {**entry.detail, MARKS: {t: [10**9, 10**9, 10**9] for t in entry.detail[MARKS]}}
        entry_id = entry.id
        db.session.expunge_all()
        tamper("UPDATE audit_entries SET detail = :d WHERE id = :id", d=json.dumps(raised), id=entry_id)
        assert last_marks() == {}
        run = _run()
        assert all(c.full for c in run.tables)
        assert any(f"（id={entry_id}）: 内容与哈希不符：该条目被改动" in b for b in _mine(
            [b for r in run.chains for b in r.breaks], agency.id))


def test_the_worker_runs_the_full_verify_daily_by_default(app):
    with app.app_context():
        jobs = {job.name: job for job in scheduled_jobs()}
        assert jobs["verify"].every == dt.timedelta(minutes=60)
        assert jobs["verify-full"].every == dt.timedelta(days=1)
