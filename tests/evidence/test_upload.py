"""Chunked, resumable upload of recordings, hashed while written; refusals with clear messages."""
from __future__ import annotations

import io

from sqlalchemy import select

from tests.support.media import MiB, chunks, meta, put, sha256, start, upload
from tests.support.web_client import web
from webapp.db import db
from webapp.models import MediaItem, StoredFile, UploadSession
from webapp.store.files import UPLOAD_DIGESTS


def test_200_mb_in_chunks_with_one_chunk_retried(walker, app):
    cid = walker.create_case()["id"]
    size, chunk = 200 * MiB, 4 * MiB
    res = start(walker, cid, size)
    assert res.status_code == 201, res.get_json()
    uid, offset, retried = res.get_json()["id"], 0, False
    for n, body in enumerate(chunks(size, chunk, seed=200)):
        res = put(walker, uid, offset, body)
        assert res.status_code == 200 and res.get_json()["received"] == offset + len(body)
        if n == 7 and not retried:  # the response was lost: the client sends the same chunk again
            again = put(walker, uid, offset, body)
            assert again.status_code == 200 and again.get_json()["repeated"] is True
            assert again.get_json()["received"] == offset + len(body)
            retried = True
        offset += len(body)
    res = walker.call("post", f"/api/media/uploads/{uid}/finish", "officer1")
    assert res.status_code == 201, res.get_json()
    item = res.get_json()
    assert item["sha256"] == sha256(size, seed=200) and item["size"] == size
    assert item["file_name"] == "张明星光网吧接纳未成年人上网案.mp4"  # officer name + 案由 (pishan-culture 第十九条)
    store = app.extensions["liuhen.files"]
    with store.open(item["sha256"]) as fh:
        assert fh.seek(0, io.SEEK_END) == size
    assert store.hash_of(item["sha256"]) == item["sha256"]
    assert not store.partial(uid).path.exists()
    status = walker.call("get", f"/api/media/uploads/{uid}", "officer1").get_json()
    assert status["state"] == "done" and status["received"] == size and status["media_id"] == item["id"]


