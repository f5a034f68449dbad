"""Tampering by someone who controls the database is caught and named: deleted and unsealed rows of every sealed
table, appends forged without the key, a truncated tail with the head rewound, a re-hashed history, a stray row
at head+1 (which must not block the agency) — against signed checkpoints kept outside the database
(《中华人民共和国档案法》第三十七条; fushun-culture 第三十五条（三）)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text

from handlers import merkle
from handlers.audit_actions import Action
from tests.support.app import migrated_app, private_database
from tests.support.media import MiB, upload
from tests.support.tamper import tamper
from webapp.db import db
from webapp.loadgen.flows import file_case
from webapp.models import AuditEntry, AuditHead, Document, Record
from webapp.store import audit, checkpoints, sealed
from webapp.store.keys import Key, Keyring, verify_signature
from webapp.store.tree import leaf_of, stored_leaves
from webapp.supervision.accountability import verify_and_record

pytestmark = pytest.mark.xdist_group("evidence_log")  # its module fixture is built once, on one worker


@pytest.fixture(scope="module")
def app(tmp_path_factory, clock):
    """A database of its own: these tests leave tampered chains behind, which other modules' verify must not see."""
    with private_database(tmp_path_factory) as url, migrated_app(url, tmp_path_factory, clock) as app:
        yield app


def _mine(breaks: list[audit.Break], agency_id: int) -> list[str]:
    return [str(b) for b in breaks if b.agency_id == agency_id]


def _chain(agency_id: int, full: bool = False) -> audit.ChainResult:
    head = db.session.get(AuditHead, agency_id, populate_existing=True)
    return audit.verify_chain(agency_id, head.seq, head.hash, full)


def _anchor(agency_id: int) -> checkpoints.Checkpoint:
    """What ``flask liuhen verify`` does for a clean chain: sign a checkpoint of the recomputed tree."""
    res = _chain(agency_id)
    assert res.breaks == []
    return checkpoints.checkpoint_now(agency_id, res.size, res.head, res.frontier)


def _head(agency_id: int) -> tuple[int, str, list[str]]:
    head = db.session.get(AuditHead, agency_id, populate_existing=True)
    return head.seq, head.hash, list(head.frontier or [])


def _verify_cli(app, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["liuhen", "verify", *args])


# --------------------------------------------------------------------------- both directions


def test_a_deleted_row_of_every_sealed_table_is_named(app, walker, agency):
    cid = file_case(walker)
    item = upload(walker, cid, size=MiB, seed=1401)
    spare = upload(walker, cid, size=MiB, seed=1402)
    res = walker.call("post", "/api/media/exports", "officer1",
                      json={"case_id": cid, "media_ids": [item["id"]], "purpose": "file", "extractor": "李强"})
    assert res.status_code == 201, res.get_json()
    export_id = res.get_json()["id"]
    res = walker.call("post", "/oversight/api/spot-checks", "legal1",
                      json={"aspects": ["案卷文字记录"], "finding": "合格", "case_id": cid})
    assert res.status_code == 201, res.get_json()
    check_id = res.get_json()["id"]
    with app.app_context():
        doc = db.session.scalars(select(Document).where(Document.case_id == cid).order_by(Document.id)).first()
        assert doc is not None
        again = walker.call("post", f"/api/cases/{cid}/documents", "officer1", json={"kind": doc.kind}).get_json()
        record_id = db.session.scalar(select(Record.id).where(Record.case_id == cid).order_by(Record.id.desc()).limit(1))
        verify_and_record()
        db.session.commit()
        integrity = db.session.scalar(text("SELECT MAX(id) FROM integrity_checks WHERE agency_id = :a"),
                                      {"a": agency.id})
        assert _mine(sealed.verify_sealed(), agency.id) == []
        tamper("UPDATE media_uploads SET media_id = NULL WHERE media_id = :m", m=spare["id"])
        victims = {"records": (record_id, "记录"), "documents": (again["id"], "文书"),
                   "media_items": (spare["id"], "media_items"), "media_exports": (export_id, "media_exports"),
                   "spot_checks": (check_id, "检查台账"), "integrity_checks": (integrity, "完整性校验结果")}
        for table, (row_id, _) in victims.items():
            assert tamper(f"DELETE FROM {table} WHERE id = :id", id=row_id) == 1
        found = _mine(sealed.verify_sealed(), agency.id)
        for table, (row_id, label) in victims.items():
            assert any(f.startswith(f"{label} id={row_id}: 该行已被删除：机构 {agency.id} 审计链第 ") for f in found), (table, found)
        assert len(found) == len(victims)
    result = _verify_cli(app)
    assert result.exit_code == 1 and f"记录 id={record_id}: 该行已被删除" in result.output


