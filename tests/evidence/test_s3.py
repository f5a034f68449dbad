"""The same evidence tests with the file store in an S3-compatible bucket: a moto server over HTTP on
127.0.0.1, started here, and an app of its own (its own database, so ``verify`` sees only its files).

The tests below are imported from the local-store modules and run again against this module's ``app``.
"""
from __future__ import annotations

import pytest

from tests.conftest import migrated_app, private_database
from tests.documents.test_sealing import test_a_walked_case_leaves_its_documents_sealed_and_downloadable  # noqa: F401
from tests.evidence.test_upload_expiry import test_an_abandoned_upload_is_purged_and_cannot_be_resumed  # noqa: F401
from tests.support.media import upload
from tests.support.storage import S3_KEYS, moto_server, new_bucket
from webapp.store.s3 import S3Store

pytestmark = pytest.mark.xdist_group("s3")  # its module fixture is built once, on one worker

PREFIX = "evidence/2026"


@pytest.fixture(scope="module")
def bucket():
    with moto_server() as endpoint:
        name, client = new_bucket(endpoint)
        yield endpoint, name, client


@pytest.fixture(scope="module")
def s3_app(bucket, tmp_path_factory, clock):
    endpoint, name, _ = bucket
    with private_database(tmp_path_factory) as url, migrated_app(
            url, tmp_path_factory, clock, LIUHEN_STORAGE=f"s3://{name}/{PREFIX}", LIUHEN_S3_ENDPOINT_URL=endpoint,
            **S3_KEYS) as app:
        yield app


@pytest.fixture()
def app(s3_app):
    return s3_app


def test_recordings_go_to_the_bucket_not_the_local_directory(walker, app, bucket):
    _, name, client = bucket
    store = app.extensions["liuhen.files"]
    assert isinstance(store, S3Store) and store.bucket == name
    item = upload(walker, walker.create_case()["id"], seed=90)
    sha = item["sha256"]
    key = f"{PREFIX}/{sha[:2]}/{sha[2:4]}/{sha}"
    assert client.head_object(Bucket=name, Key=key)["ContentLength"] == item["size"]
    assert not any(p.is_file() and p.name == sha for p in store.spool.rglob("*"))
    assert list(store.spool.glob(".upload-*")) == []


def test_a_large_recording_is_uploaded_in_parts(walker, app, bucket, monkeypatch):
    """Above one part the store uses a multipart upload; the object is whole and named by its hash."""
    from webapp.store import s3 as filestore_s3

    _, name, client = bucket
    monkeypatch.setattr(filestore_s3, "PART", 5 << 20)  # S3's smallest part, to keep the test small
    item = upload(walker, walker.create_case()["id"], size=12 << 20, chunk=4 << 20, seed=91)
    sha = item["sha256"]
    head = client.head_object(Bucket=name, Key=f"{PREFIX}/{sha[:2]}/{sha[2:4]}/{sha}")
    assert head["ContentLength"] == 12 << 20 and head["ETag"].strip('"').endswith("-3")
    assert app.extensions["liuhen.files"].hash_of(sha) == sha


def test_a_misconfigured_storage_setting_is_refused():
    from webapp.store import open_store

    with pytest.raises(ValueError, match="LIUHEN_STORAGE 只能是"):
        open_store({"LIUHEN_STORAGE": "ftp://x", "LIUHEN_FILE_STORE": "/tmp"})
    with pytest.raises(ValueError, match="须写明存储桶"):
        open_store({"LIUHEN_STORAGE": "s3://", "LIUHEN_FILE_STORE": "/tmp"})


def test_an_unreachable_bucket_gets_a_clear_error_and_changes_nothing(walker, app, monkeypatch):
    """The bucket going down mid-service: 503 with a Chinese message, and verify says so instead of a traceback."""
    import socket

    import boto3
    from botocore.config import Config

    from webapp.cli import cli

    item = upload(walker, walker.create_case()["id"], seed=92)
    with socket.socket() as s:  # a port on which nothing listens
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    store = app.extensions["liuhen.files"]
    monkeypatch.setattr(store, "client", boto3.client(
        "s3", endpoint_url=dead, region_name="us-east-1", config=Config(retries={"max_attempts": 1}), **{
            "aws_access_key_id": S3_KEYS["LIUHEN_S3_ACCESS_KEY_ID"],
            "aws_secret_access_key": S3_KEYS["LIUHEN_S3_SECRET_ACCESS_KEY"]}))
    res = walker.call("get", f"/api/media/{item['id']}/content", "officer1")
    assert res.status_code == 503 and "对象存储暂不可用" in res.get_json()["message"]
    out = app.test_cli_runner().invoke(cli, ["verify"])
    assert out.exit_code == 2 and "对象存储暂不可用" in out.output
