"""The content-addressed, write-once file store, with two backends behind one interface.

A file's name is its SHA-256, computed while it is written, so the same bytes are stored once and
any change to a stored file is detectable by recomputing the name.  A stored name is never written
again.  :class:`LocalStore` keeps files in a local directory (the default); :class:`~webapp.filestore_s3.S3Store`
keeps them in an S3-compatible bucket.  Both spool incoming bytes and resumable uploads in a local
directory first: the name is known only once the last byte has been hashed.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
PARTIAL = ".partial"
LOGS = "logs"  # named, write-once objects beside the content-addressed files: signed checkpoints
_SHA = re.compile(r"[0-9a-f]{64}")


def is_sha256(value: str) -> bool:
    return bool(_SHA.fullmatch(value or ""))


class FileStore(ABC):
    """What every backend offers; callers never touch paths or keys of stored files.

    ``spool`` is a local directory for bytes not yet named: temporary files and partial uploads.
    """

    spool: Path

    @abstractmethod
    def exists(self, sha256: str) -> bool: ...

    @abstractmethod
    def open(self, sha256: str) -> BinaryIO:
        """A seekable binary stream of a stored file; ``FileNotFoundError`` if it is not there."""

    @abstractmethod
    def remove(self, sha256: str) -> bool:
        """Delete a stored file's bytes (approved disposal only); ``True`` if there were any."""

    @abstractmethod
    def all_hashes(self) -> Iterator[str]:
        """The names of everything stored, including anything that is not a SHA-256 and should not be there."""

    @abstractmethod
    def _commit(self, source: Path, sha256: str) -> bool:
        """Store the finished local file ``source`` as ``sha256`` unless that name exists; ``True`` if added."""

    @abstractmethod
    def put_log(self, name: str, body: bytes) -> bool:
        """Write a named log object (a signed checkpoint) once; ``False`` if the name is taken (never overwritten)."""

    @abstractmethod
    def get_log(self, name: str) -> bytes | None: ...

    @abstractmethod
    def log_names(self, prefix: str) -> list[str]:
        """The names of the log objects under ``prefix``, sorted."""

    def put(self, stream: BinaryIO, max_bytes: int | None = None) -> tuple[str, int]:
        """Store ``stream``; return its SHA-256 and size.  Raises ValueError if empty or past ``max_bytes``."""
        digest, size = hashlib.sha256(), 0
        self.spool.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.spool, prefix=".upload-")
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
            self._commit(Path(tmp), sha)
            return sha, size
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def hash_of(self, sha256: str) -> str | None:
        """Recompute the stored file's hash (``None`` if the file is missing)."""
        digest = hashlib.sha256()
        try:
            with self.open(sha256) as fh:
                while chunk := fh.read(CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            return None
        return digest.hexdigest()

    def partial(self, upload_id: str) -> Partial:
        return Partial(self.spool / PARTIAL / upload_id)

    def adopt(self, partial: Partial, sha256: str) -> bool:
        """Store a finished upload under its hash; ``False`` if those bytes were already there."""
        added = self._commit(partial.path, sha256)
        partial.discard()
        return added


class LocalStore(FileStore):
    """Files under ``root/ab/cd/<sha256>``, read-only once written; the spool is ``root`` itself,
    so a finished file is renamed into place atomically on the same file system."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.spool = self.root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return is_sha256(sha256) and self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        if not is_sha256(sha256):
            raise FileNotFoundError(sha256)
        return self.path(sha256).open("rb")

    def all_hashes(self) -> Iterator[str]:
        for path in self.root.glob("??/??/*"):
            yield path.name

    def remove(self, sha256: str) -> bool:
        if not self.exists(sha256):
            return False
        self.path(sha256).unlink()
        return True

    def _log_path(self, name: str) -> Path:
        if ".." in name.split("/"):
            raise ValueError(name)
        return self.root / LOGS / name

    def put_log(self, name: str, body: bytes) -> bool:
        path = self._log_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        except FileExistsError:
            return False
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        return True

    def get_log(self, name: str) -> bytes | None:
        try:
            return self._log_path(name).read_bytes()
        except FileNotFoundError:
            return None

    def log_names(self, prefix: str) -> list[str]:
        base = self.root / LOGS
        return sorted(str(p.relative_to(base)) for p in (base / prefix).glob("**/*") if p.is_file())

    def _commit(self, source: Path, sha256: str) -> bool:
        target = self.path(sha256)
        if target.exists():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(source, 0o444)
        os.replace(source, target)
        return True



_hash_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="liuhen-hash")
PIECE = 4 << 20


def _fill(stream: BinaryIO, buf: bytearray) -> int:
    """Read into ``buf`` until it is full or the stream ends; reuse the buffer, allocate nothing."""
    view, n = memoryview(buf), 0
    readinto = getattr(stream, "readinto", None)
    while n < len(buf):
        if readinto is not None:
            got = readinto(view[n:])
        else:
            data = stream.read(len(buf) - n)
            got = len(data)
            view[n:n + got] = data
        if not got:
            break
        n += got
    return n


class Partial:
    """An upload in progress: bytes appended at known offsets, hashed while written.

    The hash state lives in memory between chunks (see :class:`HashCache`); a process that lacks it
    (a restart, another web worker) rebuilds it by reading the partial file once.  Memory stays at a
    few pieces of :data:`CHUNK` whatever the file's size.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def size(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Serialise writers of one upload across threads and processes on this host."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def rehash(self, upto: int) -> hashlib._Hash:
        digest = hashlib.sha256()
        if upto == 0:
            return digest
        with self.path.open("rb") as fh:
            left = upto
            while left > 0 and (piece := fh.read(min(CHUNK, left))):
                digest.update(piece)
                left -= len(piece)
        return digest

    def head(self, n: int) -> bytes:
        if not self.path.exists():
            return b""
        with self.path.open("rb") as fh:
            return fh.read(n)

    def same_bytes(self, offset: int, stream: BinaryIO) -> bool:
        """Whether ``stream`` equals what is already stored at ``offset`` (a retried chunk)."""
        with self.path.open("rb") as fh:
            fh.seek(offset)
            while piece := stream.read(CHUNK):
                if fh.read(len(piece)) != piece:
                    return False
        return True

    def append(self, offset: int, stream: BinaryIO, digest: hashlib._Hash, limit: int) -> int:
        """Write ``stream`` at ``offset`` (anything after it is cut first) and feed ``digest``.

        Hashing runs on a worker thread while the next piece is read and this one written (hashlib
        releases the GIL), so ingest runs at about the speed of hashing alone.  Raises ValueError,
        leaving the file at ``offset``, if the bytes would pass ``limit``.  Returns bytes written.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        written, pending, buffers = 0, None, (bytearray(PIECE), bytearray(PIECE))
        with open(self.path, "r+b" if self.path.exists() else "w+b") as out:
            out.truncate(offset)
            out.seek(offset)
            try:
                while n := _fill(stream, buffers[0]):
                    if offset + written + n > limit:
                        raise ValueError(f"超出声明的文件大小 {limit} 字节")
                    piece = memoryview(buffers[0])[:n]
                    if pending is not None:
                        pending.result()
                    pending = _hash_pool.submit(digest.update, piece)
                    out.write(piece)
                    written += n
                    buffers = buffers[::-1]  # fill the other buffer while this one is hashed
            except BaseException:
                if pending is not None:
                    pending.result()
                out.truncate(offset)
                raise
            if pending is not None:
                pending.result()
        return written

    def discard(self) -> None:
        for path in (self.path, self.path.with_suffix(".lock")):
            if path.exists():
                path.unlink()


class HashCache:
    """Per-process hash states of uploads in progress, keyed by upload id and valid at one offset."""

    def __init__(self) -> None:
        self._states: dict[str, tuple[int, hashlib._Hash]] = {}

    def take(self, upload_id: str, offset: int, partial: Partial) -> hashlib._Hash:
        """The hash of the first ``offset`` bytes: the cached state if it is at that offset, else recomputed."""
        state = self._states.pop(upload_id, None)
        if state is not None and state[0] == offset:
            return state[1]
        return partial.rehash(offset)

    def keep(self, upload_id: str, offset: int, digest: hashlib._Hash) -> None:
        self._states[upload_id] = (offset, digest)

    def drop(self, upload_id: str) -> None:
        self._states.pop(upload_id, None)


#: running digests of this process's resumable uploads (media uploads, and their purge when abandoned)
UPLOAD_DIGESTS = HashCache()
