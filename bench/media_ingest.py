"""Benchmark: ingest of one large recording through the chunked upload API, beside ``sha256sum``.

Writes a deterministic file (default 1 GiB) to a temporary directory, times ``sha256sum`` on it,
then uploads it through the real JSON API (start, PUT chunks, finish) to the app served by
Werkzeug's HTTP server in its own process, into a fresh file store and database, and prints both
throughputs, their ratio and the server process's memory (RSS before, peak during the upload).  Targets (issue 6): ingest ≥ 70 % of ``sha256sum``'s MB/s, memory
growth < 100 MB.

    .venv/bin/python bench/media_ingest.py [--size-mb 1024] [--chunk-mb 16] [--pg postgresql://…]
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from handlers.clock import FixedClock  # noqa: E402
from tests.support.media import MiB, recording  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.accounts import (  # noqa: E402
    create_agency,
    create_user,
    issue_token,  # noqa: E402
)
from webapp.db import db  # noqa: E402
from webapp.engine.deployment import deploy_base  # noqa: E402
from webapp.engine.diagrams import PROCEDURES  # noqa: E402


def _status(field: str, status: Path = Path("/proc/self/status")) -> int:
    """A memory figure of a process from /proc (kB → bytes)."""
    for line in status.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _reset_peak(pid: int) -> None:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0), so the peak measured is the upload's own."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


def write_file(path: Path, size: int) -> None:
    with path.open("wb") as fh:
        for piece in recording(size, seed=1024):
            fh.write(piece)


def time_sha256sum(path: Path) -> tuple[float, str]:
    subprocess.run(["sha256sum", str(path)], check=True, capture_output=True)  # warm the page cache
    t0 = time.perf_counter()
    out = subprocess.run(["sha256sum", str(path)], check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - t0, out.split()[0]


def setup(url: str, files: str) -> tuple[str, int]:
    clock = FixedClock()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LIUHEN_FILE_STORE": files, "SECRET_KEY": "bench",
                      "LIUHEN_CLOCK": clock})
    with app.app_context():
        upgrade(revision="heads")
        stamp = int(time.time())
        agency = create_agency(f"bench-media-{stamp}", "基准测试执法队", PROCEDURES)
        user = create_user(agency, f"bench-officer-{stamp}", "张明", ["officer"], "pw")
        deploy_base(agency, PROCEDURES)
        db.session.commit()
        token = issue_token(user)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    res = client.post("/api/cases", headers=headers, json={"title": "星光网吧接纳未成年人上网案", "party_name": "星光网吧"})
    assert res.status_code == 201, res.get_json()
    return token, res.get_json()["id"]


SERVER = """
import sys
sys.path.insert(0, {root!r})
from werkzeug.serving import make_server
from handlers.clock import FixedClock
from webapp import create_app
app = create_app({{"SQLALCHEMY_DATABASE_URI": {url!r}, "LIUHEN_FILE_STORE": {files!r}, "SECRET_KEY": "bench",
                  "LIUHEN_CLOCK": FixedClock()}})
server = make_server("127.0.0.1", 0, app)
print(server.server_port, flush=True)
server.serve_forever()
"""


class _Slice:
    """``n`` bytes of an open file, read in 1 MiB blocks by http.client: the client holds no chunk in memory."""

    def __init__(self, fh, n: int) -> None:
        self.fh, self.left = fh, n

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        data = self.fh.read(size)
        self.left -= len(data)
        return data


def _call(conn: http.client.HTTPConnection, method: str, url: str, token: str, body=None, length: int | None = None,
          json_body: dict | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    if json_body is not None:
        body = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
        length = len(body)
    if length is not None:
        headers["Content-Length"] = str(length)
    conn.request(method, url, body=body, headers=headers)
    res = conn.getresponse()
    data = json.loads(res.read() or b"{}")
    assert res.status in (200, 201), (res.status, data)
    return data


def ingest(url: str, files: str, token: str, case_id: int, path: Path, size: int,
           chunk: int) -> tuple[float, str, int, int]:
    """Upload through a real HTTP server in its own process; return time, hash and that process's memory."""
    root = str(Path(__file__).resolve().parent.parent)
    proc = subprocess.Popen([sys.executable, "-c", SERVER.format(root=root, url=url, files=files)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = int(proc.stdout.readline())
        conn = http.client.HTTPConnection("127.0.0.1", port, blocksize=1 << 20)
        end = dt.datetime.now(dt.UTC)
        meta = {"case_id": case_id, "content_type": "video/mp4", "size": size, "recorded_by": "张明",
                "officers": ["张明", "李强"], "device_id": "DSJ-BENCH", "place": "基准测试",
                "started_at": (end - dt.timedelta(hours=1)).isoformat(), "ended_at": end.isoformat()}
        _call(conn, "GET", "/api/me", token)  # warm up: imports, first request
        status = Path(f"/proc/{proc.pid}/status")
        base = _status("VmRSS", status)
        _reset_peak(proc.pid)
        t0 = time.perf_counter()
        uid, offset = _call(conn, "POST", "/api/media/uploads", token, json_body=meta)["id"], 0
        with path.open("rb") as fh:
            while offset < size:
                n = min(chunk, size - offset)
                _call(conn, "PUT", f"/api/media/uploads/{uid}?offset={offset}", token, _Slice(fh, n), n)
                offset += n
        done = _call(conn, "POST", f"/api/media/uploads/{uid}/finish", token)
        elapsed = time.perf_counter() - t0
        return elapsed, done["sha256"], base, _status("VmHWM", status)
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--chunk-mb", type=int, default=16)
    parser.add_argument("--pg", help="PostgreSQL URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    size, chunk = args.size_mb * MiB, args.chunk_mb * MiB
    with tempfile.TemporaryDirectory(prefix="liuhen-media-bench-") as tmp:
        src = Path(tmp) / "recording.mp4"
        write_file(src, size)
        sum_s, sum_hash = time_sha256sum(src)
        url = args.pg or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        files = str(Path(tmp) / "files")
        token, case_id = setup(url, files)
        up_s, up_hash, base, peak = ingest(url, files, token, case_id, src, size, chunk)
        assert up_hash == sum_hash, "ingest hash differs from sha256sum"
        mb = size / 1e6
        print(f"file: {size / MiB:.0f} MiB, chunks of {chunk / MiB:.0f} MiB, database: {url.split(':')[0]}")
        print(f"sha256sum:        {sum_s:7.2f} s  {mb / sum_s:8.1f} MB/s")
        print(f"liuhen ingest:    {up_s:7.2f} s  {mb / up_s:8.1f} MB/s  (upload + hash + write-once store)")
        print(f"ratio:            {sum_s / up_s * 100:6.1f} % of sha256sum (target ≥ 70 %)")
        print(f"server memory:    RSS before {base / MiB:.0f} MiB, peak during upload {peak / MiB:.0f} MiB, "
              f"growth {(peak - base) / MiB:.0f} MiB (target < 100 MB held by the upload)")
        print(f"sha256:           {up_hash} (matches sha256sum)")


if __name__ == "__main__":
    main()