def test_a_row_nobody_sealed_is_named(app, walker, agency):
    cid = file_case(walker)
    with app.app_context():
        r = db.session.scalars(select(Record).where(Record.case_id == cid).order_by(Record.id)).first()
        forged = Record(agency_id=r.agency_id, case_id=cid, task_id=r.task_id, task_name=r.task_name, kind=r.kind,
                        version=99, supersedes_id=None, payload={**r.payload, "facts": "补写的"}, author_id=r.author_id,
                        created_at=r.created_at)
        forged.content_hash = audit.record_hash(forged)
        db.session.add(forged)
        db.session.commit()
        assert _mine(sealed.verify_records(), agency.id) == [
            f"记录 id={forged.id}（{r.kind}）: 未经审计链封存：没有登记它的审计条目（伪造或绕过本系统写入的行）"]


# --------------------------------------------------------------------------- the keyed, signed log


def test_an_append_forged_without_the_key_is_named(app, walker, agency, tmp_path):
    file_case(walker)
    with app.app_context():
        real = app.extensions["liuhen.keys"]
        thief = Key.of(Ed25519PrivateKey.generate())
        app.extensions["liuhen.keys"] = Keyring(thief, {thief.kid: thief})  # the project's own code, another key
        try:
            forged = audit.append(agency.id, Action.MEDIA_DOWNLOADED, detail={"media_id": 1, "sha256": "0" * 64})
            db.session.commit()
        finally:
            app.extensions["liuhen.keys"] = real
        seq = forged.seq
        breaks = _mine(_chain(agency.id).breaks, agency.id)
        assert breaks == [f"机构 {agency.id} 审计链第 {seq} 条（id={forged.id}）: "
                          "认证码不符：条目不是持有签名密钥的本系统写入的（伪造或重算的条目）"]
        prev_seq, prev_hash, frontier = _head(agency.id)
        row = {"agency_id": agency.id, "seq": prev_seq + 1, "case_id": None, "actor_id": None, "action": "media.viewed",
               "detail": {"media_id": 2}, "prev_hash": prev_hash}
        entry = AuditEntry(**row, at=forged.at)
        entry.hash = audit.entry_hash(entry)
        db.session.add(entry)  # a row written straight into the database: no MAC at all
        db.session.execute(text("UPDATE audit_heads SET seq = :s, hash = :h WHERE agency_id = :a"),
                           {"s": entry.seq, "h": entry.hash, "a": agency.id})
        db.session.commit()
        assert f"第 {entry.seq} 条（id={entry.id}）: 缺少认证码：条目不是本系统写入的（伪造的追加）" in "\n".join(
            _mine(_chain(agency.id).breaks, agency.id))


