"""HTTP load: 1, 4 and 8 clients walking general-procedure cases through the JSON API against the shipped server
(``flask liuhen serve``: gunicorn + the worker) and, for comparison in the same run, against ``flask run`` with
rendering in the request (what ``make run`` served before).  Prints completions/s, p50/p95 ms of a completion
(the ``…/complete`` request alone) and the 文书 render lag (completion → sealed PDF, from the server's own
timestamps).

    .venv/bin/python bench/http_load.py [--seconds 20] [--clients 1,4,8] [--pg postgresql://…] [--sqlite] [--no-flask-run]

Each server gets a fresh database (a PostgreSQL schema ``liuhen_bench_<pid>_<n>`` dropped afterwards, or a
temporary SQLite file with ``--sqlite``) and file store; tokens are issued for one agency made as the tests make it.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from tests.support.app import make_agency  # noqa: E402
from tests.support.http import HttpClient, free_port  # noqa: E402
from tests.support.walker import Walker  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.db import db  # noqa: E402
from webapp.loadgen.flows import decide_and_close, file_case, investigate, report_to_statement  # noqa: E402
from webapp.models import Document, RenderJob  # noqa: E402

ARGS = argparse.Namespace()


class TimedWalker(Walker):
    """Times every completion request; stops starting new cases once the clock runs out."""

    def __init__(self, client: Any, tokens: dict[str, str], times: list[float]) -> None:
        super().__init__(client, tokens)
        self.times = times

    def complete(self, case_id: int, task: dict[str, Any], user: str | None = None) -> Any:
        started = time.perf_counter()
        res = super().complete(case_id, task, user)
        self.times.append(time.perf_counter() - started)
        return res


def walk_case(w: Walker) -> None:
    cid = file_case(w)
    investigate(w, cid)
    report_to_statement(w, cid)
    decide_and_close(w, cid)


def database(n: int, tmp: Path) -> tuple[str, Any]:
    if ARGS.sqlite:
        return f"sqlite:///{tmp / f'bench{n}.sqlite'}", None
    schema = f"liuhen_bench_{os.getpid()}_{n}"
    engine = sa.create_engine(ARGS.pg)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()

    return f"{ARGS.pg}{'&' if '?' in ARGS.pg else '?'}options=-csearch_path%3D{schema}", drop


def run_server(kind: str, n: int, tmp: Path) -> dict[str, Any]:
    url, drop = database(n, tmp)
    files, key = tmp / f"files{n}", tmp / f"key{n}.pem"
    config = {"SQLALCHEMY_DATABASE_URI": url, "LIUHEN_FILE_STORE": str(files), "SECRET_KEY": "bench",
              "LIUHEN_SIGNING_KEY_FILE": str(key), "LIUHEN_LOGIN_LIMIT": "100000 per minute"}
    app = create_app(config)
    with app.app_context():
        upgrade(revision="heads")
    agency = make_agency(app)
    env = {**os.environ, "DATABASE_URL": url, "LIUHEN_FILE_STORE": str(files), "LIUHEN_SECRET_KEY": "bench",
           "LIUHEN_SIGNING_KEY_FILE": str(key), "LIUHEN_INSTANCE": str(tmp / f"inst{n}"), "LIUHEN_VERIFY_MINUTES": "0",
           "LIUHEN_VERIFY_FULL_MINUTES": "0",
           "LIUHEN_WORKER_POLL_SECONDS": "0.5", "LIUHEN_LOG_FORMAT": "json"}
    port = free_port()
    flask = [sys.executable, "-m", "flask", "--app", "webapp:create_app"]
    if kind == "serve":
        command = [*flask, "liuhen", "serve", "--port", str(port)]
    else:  # the development server, rendering in the request as main did by default
        command, env = [*flask, "run", "--port", str(port), "--with-threads"], {**env, "LIUHEN_RENDER_INLINE": "1"}
    log = open(tmp / f"server{n}.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(f"{base}/login", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        results = {}
        for clients in ARGS.clients:
            results[clients] = load(base, agency.tokens, clients)
        results["lag"] = render_lag(app)
        return results
    finally:
        proc.terminate()
        proc.wait(60)
        log.close()
        with app.app_context():
            db.engine.dispose()
        if drop:
            drop()


def load(base: str, tokens: dict[str, str], clients: int) -> dict[str, float]:
    times: list[float] = []
    stop = time.monotonic() + ARGS.seconds
    errors: list[BaseException] = []

    def client() -> None:
        w = TimedWalker(HttpClient(base), tokens, times)
        try:
            while time.monotonic() < stop:
                walk_case(w)
        except BaseException as exc:  # noqa: BLE001 - reported
            errors.append(exc)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    if errors:
        print(f"  ! {len(errors)} client error(s): {errors[0]!r}"[:300])
    ordered = sorted(times)
    return {"completions": len(times), "per_s": len(times) / elapsed, "p50": statistics.median(ordered) * 1000,
            "p95": ordered[int(len(ordered) * 0.95) - 1] * 1000 if ordered else 0.0}


def render_lag(app: Any, wait: float = 120) -> dict[str, float]:
    """Wait for the queue to drain, then completion → sealed PDF for every job, from the server's timestamps."""
    end = time.monotonic() + wait
    with app.app_context():
        while time.monotonic() < end:
            pending = db.session.scalar(select(sa.func.count()).where(RenderJob.document_id.is_(None)))
            db.session.rollback()
            if not pending:
                break
            time.sleep(0.5)
        rows = db.session.execute(select(RenderJob.requested_at, Document.made_at)
                                  .join(Document, Document.id == RenderJob.document_id)).all()
        db.session.remove()
    lags = sorted((made - requested).total_seconds() for requested, made in rows)
    if not lags:
        return {"jobs": 0, "p50": 0.0, "p95": 0.0, "pending": pending}
    return {"jobs": len(lags), "p50": statistics.median(lags), "p95": lags[int(len(lags) * 0.95) - 1],
            "pending": pending}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", default="1,4,8")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--no-flask-run", action="store_true")
    parser.parse_args(namespace=ARGS)
    ARGS.clients = [int(c) for c in ARGS.clients.split(",")]
    print(f"{'SQLite' if ARGS.sqlite else 'PostgreSQL'}, {os.cpu_count()} cores, {ARGS.seconds:.0f} s per level")
    with tempfile.TemporaryDirectory(prefix="liuhen-http-load-") as tmp:
        kinds = ["serve"] + ([] if ARGS.no_flask_run else ["flask run"])
        for n, kind in enumerate(kinds):
            results = run_server(kind, n, Path(tmp))
            label = "flask liuhen serve (gunicorn + worker)" if kind == "serve" else "flask run (render inline)"
            print(label)
            for clients in ARGS.clients:
                r = results[clients]
                print(f"  {clients} client(s): {r['completions']:5d} completions, {r['per_s']:6.1f}/s, "
                      f"p50 {r['p50']:6.1f} ms, p95 {r['p95']:6.1f} ms")
            lag = results["lag"]
            print(f"  文书: {lag['jobs']} sealed, render lag p50 {lag['p50']:.1f} s, p95 {lag['p95']:.1f} s"
                  + (f", {lag['pending']} still queued" if lag["pending"] else ""))


if __name__ == "__main__":
    main()
