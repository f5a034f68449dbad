"""The audit chain and record hashes catch tampering; the database refuses in-place changes."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from tests.support.tamper import tamper
from webapp.db import db
from webapp.loadgen.flows import file_case
from webapp.models import AppendOnlyViolation, AuditEntry, Record
from webapp.store import audit, sealed


def _entries(app, agency_id):
    with app.app_context():
        return [(e.id, e.seq) for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.agency_id == agency_id).order_by(AuditEntry.seq))]


def test_clean_chain_verifies(app, walker, agency):
    file_case(walker)
    with app.app_context():
        assert audit.verify_chains() == [] and sealed.verify_records() == []
    result = app.test_cli_runner().invoke(args=["liuhen", "verify"])
    assert result.exit_code == 0 and "校验通过" in result.output


def test_altered_audit_row_is_caught_at_the_first_broken_entry(app, walker, agency):
    file_case(walker)
    entries = _entries(app, agency.id)
    target_id, target_seq = entries[3]
    with app.app_context():
        original = db.session.get(AuditEntry, target_id).action
        assert tamper("UPDATE audit_entries SET action = 'record.removed' WHERE id = :id", id=target_id) == 1
        breaks = audit.verify_chains()
    mine = [b for b in breaks if f"机构 {agency.id} " in b.where]
    assert len(mine) == 1 and f"第 {target_seq} 条" in mine[0].where and "被改动" in mine[0].problem
    result = app.test_cli_runner().invoke(args=["liuhen", "verify"])
    assert result.exit_code != 0 and f"第 {target_seq} 条" in result.output
    with app.app_context():  # restore, so later tests see a whole chain again
        tamper("UPDATE audit_entries SET action = :a WHERE id = :id", id=target_id, a=original)
        assert audit.verify_chains() == []


def test_deleted_audit_row_and_altered_record_are_caught(app, walker, agency):
    cid = file_case(walker)
    entries = _entries(app, agency.id)
    with app.app_context():
        record = db.session.scalars(select(Record).where(Record.case_id == cid).order_by(Record.id)).first()
        original = db.session.execute(text("SELECT payload FROM records WHERE id = :id"), {"id": record.id}).scalar()
        tamper("UPDATE records SET payload = :p WHERE id = :id", id=record.id, p='{"facts": "改过的"}')
        assert [b.where for b in sealed.verify_records()] == [f"记录 id={record.id}（{record.kind}）"]
        tamper("UPDATE records SET payload = :p WHERE id = :id", id=record.id,
               p=original if isinstance(original, str) else json.dumps(original))
        assert sealed.verify_records() == []
        victim = db.session.execute(text("SELECT * FROM audit_entries WHERE id = :id"), {"id": entries[-2][0]}).mappings().one()
        tamper("DELETE FROM audit_entries WHERE id = :id", id=victim["id"])
        mine = [b for b in audit.verify_chains() if f"机构 {agency.id} " in b.where]
        assert len(mine) == 1 and "序号不连续" in mine[0].problem
        columns = ", ".join(victim.keys())
        tamper(f"INSERT INTO audit_entries ({columns}) VALUES ({', '.join(':' + k for k in victim.keys())})",
               **{k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for k, v in victim.items()})
        assert audit.verify_chains() == []


def test_the_database_refuses_updates_and_deletes_of_records(app, walker):
    cid = file_case(walker)
    with app.app_context():
        for sql in ("UPDATE records SET kind = 'x' WHERE case_id = :c", "DELETE FROM records WHERE case_id = :c",
                    "UPDATE audit_entries SET action = 'x' WHERE case_id = :c"):
            with pytest.raises(DatabaseError, match="只能追加"):
                db.session.execute(text(sql), {"c": cid})
            db.session.rollback()


def test_the_orm_refuses_updates_of_records(app, walker):
    cid = file_case(walker)
    with app.app_context():
        record = db.session.scalars(select(Record).where(Record.case_id == cid)).first()
        record.payload = {"changed": True}
        with pytest.raises(AppendOnlyViolation):
            db.session.commit()
        db.session.rollback()
