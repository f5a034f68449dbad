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
import threading
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


def worker_processes() -> int:
    """``LIUHEN_WORKER_PROCESSES``, else one per two cores (at least one): a 文书 costs a process's whole core for
    its ~60–100 ms, so one process renders ~10 a second; the other cores stay with the web."""
    return max(1, int(os.environ.get("LIUHEN_WORKER_PROCESSES") or (os.cpu_count() or 1) // 2))


def worker_nice() -> int:
    """``LIUHEN_WORKER_NICE`` (0–19), else 10: the worker's processes yield the cores to the web when both want them,
    so an officer's request is not kept waiting behind PDFs; an idle core still renders at full speed."""
    return min(19, max(0, int(os.environ.get("LIUHEN_WORKER_NICE") or 10)))


def lower_priority() -> None:
    """Set this process's niceness to :func:`worker_nice` (absolute, so a helper started by a worker does not add its
    own on top); where the system refuses, the worker runs as it is."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, max(worker_nice(), os.getpriority(os.PRIO_PROCESS, 0)))
    except (AttributeError, OSError):
        pass


class Helpers:
    """The worker's extra processes (``LIUHEN_WORKER_PROCESSES`` − 1 of them), each a whole ``flask liuhen worker
    --processes 1`` claiming jobs like any other worker (``FOR UPDATE SKIP LOCKED``, leases): a thread started
    beside the worker's own loop starts them, restarts one that dies, and on :meth:`stop` asks each to finish its
    job (SIGTERM) and waits.  One that was killed or crashed is started again."""

    def __init__(self, count: int, echo: Callable[[str], None] = print) -> None:
        self.count, self.echo = count, echo
        self.procs: list[subprocess.Popen[bytes]] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._supervise, name="liuhen-worker-helpers", daemon=True)

    def start(self) -> Helpers:
        self.procs = [self._spawn() for _ in range(self.count)]
        if self.procs:
            self.echo("另有后台进程 pid " + "、".join(str(p.pid) for p in self.procs))
            self.thread.start()
        return self

    def _spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen([*worker_command(), "--processes", "1"])

    def _supervise(self) -> None:
        while not self.stopping.wait(1.0):
            for i, p in enumerate(self.procs):  # a clean exit (0: Ctrl-C reached it too) is not restarted
                if p.poll() not in (None, 0) and not self.stopping.is_set():
                    self.echo(f"后台进程 {p.pid} 已退出（{p.returncode}），重新启动")
                    self.procs[i] = self._spawn()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join()
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        deadline = time.monotonic() + GRACE_SECONDS + 5
        for p in self.procs:
            try:
                p.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


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
