"""Reaching past the file store's write-once interface, as an intruder or a failing disk would, on
either backend; and the S3-compatible server the suite starts (moto in server mode, over HTTP)."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3

from webapp.store.files import FileStore, LocalStore

S3_KEYS = {"LIUHEN_S3_ACCESS_KEY_ID": "liuhen-test", "LIUHEN_S3_SECRET_ACCESS_KEY": "liuhen-test-secret",
           "LIUHEN_S3_REGION": "us-east-1"}


def stored_bytes(store: FileStore, sha256: str) -> bytes:
    with store.open(sha256) as fh:
        return fh.read()


def raw_write(store: FileStore, name: str, data: bytes) -> None:
    """Create or replace the object called ``name``, bypassing the store."""
    if isinstance(store, LocalStore):
        path = store.root / name[:2] / name[2:4] / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            os.chmod(path, 0o644)
        path.write_bytes(data)
        os.chmod(path, 0o444)
    else:
        store.client.put_object(Bucket=store.bucket, Key=store.key(name), Body=data)


def raw_delete(store: FileStore, name: str) -> None:
    if isinstance(store, LocalStore):
        (store.root / name[:2] / name[2:4] / name).unlink()
    else:
        store.client.delete_object(Bucket=store.bucket, Key=store.key(name))


@contextmanager
def moto_server() -> Iterator[str]:
    """A real S3-compatible HTTP server on 127.0.0.1 (a free port); yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def new_bucket(endpoint: str) -> tuple[str, Any]:
    """A fresh bucket and a client of its own (the test's view of the bucket, not the app's)."""
    client = boto3.client("s3", endpoint_url=endpoint, region_name=S3_KEYS["LIUHEN_S3_REGION"],
                          aws_access_key_id=S3_KEYS["LIUHEN_S3_ACCESS_KEY_ID"],
                          aws_secret_access_key=S3_KEYS["LIUHEN_S3_SECRET_ACCESS_KEY"])
    bucket = f"liuhen-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    return bucket, client
