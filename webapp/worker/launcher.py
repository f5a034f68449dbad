"""``flask liuhen serve`` (what ``make run`` starts): gunicorn for the web and the worker service, side by side,
stopped together.

Ctrl-C (SIGINT) or SIGTERM stops both gracefully — gunicorn finishes the requests in flight, the worker its
current job — and if either dies the other is stopped too, so a supervisor (systemd, a terminal) never keeps
half a system running.  SIGHUP is passed to gunicorn: a graceful reload of the web workers.  In production
``deploy/`` runs the two as separate systemd services instead, each restartable on its own.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from types import FrameType

#: how long each process may take to finish what it is doing after being asked to stop
GRACE_SECONDS = 30


def web_workers() -> int:
    """``LIUHEN_WEB_WORKERS``, else two per core (gunicorn's rule of thumb for request-bound work)."""
    return int(os.environ.get("LIUHEN_WEB_WORKERS") or 2 * (os.cpu_count() or 1))


def web_threads() -> int:
    return int(os.environ.get("LIUHEN_WEB_THREADS") or 2)


def gunicorn_command(host: str, port: int, workers: int, threads: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
            "--threads", str(threads), "--graceful-timeout", str(GRACE_SECONDS), "--timeout", "120",
            "--worker-tmp-dir", "/dev/shm" if os.path.isdir("/dev/shm") else "/tmp", "--no-control-socket",
            "webapp:create_app()"]


def worker_command() -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "webapp:create_app", "liuhen", "worker"]


def serve(host: str, port: int, workers: int, threads: int, echo: Callable[[str], None] = print) -> int:
    """Start both, wait; return the exit status (0 after a requested stop)."""
    metrics = None
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # one folder for every gunicorn process's counters
        metrics = tempfile.mkdtemp(prefix="liuhen-metrics-")
    web_env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": metrics} if metrics else None
    procs = {"网页服务": subprocess.Popen(gunicorn_command(host, port, workers, threads), env=web_env),
             "后台服务": subprocess.Popen(worker_command())}
    echo("；".join(f"{name} pid {p.pid}" for name, p in procs.items())
         + f"；http://{host}:{port}（{workers} 个进程 × {threads} 个线程），Ctrl-C 停止")
    stopping: list[int] = []

    def forward(signum: int, _frame: FrameType | None) -> None:
        if signum == signal.SIGHUP:
            procs["网页服务"].send_signal(signal.SIGHUP)
            return
        stopping.append(signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    while not stopping and all(p.poll() is None for p in procs.values()):
        time.sleep(0.2)
    status = 0 if stopping else next(p.returncode for p in procs.values() if p.returncode is not None) or 1
    if not stopping:
        echo("、".join(n for n, p in procs.items() if p.returncode is not None) + " 已退出，停止其余进程")
    for p in procs.values():
        if p.poll() is None:
            p.terminate()  # SIGTERM: gunicorn's graceful shutdown; the worker finishes its job
    deadline = time.monotonic() + GRACE_SECONDS + 5
    for p in procs.values():
        try:
            p.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if metrics:
        shutil.rmtree(metrics, ignore_errors=True)
    echo("已停止")
    return status