def test_tail_truncation_with_the_head_rewound_fails_against_the_checkpoint(app, walker, agency):
    """The leak hidden by deleting the last three ``media.downloaded`` entries and rewinding the head."""
    cid = walker.create_case()["id"]
    item = upload(walker, cid, size=MiB, seed=1403)
    with app.app_context():
        before = _head(agency.id)
    for _ in range(3):
        assert walker.call("get", f"/api/media/{item['id']}/content?download=1", "officer1").status_code == 200
    with app.app_context():
        cp = _anchor(agency.id)
        assert cp.size == before[0] + 3 and checkpoints.problem(cp, app.extensions["liuhen.keys"]) is None
        tamper("DELETE FROM audit_entries WHERE agency_id = :a AND seq > :s", a=agency.id, s=before[0])
        db.session.execute(text("UPDATE audit_heads SET seq = :s, hash = :h, frontier = :f WHERE agency_id = :a"),
                           {"s": before[0], "h": before[1], "f": json.dumps(before[2]), "a": agency.id})
        db.session.commit()
        breaks = _mine(_chain(agency.id).breaks, agency.id)
        assert breaks and f"链只有 {before[0]} 条，短于已签名检查点" in breaks[-1], breaks
        with app.test_request_context():
            assert checkpoints.last_known(agency.id).size == cp.size
    result = _verify_cli(app)
    assert result.exit_code == 1 and "链尾被截断、链头被回退" in result.output


def test_a_rehashed_history_fails_at_its_first_rewritten_entry(app, walker, agency):
    """A record rewritten, its seal updated and the chain re-hashed from there (the head too)."""
    cid = file_case(walker)
    with app.app_context():
        cp = _anchor(agency.id)
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.case_id == cid,
                                                            AuditEntry.action == Action.RECORD_ADDED)).first()
        r = db.session.get(Record, entry.detail["record_id"])
        payload = {**r.payload, "facts": "改写后的事实"}
        new_hash = audit.record_hash(Record(agency_id=r.agency_id, case_id=r.case_id, task_id=r.task_id, kind=r.kind,
                                            version=r.version, supersedes_id=r.supersedes_id, payload=payload,
                                            author_id=r.author_id, created_at=r.created_at))
        record_id = r.id
        db.session.expunge_all()
        tamper("UPDATE records SET payload = :p, content_hash = :h WHERE id = :id",
               p=json.dumps(payload, ensure_ascii=False), h=new_hash, id=record_id)
        assert _rehash_from(agency.id, entry.seq, {"content_hash": new_hash}) > 0
        assert _mine(sealed.verify_records(), agency.id) == []  # the rows agree with their (rewritten) seals
        breaks = _mine(_chain(agency.id).breaks, agency.id)
        first = [b for b in breaks if "认证码不符" in b]
        assert first[0] == (f"机构 {agency.id} 审计链第 {entry.seq} 条（id={entry.id}）: "
                            "认证码不符：条目不是持有签名密钥的本系统写入的（伪造或重算的条目）"), breaks
        assert any(f"与已签名检查点（{cp.at_text}，共 {cp.size} 条）不符" in b for b in breaks), breaks
        full = _mine(_chain(agency.id, full=True).breaks, agency.id)
        assert any(f"前 {cp.size} 条的根哈希与已签名检查点" in b for b in full), full
        with app.test_request_context():  # nothing more is signed over the rewritten tree: the system fails closed
            seq, head_hash, frontier = _head(agency.id)
            try:
                checkpoints.extending(agency.id, seq, [bytes.fromhex(h) for h in frontier])
                raise AssertionError("a rewritten history was accepted")
            except checkpoints.Inconsistent as exc:
                assert "不是已签名检查点" in str(exc)


def _rehash_from(agency_id: int, seq: int, change: dict[str, Any]) -> int:
    """Rewrite entry ``seq``'s detail and re-hash every entry from there, as an insider with the code but not the key."""
    rows = list(db.session.scalars(select(AuditEntry).where(AuditEntry.agency_id == agency_id, AuditEntry.seq >= seq)
                                   .order_by(AuditEntry.seq)))
    prev = rows[0].prev_hash
    frontier, _ = merkle.frontier_of(stored_leaves(agency_id, 1, seq - 1))
    values = []
    for n, e in enumerate(rows):
        detail = {**e.detail, **change} if n == 0 else e.detail
        fake = AuditEntry(agency_id=e.agency_id, seq=e.seq, case_id=e.case_id, actor_id=e.actor_id, action=e.action,
                          detail=detail, at=e.at, prev_hash=prev)
        prev = audit.entry_hash(fake)
        frontier = merkle.push(frontier, e.seq - 1, leaf_of(prev))
        values.append({"id": e.id, "d": json.dumps(detail, ensure_ascii=False), "p": fake.prev_hash, "h": prev})
    db.session.expunge_all()
    for v in values:
        tamper("UPDATE audit_entries SET detail = :d, prev_hash = :p, hash = :h WHERE id = :id", **v)
    db.session.execute(text("UPDATE audit_heads SET hash = :h, frontier = :f WHERE agency_id = :a"),
                       {"h": prev, "f": json.dumps([f.hex() for f in frontier]), "a": agency_id})
    db.session.commit()
    return len(values)


