"""Abandoned uploads: partial bytes of uploads idle past the limit are purged, the upload is expired
(audited) and cannot be resumed; finished recordings are never touched."""
from __future__ import annotations

from sqlalchemy import select

from tests.support.media import MiB, chunks, put, start, upload
from tests.support.storage import stored_bytes
from webapp.db import db
from webapp.models import AuditEntry, UploadSession


def _state(app, upload_id: str) -> str:
    with app.app_context():
        return db.session.get(UploadSession, upload_id).state


def test_an_abandoned_upload_is_purged_and_cannot_be_resumed(walker, app, clock):
    cid = walker.create_case()["id"]
    store, runner, began = app.extensions["liuhen.files"], app.test_cli_runner(), clock.now()
    try:
        finished = upload(walker, cid, size=2 * MiB, seed=80)
        body = b"".join(chunks(3 * MiB, 3 * MiB, seed=81))
        old = start(walker, cid, 3 * MiB).get_json()["id"]
        assert put(walker, old, 0, body[:MiB]).status_code == 200
        clock.advance(days=6)
        result = runner.invoke(args=["liuhen", "purge-uploads"])
        assert result.exit_code == 0 and old not in result.output and _state(app, old) == "open"
        fresh = start(walker, cid, MiB).get_json()["id"]
        assert put(walker, fresh, 0, next(chunks(MiB, MiB, seed=82))[: MiB // 2]).status_code == 200
        clock.advance(days=1, hours=1)
        result = runner.invoke(args=["liuhen", "purge-uploads"])
        assert result.exit_code == 0 and f"已过期：上传 {old}，清除 {MiB} 字节" in result.output, result.output
        assert _state(app, old) == "expired" and _state(app, fresh) == "open"
        assert not store.partial(old).path.exists() and store.partial(fresh).size() == MiB // 2
        res = put(walker, old, MiB, body[MiB:2 * MiB])
        assert res.status_code == 409 and res.get_json()["state"] == "expired"
        assert "已过期" in res.get_json()["message"] and "超过 7 天未续传" in res.get_json()["message"]
        assert "重新发起上传" in res.get_json()["message"]
        assert walker.call("post", f"/api/media/uploads/{old}/finish", "officer1").status_code == 409
        assert walker.call("get", f"/api/media/uploads/{old}", "officer1").get_json()["state"] == "expired"
        assert stored_bytes(store, finished["sha256"]) == b"".join(chunks(2 * MiB, 2 * MiB, seed=80))
        assert walker.call("get", f"/api/media/{finished['id']}/content", "officer1").status_code == 200
        with app.app_context():
            entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "media.upload_expired",
                                                               AuditEntry.case_id == cid))
            assert entry.detail["upload_id"] == old and entry.detail["bytes_removed"] == MiB
        assert runner.invoke(args=["liuhen", "verify"]).exit_code == 0
        result = runner.invoke(args=["liuhen", "purge-uploads", "--days", "1"])
        assert f"已过期：上传 {fresh}" in result.output and _state(app, fresh) == "expired"
        assert runner.invoke(args=["liuhen", "purge-uploads", "--days", "0"]).exit_code == 2
    finally:
        clock.set(began)