def test_interrupted_upload_is_resumed_where_it_stopped(walker, app):
    cid = walker.create_case()["id"]
    size, chunk = 10 * MiB + 12345, 2 * MiB
    pieces = list(chunks(size, chunk, seed=11))
    uid = start(walker, cid, size).get_json()["id"]
    put(walker, uid, 0, pieces[0])
    put(walker, uid, chunk, pieces[1])
    # the connection drops in the middle of the third chunk: half of it arrived, and is kept
    walker.client.put(f"/api/media/uploads/{uid}?offset={2 * chunk}", input_stream=io.BytesIO(pieces[2][: chunk // 2]),
                      headers={"Authorization": f"Bearer {walker.tokens['officer1']}", "Content-Length": str(chunk)})
    # the process restarts: the hash state in memory is lost, and a crash left stray bytes on disk
    UPLOAD_DIGESTS.drop(uid)
    with open(app.extensions["liuhen.files"].partial(uid).path, "ab") as fh:
        fh.write(b"stray bytes from a crashed writer")
    status = walker.call("get", f"/api/media/uploads/{uid}", "officer1").get_json()
    assert status["received"] == 2 * chunk + chunk // 2 and status["state"] == "open"
    wrong = put(walker, uid, 3 * chunk, pieces[3])
    assert wrong.status_code == 409 and wrong.get_json()["received"] == status["received"]
    assert "续传" in wrong.get_json()["message"]
    rest = b"".join(pieces)[status["received"]:]
    offset = status["received"]
    for start_at in range(0, len(rest), chunk):
        body = rest[start_at:start_at + chunk]
        assert put(walker, uid, offset, body).status_code == 200
        offset += len(body)
    item = walker.call("post", f"/api/media/uploads/{uid}/finish", "officer1").get_json()
    assert item["sha256"] == sha256(size, seed=11)


def test_a_different_chunk_at_a_received_offset_is_refused(walker):
    cid = walker.create_case()["id"]
    uid = start(walker, cid, 2 * MiB).get_json()["id"]
    first = next(chunks(2 * MiB, MiB, seed=3))
    put(walker, uid, 0, first)
    res = put(walker, uid, 0, b"\x00\x00\x00\x18ftypmp42" + b"x" * (MiB - 12))
    assert res.status_code == 409 and "内容与已接收的不同" in res.get_json()["message"]


def test_finishing_early_says_how_much_is_missing(walker):
    cid = walker.create_case()["id"]
    uid = start(walker, cid, 2 * MiB).get_json()["id"]
    put(walker, uid, 0, next(chunks(2 * MiB, MiB, seed=4)))
    res = walker.call("post", f"/api/media/uploads/{uid}/finish", "officer1")
    assert res.status_code == 409 and f"{MiB} / {2 * MiB}" in res.get_json()["message"]


def test_same_bytes_are_stored_once(walker, app):
    a_case, b_case = walker.create_case()["id"], walker.create_case()["id"]
    a = upload(walker, a_case, seed=21)
    again = upload(walker, a_case, seed=21)
    b = upload(walker, b_case, seed=21)
    assert a["sha256"] == again["sha256"] == b["sha256"]
    assert again["repeated"] is True and again["id"] == a["id"]
    assert b["id"] != a["id"]
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(StoredFile)
                                 .where(StoredFile.sha256 == a["sha256"])) == 1
        assert len(list(db.session.scalars(select(MediaItem).where(MediaItem.sha256 == a["sha256"])))) == 2


def test_empty_oversize_and_mismatched_files_are_refused(walker, app):
    cid = walker.create_case()["id"]
    empty = start(walker, cid, 0)
    assert empty.status_code == 422 and "为空" in empty.get_json()["message"]
    app.config["LIUHEN_MAX_MEDIA"] = 8 * MiB
    try:
        big = start(walker, cid, 8 * MiB + 1)
        assert big.status_code == 413 and "超过上限" in big.get_json()["message"]
    finally:
        del app.config["LIUHEN_MAX_MEDIA"]
    uid = start(walker, cid, MiB).get_json()["id"]
    res = put(walker, uid, 0, b"GIF89a" + b"\x00" * (MiB - 6))
    assert res.status_code == 422
    message = res.get_json()["message"]
    assert "与声明的类型 video/mp4 不符" in message and "ftyp" in message
    assert walker.call("get", f"/api/media/uploads/{uid}", "officer1").get_json()["state"] == "refused"
    assert not app.extensions["liuhen.files"].partial(uid).path.exists()
    over = start(walker, cid, MiB).get_json()["id"]
    res = put(walker, over, 0, next(chunks(2 * MiB, 2 * MiB, seed=5)))
    assert res.status_code == 413 and "超出声明的文件大小" in res.get_json()["message"]
    unknown = start(walker, cid, MiB, content_type="application/x-msdownload")
    assert unknown.status_code == 422 and "content_type" in unknown.get_json()["fields"]


def test_photo_and_audio_are_accepted_by_their_magic_bytes(walker):
    cid = walker.create_case()["id"]
    photo = upload(walker, cid, size=200_000, content_type="image/jpeg", seed=31)
    audio = upload(walker, cid, size=300_000, content_type="audio/mpeg", seed=32)
    assert photo["media_kind"] == "photo" and photo["file_name"].endswith(".jpg")
    assert audio["media_kind"] == "audio" and audio["file_name"].endswith(".mp3")


def test_only_the_uploader_continues_and_missing_metadata_is_listed(walker, app):
    cid = walker.create_case()["id"]
    res = walker.call("post", "/api/media/uploads", "officer1", json={"case_id": cid, "size": 10,
                                                                    "content_type": "video/mp4"})
    assert res.status_code == 422
    assert {"recorded_by", "officers", "device_id", "started_at", "ended_at", "place"} <= set(res.get_json()["fields"])
    uid = start(walker, cid, MiB).get_json()["id"]
    res = put(walker, uid, 0, next(chunks(MiB, MiB)), user="officer2")
    assert res.status_code == 403
    assert start(walker, cid, MiB, user="reviewer1").status_code == 403
    with app.app_context():
        assert db.session.get(UploadSession, uid).received == 0


def test_a_signed_in_page_uploads_with_its_csrf_token_and_a_bare_cookie_is_refused(app, walker, agency):
    """The task page hands recordings over through this same API with the browser's session; a session cookie
    without the page's CSRF token (what a forged cross-site request would carry) is refused, and the session may
    not reach any other endpoint of the API."""
    cid = walker.create_case()["id"]
    page = web(app, agency, "officer1")
    body = meta(cid, 2 * MiB)
    bare = page.client.post("/api/media/uploads", json=body)
    assert bare.status_code == 401 and "令牌" in bare.get_json()["message"]
    token = page.csrf(f"/cases/{cid}")
    headers = {"X-CSRFToken": token}
    assert page.client.post("/api/media/uploads", json=body, headers={"X-CSRFToken": "forged"}).status_code == 401
    res = page.client.post("/api/media/uploads", json=body, headers=headers)
    assert res.status_code == 201, res.get_json()
    uid, offset = res.get_json()["id"], 0
    for piece in chunks(2 * MiB, MiB, seed=31):
        res = page.client.put(f"/api/media/uploads/{uid}?offset={offset}", data=piece, headers=headers)
        assert res.status_code == 200, res.get_json()
        offset += len(piece)
    assert page.client.get(f"/api/media/uploads/{uid}", headers=headers).get_json()["received"] == offset
    done = page.client.post(f"/api/media/uploads/{uid}/finish", headers=headers)
    assert done.status_code == 201 and done.get_json()["sha256"] == sha256(2 * MiB, seed=31)
    assert page.client.get(f"/api/cases/{cid}", headers=headers).status_code == 401  # nothing else by cookie