def test_a_stray_row_at_head_plus_one_is_named_and_does_not_block_the_agency(app, walker, agency):
    cid = walker.create_case()["id"]
    with app.app_context():
        seq, head_hash, _ = _head(agency.id)
        db.session.execute(text(
            "INSERT INTO audit_entries (agency_id, seq, case_id, actor_id, action, detail, at, prev_hash, hash) "
            "VALUES (:a, :s, NULL, NULL, 'record.added', '{}', :at, :p, :h)"),
            {"a": agency.id, "s": seq + 1, "at": "2026-01-01 00:00:00", "p": head_hash, "h": "f" * 64})
        db.session.commit()
        stray_id = db.session.scalar(select(AuditEntry.id).where(AuditEntry.agency_id == agency.id,
                                                                 AuditEntry.seq == seq + 1))
        assert _mine(_chain(agency.id).breaks, agency.id) == [
            f"机构 {agency.id} 审计链第 {seq + 1} 条（id={stray_id}）: 链头之后的异常条目：不是本系统追加的（下次追加时将被隔离）"]
    result = _verify_cli(app)
    assert result.exit_code == 1 and "Traceback" not in result.output and f"第 {seq + 1} 条" in result.output
    task = walker.task(cid, "t_filing")
    assert walker.add(cid, task, "case_filing").status_code == 201  # the agency is not blocked
    assert walker.complete(cid, task).status_code == 200
    with app.app_context():
        q = db.session.scalar(select(AuditEntry).where(AuditEntry.agency_id == agency.id,
                                                       AuditEntry.action == Action.AUDIT_QUARANTINED))
        assert q.seq == seq + 2 and q.detail["strays"] == [{"seq": seq + 1, "id": stray_id, "hash": "f" * 64}]
        assert _mine(_chain(agency.id).breaks, agency.id) == [
            f"机构 {agency.id} 审计链第 {seq + 1} 条（id={stray_id}）: 不是本系统追加的异常条目（已隔离，不计入审计链）"]


def test_reanchoring_seals_the_breaks_and_later_checks_start_clean(app, walker, agency):
    cid = walker.create_case()["id"]
    with app.app_context():
        seq, head_hash, _ = _head(agency.id)
        db.session.execute(text(
            "INSERT INTO audit_entries (agency_id, seq, case_id, actor_id, action, detail, at, prev_hash, hash) "
            "VALUES (:a, :s, NULL, NULL, 'record.added', '{}', :at, :p, :h)"),
            {"a": agency.id, "s": seq + 1, "at": "2026-01-01 00:00:00", "p": head_hash, "h": "e" * 64})
        db.session.commit()
    assert walker.add(cid, walker.task(cid, "t_filing"), "case_filing").status_code == 201
    result = app.test_cli_runner().invoke(args=["liuhen", "reanchor", agency.code, "--user", agency.usernames["admin1"],
                                                "--reason", "隔离了异常条目，经核查为外部写入"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.agency_id == agency.id,
                                                           AuditEntry.action == Action.AUDIT_REANCHORED))
        assert entry.actor_id == agency.user_ids["admin1"] and any("异常条目" in b for b in entry.detail["breaks"])
        assert _mine(_chain(agency.id).breaks, agency.id) == []
        full = _chain(agency.id, full=True)
        assert full.breaks == [] and full.acknowledged, full


