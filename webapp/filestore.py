"""The content-addressed, write-once local file store.

A file's name is its SHA-256, computed while it is written, so the same bytes are stored once and
any change to a stored file is detectable by recomputing the name.  Files are made read-only and
never opened for writing again.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

CHUNK = 1 << 20


class FileStore:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return len(sha256) == 64 and self.path(sha256).is_file()

    def put(self, stream: BinaryIO, max_bytes: int | None = None) -> tuple[str, int]:
        """Store ``stream``; return its SHA-256 and size.  Raises ValueError if empty or past ``max_bytes``."""
        digest, size = hashlib.sha256(), 0
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise ValueError(f"文件超过上限 {max_bytes} 字节")
                    digest.update(chunk)
                    out.write(chunk)
            if size == 0:
                raise ValueError("文件为空，未保存")
            sha = digest.hexdigest()
            target = self.path(sha)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(tmp, 0o444)
                os.replace(tmp, target)
            return sha, size
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def hash_of(self, sha256: str) -> str | None:
        """Recompute the stored file's hash (``None`` if the file is missing)."""
        path = self.path(sha256)
        if not path.is_file():
            return None
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def all_hashes(self) -> Iterator[str]:
        for path in self.root.glob("??/??/*"):
            yield path.name
