"""The app's settings: from the environment, with the embedded defaults (SQLite and local files in the instance folder)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def instance_path() -> str:
    return os.environ.get("LIUHEN_INSTANCE", str(ROOT / "instance"))


def from_environment(instance: str) -> dict[str, Any]:
    """Every setting the deployment may give as an environment variable (documented in README.md)."""
    return dict(
        SECRET_KEY=os.environ.get("LIUHEN_SECRET_KEY") or _instance_secret(instance),
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance) / 'liuhen.sqlite'}",
        LIUHEN_FILE_STORE=os.environ.get("LIUHEN_FILE_STORE") or str(Path(instance) / "files"),
        LIUHEN_STORAGE=os.environ.get("LIUHEN_STORAGE") or "local",
        LIUHEN_S3_ENDPOINT_URL=os.environ.get("LIUHEN_S3_ENDPOINT_URL"),
        LIUHEN_S3_REGION=os.environ.get("LIUHEN_S3_REGION"),
        LIUHEN_WORKFLOWS_DIR=str(ROOT / "workflows"),
        MAX_CONTENT_LENGTH=int(os.environ.get("LIUHEN_MAX_UPLOAD", 2 * 1024**3)),
        LIUHEN_SIGNING_KEY=os.environ.get("LIUHEN_SIGNING_KEY"),
        LIUHEN_SIGNING_KEY_FILE=os.environ.get("LIUHEN_SIGNING_KEY_FILE") or str(Path(instance) / "signing_key.pem"),
        LIUHEN_RETIRED_KEYS_DIR=os.environ.get("LIUHEN_RETIRED_KEYS_DIR"),
        LIUHEN_CHECKPOINT_EVERY=int(os.environ.get("LIUHEN_CHECKPOINT_EVERY", 1000)),
        LIUHEN_CHECKPOINT_MINUTES=float(os.environ.get("LIUHEN_CHECKPOINT_MINUTES", 10)),
        LIUHEN_RENDER_STALE_MINUTES=float(os.environ.get("LIUHEN_RENDER_STALE_MINUTES", 30)),
        LIUHEN_RENDER_AT_START=os.environ.get("LIUHEN_RENDER_AT_START", "1") not in ("0", "false", "no"),
        JSON_AS_ASCII=False,
    )


def _instance_secret(instance: str) -> str:
    """A per-installation secret key, made once and kept in the instance folder."""
    path = Path(instance) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
