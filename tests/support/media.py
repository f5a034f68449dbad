"""Deterministic recording bytes, streamed, and an uploader that drives the chunked API."""
from __future__ import annotations

import datetime as dt
import hashlib
import random
import struct
from collections.abc import Iterator
from typing import Any

from handlers import clock

MiB = 1 << 20
_BLOCK = random.Random(6).randbytes(MiB)
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
HEADS = {"video/mp4": MP4_HEAD, "audio/mpeg": b"ID3\x04\x00\x00\x00\x00\x00\x00", "image/jpeg": b"\xff\xd8\xff\xe0JFIF",
         "audio/amr": b"#!AMR\n" + b"\x00" * 10}


def recording(size: int, content_type: str = "video/mp4", seed: int = 0) -> Iterator[bytes]:
    """``size`` bytes in 1 MiB pieces: a valid header, then a random block stamped with the piece number."""
    head = HEADS[content_type]
    n, left = 0, size
    while left > 0:
        piece = struct.pack(">QQ", seed, n) + _BLOCK[16:]
        if n == 0:
            piece = head + piece[len(head):]
        piece = piece[:left]
        yield piece
        left -= len(piece)
        n += 1


def chunks(size: int, chunk: int, content_type: str = "video/mp4", seed: int = 0) -> Iterator[bytes]:
    buf = bytearray()
    for piece in recording(size, content_type, seed):
        buf += piece
        while len(buf) >= chunk:
            yield bytes(buf[:chunk])
            del buf[:chunk]
    if buf:
        yield bytes(buf)


def sha256(size: int, content_type: str = "video/mp4", seed: int = 0) -> str:
    digest = hashlib.sha256()
    for piece in recording(size, content_type, seed):
        digest.update(piece)
    return digest.hexdigest()


def meta(case_id: int, size: int, **over: Any) -> dict[str, Any]:
    end = clock.now() - dt.timedelta(hours=1)
    return {"case_id": case_id, "content_type": "video/mp4", "size": size, "recorded_by": "张明",
            "officers": ["张明", "李强"], "device_id": "DSJ-2026-0001", "place": "抚顺县石文镇人民路 18 号星光网吧",
            "started_at": (end - dt.timedelta(minutes=40)).isoformat(), "ended_at": end.isoformat(), **over}


def start(walker: Any, case_id: int, size: int, user: str = "officer1", **over: Any) -> Any:
    return walker.call("post", "/api/media/uploads", user, json=meta(case_id, size, **over))


def put(walker: Any, upload_id: str, offset: int, body: bytes, user: str = "officer1") -> Any:
    return walker.call("put", f"/api/media/uploads/{upload_id}?offset={offset}", user, data=body,
                       content_type="application/octet-stream")


def upload(walker: Any, case_id: int, size: int = 3 * MiB, chunk: int = MiB, seed: int = 0, user: str = "officer1",
           **over: Any) -> dict[str, Any]:
    """Hand over a whole recording; return the finished item's JSON."""
    res = start(walker, case_id, size, user, **over)
    assert res.status_code == 201, res.get_json()
    uid, offset = res.get_json()["id"], 0
    for body in chunks(size, chunk, over.get("content_type", "video/mp4"), seed):
        res = put(walker, uid, offset, body, user)
        assert res.status_code == 200, res.get_json()
        offset += len(body)
    res = walker.call("post", f"/api/media/uploads/{uid}/finish", user)
    assert res.status_code in (200, 201), res.get_json()
    return res.get_json()
