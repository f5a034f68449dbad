"""Canonical JSON and SHA-256, the one way every hash in the record store and audit chain is made."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    raise TypeError(f"cannot hash {type(value).__name__}")


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default)


def sha256_of(value: Any) -> str:
    return hashlib.sha256(canonical(value).encode("utf-8")).hexdigest()


def sha256_bytes(data: bytes | str) -> str:
    """SHA-256 of raw bytes (text as UTF-8): files, tokens, packages."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()