def test_verify_is_incremental_from_the_last_checkpoint_and_full_on_request(app, walker, agency):
    file_case(walker)
    with app.app_context():
        cp = _anchor(agency.id)
    cid = walker.create_case()["id"]
    walker.do(cid, "t_filing", {"case_filing": None})
    with app.app_context():
        res = _chain(agency.id)
        assert res.breaks == [] and res.from_checkpoint == cp.size
        assert res.entries_read == res.size - cp.size > 0
        full = _chain(agency.id, full=True)
        assert full.breaks == [] and full.entries_read == res.size and full.frontier == res.frontier


def test_checkpoints_are_written_once_signed_and_witnessed(app, walker, agency, tmp_path):
    file_case(walker)
    with app.app_context():
        first = _anchor(agency.id)
        names = checkpoints.stored(agency.id)
        assert checkpoints.name(agency.id, first.size) in names
        assert not app.extensions["liuhen.files"].put_log(checkpoints.name(agency.id, first.size), b"rewritten")
    out = tmp_path / "cp.json"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["liuhen", "checkpoint", agency.code, "--out", str(out)]).exit_code == 0
    result = runner.invoke(args=["liuhen", "witness", str(out)])
    assert result.exit_code == 0 and "已见证并副署" in result.output, result.output
    walker.do(walker.create_case()["id"], "t_filing", {"case_filing": None})
    held = json.loads(out.read_text())["size"]
    assert runner.invoke(args=["liuhen", "checkpoint", agency.code, "--since", str(held), "--out", str(out)]).exit_code == 0
    result = runner.invoke(args=["liuhen", "witness", str(out)])
    assert result.exit_code == 0 and "已见证并副署" in result.output, result.output
    forged = json.loads(out.read_text())
    forged["root"] = "0" * 64
    out.write_text(json.dumps(forged))
    result = runner.invoke(args=["liuhen", "witness", str(out)])
    assert result.exit_code == 1 and "签名无效" in result.output


def test_verify_names_malformed_rows_instead_of_crashing(app, walker, agency):
    walker.create_case()
    with app.app_context():
        seq, head_hash, _ = _head(agency.id)
        for n, (action, detail) in enumerate((("audit.quarantined", '{"strays": [{"seq": "x"}, 7]}'),
                                              ("record.added", '[1, 2]'))):
            db.session.execute(text(
                "INSERT INTO audit_entries (agency_id, seq, case_id, actor_id, action, detail, at, prev_hash, hash) "
                "VALUES (:a, :s, NULL, NULL, :act, :d, :at, :p, :h)"),
                {"a": agency.id, "s": seq + 1 + n, "act": action, "d": detail, "at": "2026-01-01 00:00:00",
                 "p": head_hash, "h": str(n) * 64})
        db.session.commit()
    result = _verify_cli(app)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"第 {seq + 1} 条" in result.output and f"第 {seq + 2} 条" in result.output
    assert walker.create_case()["id"]  # and the agency goes on working
    with app.app_context():
        assert [b for b in _mine(_chain(agency.id).breaks, agency.id) if "异常条目" not in b] == []


def test_the_supervising_bureau_pulls_checkpoints_over_the_api_and_only_its_own(app, walker, agency, tmp_path):
    file_case(walker)
    res = walker.call("get", f"/oversight/api/checkpoint?agency={agency.id}", "admin1")
    assert res.status_code == 200, res.get_json()
    first = res.get_json()
    assert first["agency_id"] == agency.id and first["size"] > 0
    with app.app_context():
        assert checkpoints.problem(checkpoints.Checkpoint.parse(first), app.extensions["liuhen.keys"]) is None
    walker.do(walker.create_case()["id"], "t_filing", {"case_filing": None})
    later = walker.call("get", f"/oversight/api/checkpoint?since={first['size']}", "admin1").get_json()
    assert later["previous"]["size"] == first["size"] and later["size"] > first["size"]
    for n, body in enumerate((first, later)):
        (tmp_path / f"{n}.json").write_text(json.dumps(body))
    result = app.test_cli_runner().invoke(args=["liuhen", "witness", str(tmp_path)])
    assert result.exit_code == 0 and result.output.count("已见证并副署") == 2, result.output
    assert walker.call("get", "/oversight/api/checkpoint?since=x", "admin1").status_code == 422
    assert walker.call("get", "/oversight/api/checkpoint", "officer1").status_code == 403


