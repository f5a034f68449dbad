"""The file store in an S3-compatible bucket (boto3): objects ``<prefix>ab/cd/<sha256>``, written once.

Write-once: a name that exists is never uploaded again (checked with HEAD, and the upload itself
carries ``If-None-Match: *`` so the server refuses to replace an object created meanwhile).  For
immutability against the bucket's own users, turn on versioning with Object Lock; see README.

Resumable uploads keep their partial bytes in the local spool (``LIUHEN_FILE_STORE``), not as an S3
multipart upload: a retried chunk must be compared with the bytes already received, a failed chunk
cut back to its offset, and the hash state rebuilt after a restart by reading the bytes back, none of
which S3 parts allow (they are immutable, at least 5 MiB, and cannot be read before completion).
The finished file, hashed while it was written, is then uploaded part by part under its hash, so the
memory used is one part whatever the file's size.
"""
from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlparse

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from webapp.store.files import LOGS, FileStore, is_sha256

PART = 8 << 20
MAX_PARTS = 9000  # S3 allows 10,000 parts per object
_ABSENT = {"404", "NoSuchKey", "NotFound"}


#: what a bucket that is down, unreachable or refusing raises; the app answers 503 (webapp.views)
STORAGE_ERRORS = (BotoCoreError, ClientError)


def unavailable_message(exc: Exception) -> str:
    return f"对象存储暂不可用，操作未完成，未作任何更改，请稍后重试或联系系统管理员（{type(exc).__name__}：{exc}）"


def _absent(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code")) in _ABSENT


class S3Store(FileStore):
    def __init__(self, client: Any, bucket: str, prefix: str, spool: str | Path) -> None:
        self.client, self.bucket = client, bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.spool = Path(spool)
        self.spool.mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_config(cls, spec: str, config: Mapping[str, Any]) -> S3Store:
        """``s3://bucket/prefix``; endpoint and region from ``LIUHEN_S3_ENDPOINT_URL`` / ``LIUHEN_S3_REGION``,
        keys from ``LIUHEN_S3_ACCESS_KEY_ID`` / ``LIUHEN_S3_SECRET_ACCESS_KEY`` or boto3's usual chain (AWS_*)."""
        url = urlparse(spec)
        if not url.netloc:
            raise ValueError(f"LIUHEN_STORAGE 须写明存储桶，如 s3://liuhen-evidence/prod，收到 {spec!r}")
        endpoint = config.get("LIUHEN_S3_ENDPOINT_URL") or None
        client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint, region_name=config.get("LIUHEN_S3_REGION") or None,
            aws_access_key_id=config.get("LIUHEN_S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.get("LIUHEN_S3_SECRET_ACCESS_KEY") or None,
            config=Config(s3={"addressing_style": "path" if endpoint else "auto"},
                          retries={"max_attempts": 5, "mode": "standard"}))
        return cls(client, url.netloc, url.path, config["LIUHEN_FILE_STORE"])

    def key(self, sha256: str) -> str:
        return f"{self.prefix}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def exists(self, sha256: str) -> bool:
        if not is_sha256(sha256):
            return False
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as exc:
            if _absent(exc):
                return False
            raise
        return True

    def open(self, sha256: str) -> BinaryIO:
        if not is_sha256(sha256):
            raise FileNotFoundError(sha256)
        return io.BufferedReader(S3Object(self.client, self.bucket, self.key(sha256)), buffer_size=1 << 20)

    def remove(self, sha256: str) -> bool:
        if not self.exists(sha256):
            return False
        self.client.delete_object(Bucket=self.bucket, Key=self.key(sha256))
        return True

    def put_log(self, name: str, body: bytes) -> bool:
        """Written once (If-None-Match); with Object Lock on the bucket it cannot be rewritten or deleted either."""
        try:
            self.client.put_object(Bucket=self.bucket, Key=f"{self.prefix}{LOGS}/{name}", Body=body, IfNoneMatch="*")
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412"):
                return False
            raise
        return True

    def get_log(self, name: str) -> bytes | None:
        try:
            body: bytes = self.client.get_object(Bucket=self.bucket, Key=f"{self.prefix}{LOGS}/{name}")["Body"].read()
        except ClientError as exc:
            if _absent(exc):
                return None
            raise
        return body

    def log_names(self, prefix: str) -> list[str]:
        start = f"{self.prefix}{LOGS}/"
        return sorted(obj["Key"][len(start):]
                      for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                                        Prefix=start + prefix)
                      for obj in page.get("Contents", []))

    def all_hashes(self) -> Iterator[str]:
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
            for obj in page.get("Contents", []):
                if obj["Key"].startswith(f"{self.prefix}{LOGS}/"):
                    continue
                rest = obj["Key"][len(self.prefix):]
                name = rest.rsplit("/", 1)[-1]
                yield name if self.key(name) == obj["Key"] else rest

    def _commit(self, source: Path, sha256: str) -> bool:
        if self.exists(sha256):
            return False
        try:
            if source.stat().st_size <= PART:
                with source.open("rb") as body:
                    self.client.put_object(Bucket=self.bucket, Key=self.key(sha256), Body=body, IfNoneMatch="*")
            else:
                self._multipart(source, self.key(sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412"):
                return False
            raise
        return True

    def _multipart(self, source: Path, key: str) -> None:
        """Upload part by part, one part in memory; an unfinished upload is aborted, leaving no object."""
        upload_id = self.client.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        parts: list[dict[str, Any]] = []
        size = max(PART, -(-source.stat().st_size // MAX_PARTS))
        try:
            with source.open("rb") as fh:
                while piece := fh.read(size):
                    n = len(parts) + 1
                    res = self.client.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=n,
                                                  Body=piece)
                    parts.append({"PartNumber": n, "ETag": res["ETag"]})
            self.client.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                                  MultipartUpload={"Parts": parts}, IfNoneMatch="*")
        except BaseException:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            raise


class S3Object(io.RawIOBase):
    """A stored object as a seekable file: each read streams from the current position with one
    ranged GET, so a download resumed at byte N (HTTP Range) fetches only what it sends.  Reads are
    pinned to the ETag seen when opened, so a replaced object fails instead of mixing two versions."""

    _body: Any | None  # the streaming body of the current ranged GET (botocore's StreamingBody)

    def __init__(self, client: Any, bucket: str, key: str) -> None:
        super().__init__()
        self.client, self.bucket, self.name = client, bucket, key
        try:
            head = client.head_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            if _absent(exc):
                raise FileNotFoundError(key) from exc
            raise
        self.size, self.etag = int(head["ContentLength"]), head["ETag"]
        self._pos, self._body = 0, None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = {io.SEEK_SET: offset, io.SEEK_CUR: self._pos + offset, io.SEEK_END: self.size + offset}[whence]
        if target != self._pos:
            self._drop()
            self._pos = max(0, target)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        if self._pos >= self.size:
            return 0
        if self._body is None:
            self._body = self.client.get_object(Bucket=self.bucket, Key=self.name, IfMatch=self.etag,
                                                Range=f"bytes={self._pos}-")["Body"]
        data = self._body.read(len(buffer))
        if not data:
            raise OSError(f"读取 {self.name} 时连接中断：第 {self._pos} / {self.size} 字节")
        buffer[:len(data)] = data
        self._pos += len(data)
        return len(data)

    def _drop(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None

    def close(self) -> None:
        self._drop()
        super().close()