# --------------------------------------------------------------------------- key rotation


def test_a_rotated_key_keeps_old_checkpoints_valid_and_the_witness_follows_the_log_across_it(app, walker, agency,
                                                                                          tmp_path):
    """The documented rotation (webapp/store/README.md, “签名密钥”): move the old PEM into ``LIUHEN_RETIRED_KEYS_DIR``, start with a new
    key (made on first use), run ``verify``, hand the supervising 司法局 the new checkpoint.  Old entries and
    checkpoints verify under the retired key, new ones under the new key; the witness accepts the new key's
    checkpoint only as an extension of what it holds under the old one — and refuses a third key that presents
    a shorter log."""
    file_case(walker)
    runner = app.test_cli_runner()
    old_file, out = Path(app.config["LIUHEN_SIGNING_KEY_FILE"]), tmp_path / "cp.json"
    assert runner.invoke(args=["liuhen", "checkpoint", agency.code, "--out", str(out)]).exit_code == 0
    old_cp = checkpoints.Checkpoint.parse(out.read_text())
    assert "已见证并副署" in runner.invoke(args=["liuhen", "witness", str(out)]).output
    retired = tmp_path / "retired"
    retired.mkdir()
    shutil.move(old_file, retired / "2026-11.pem")
    app.config["LIUHEN_RETIRED_KEYS_DIR"] = str(retired)
    app.extensions.pop("liuhen.keys")
    try:
        walker.do(walker.create_case()["id"], "t_filing", {"case_filing": None})  # entries under the new key
        with app.app_context():
            ring = app.extensions["liuhen.keys"]
            assert ring.current.kid != old_cp.kid and old_cp.kid in ring.by_kid
            assert _mine(_chain(agency.id, full=True).breaks, agency.id) == []  # old MACs under the retired key
            assert checkpoints.problem(old_cp, ring) is None
            new_only = Keyring(ring.current, {ring.current.kid: ring.current})
            assert "不是本系统的密钥" in (checkpoints.problem(old_cp, new_only) or "")  # the retired key is needed
        result = runner.invoke(args=["liuhen", "checkpoint", agency.code, "--since", str(old_cp.size), "--out", str(out)])
        assert result.exit_code == 0, result.output
        new_cp = checkpoints.Checkpoint.parse(out.read_text())
        assert (new_cp.kid, new_cp.public_key) == (ring.current.kid, ring.current.public_hex) != (
            old_cp.kid, old_cp.public_key)
        assert verify_signature(new_cp.public_key, new_cp.signature, new_cp.signed_bytes())
        assert not verify_signature(old_cp.public_key, new_cp.signature, new_cp.signed_bytes())
        result = runner.invoke(args=["liuhen", "witness", str(out)])
        assert result.exit_code == 0 and f"已见证并副署：机构 {agency.id}，{new_cp.size} 条" in result.output, result.output
        with app.app_context():
            thief = Key.of(Ed25519PrivateKey.generate())
            app.extensions["liuhen.keys"] = Keyring(thief, {thief.kid: thief})
            size = old_cp.size - 1
            leaves = stored_leaves(agency.id, 1, size)
            truncated = checkpoints.sign(agency.id, size, "0" * 64, merkle.frontier_of(leaves)[0], None)
            app.extensions["liuhen.keys"] = ring
        out.write_text(json.dumps(truncated.to_json()))
        result = runner.invoke(args=["liuhen", "witness", str(out)])
        assert result.exit_code == 1 and f"少于已见证的 {new_cp.size} 条：日志被截断" in result.output, result.output
    finally:  # the rest of the module signs with the new key and keeps the old one retired
        app.extensions.pop("liuhen.keys", None)
