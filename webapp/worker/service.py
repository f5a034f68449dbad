"""The worker service (``flask liuhen worker``): one long-running loop that does what no request should wait for.

Each pass renders queued 文书 (:mod:`webapp.worker.sealing`: claimed with ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, retried with back-off, the error kept on the job), performs the outbox's sendings the same way
(:mod:`webapp.worker.outbox`: 电子送达) and runs every scheduled job that is due —
firing BPMN timers and deadline checks, purging abandoned uploads, ``verify`` — then records a heartbeat.
Several workers may run on several machines: a scheduled job is claimed by locking its row and moving its
next run on before it starts, so only one of them runs it; a render job by its claim.  A worker killed mid-job
loses nothing: its transaction rolls back, the render job's claim expires (``CLAIM_TIMEOUT``) and a scheduled
job runs again at its next time (they are all idempotent scans).

The scheduled jobs are given by the caller (``webapp.cli`` wires the same functions the one-off commands
``tick``, ``purge-uploads`` and ``verify`` run), so this layer imports none of them.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from handlers import clock
from webapp.db import db
from webapp.models import OutboxJob, RenderJob, ScheduledJob, WorkerHeartbeat
from webapp.worker import outbox, sealing

#: a pass renders at most this many 文书 before looking at the schedule and beating again
RENDER_BATCH = 20


class Findings(Exception):
    """Raised by a job that ran to the end and found problems (``verify``): recorded as failed with the message,
    next run on the normal schedule — retrying sooner would only find the same problems again."""


#: the 后台任务 page's Chinese name of each scheduled job (``webapp.cli.scheduled_jobs`` names them; a test keeps
#: the two in step, so no job is shown by its machine name)
JOB_TITLES = {"tick": "流程定时器与期限", "purge-uploads": "清除放弃的上传", "notify": "通知提醒",
              "verify": "完整性校验", "verify-full": "全量完整性校验", "supervision": "执法监督汇总"}


@dataclass(frozen=True)
class Scheduled:
    """A periodic job: its name (the row in ``scheduled_jobs``), how often, and what it runs (returns a summary)."""

    name: str
    every: dt.timedelta
    run: Callable[[], str]


@dataclass
class Worker:
    jobs: Sequence[Scheduled]
    name: str = ""
    started_at: dt.datetime | None = None
    done: int = 0
    failed: int = 0

    def __post_init__(self) -> None:
        self.name = self.name or sealing.worker_name()
        self.started_at = clock.now()

    # ------------------------------------------------------------------ one pass

    def run_once(self) -> int:
        """Render a batch of queued 文书 and run the scheduled jobs that are due; how many jobs were done."""
        self.beat("制作文书")
        done, failed = sealing.render_pending(worker=self.name, ignore_backoff=False, limit=RENDER_BATCH)
        self.beat("电子送达")
        sent, retried = outbox.send_pending(worker=self.name, limit=RENDER_BATCH)
        self.done, self.failed = self.done + done + sent, self.failed + failed + retried
        work = done + failed + sent + retried
        for job in self.jobs:
            work += self.run_scheduled(job)
        self.beat(None)
        return work

    def run_scheduled(self, job: Scheduled) -> int:
        """Claim ``job`` if it is due (row lock, skip if another worker holds it), run it, record the outcome."""
        now = clock.now()
        row = db.session.get(ScheduledJob, job.name, with_for_update={"skip_locked": True}, populate_existing=True)
        if row is None:
            self._create(job.name, now)
            row = db.session.get(ScheduledJob, job.name, with_for_update={"skip_locked": True}, populate_existing=True)
        if row is None or row.next_run_at > now:
            db.session.rollback()
            return 0
        row.next_run_at, row.started_at, row.worker = now + job.every, now, self.name
        db.session.commit()
        self.beat(job.name)
        try:
            summary = job.run()
            db.session.commit()
        except Findings as found:
            db.session.commit()
            self._finish(job.name, ok=False, error=str(found), every=job.every, retry=False)
            return 1
        except Exception as exc:  # noqa: BLE001 - a failing job is recorded and retried; the loop goes on
            db.session.rollback()
            current_app.logger.exception("后台任务 %s 失败", job.name)
            self._finish(job.name, ok=False, error=f"{type(exc).__name__}: {exc}", every=job.every)
            self.failed += 1
            return 1
        self._finish(job.name, ok=True, summary=summary, every=job.every)
        self.done += 1
        return 1

    def _create(self, name: str, now: dt.datetime) -> None:
        try:
            db.session.add(ScheduledJob(name=name, next_run_at=now, failures=0))
            db.session.commit()
        except IntegrityError:  # another worker made it first
            db.session.rollback()

    def _finish(self, name: str, *, ok: bool, every: dt.timedelta, summary: str | None = None,
                error: str | None = None, retry: bool = True) -> None:
        now = clock.now()
        values: dict[str, object] = {"finished_at": now, "ok": ok, "summary": (summary or "")[:1000] or None,
                                     "last_error": error[:1000] if error else None}
        if ok:
            values["failures"] = 0
        else:  # retry sooner than the schedule, backing off: 30 s, 1 min, 2 min … never later than the schedule
            failures = (db.session.scalar(select(ScheduledJob.failures).where(ScheduledJob.name == name)) or 0) + 1
            values["failures"] = failures
            if retry:
                values["next_run_at"] = now + min(sealing.backoff(failures), every)
        db.session.execute(update(ScheduledJob).where(ScheduledJob.name == name).values(**values))
        db.session.commit()

    # ------------------------------------------------------------------ heartbeat

    def beat(self, doing: str | None) -> None:
        """Upsert this worker's heartbeat (``/healthz`` and the admin page read it)."""
        now = clock.now()
        values = {"beat_at": now, "doing": doing, "jobs_done": self.done, "jobs_failed": self.failed}
        changed = db.session.execute(update(WorkerHeartbeat).where(WorkerHeartbeat.worker == self.name)
                                     .values(**values)).rowcount  # type: ignore[attr-defined]
        if not changed:
            db.session.add(WorkerHeartbeat(worker=self.name, started_at=self.started_at, **values))
        db.session.commit()

    def leave(self) -> None:
        """A clean stop removes the heartbeat, so a stopped worker is not mistaken for a stuck one."""
        db.session.rollback()
        db.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.worker == self.name))
        db.session.commit()

    # ------------------------------------------------------------------ the loop

    def run_forever(self, stop: threading.Event, poll: float) -> None:
        """Pass after pass until ``stop`` is set (SIGTERM/SIGINT); sleeps ``poll`` seconds when there was nothing to do.
        A database outage is logged and waited out, not fatal."""
        try:
            while not stop.is_set():
                try:
                    work = self.run_once()
                except Exception:  # noqa: BLE001 - e.g. the database restarting: wait and try again
                    db.session.rollback()
                    current_app.logger.exception("后台服务本轮出错，稍后重试")
                    work = 0
                finally:
                    db.session.remove()
                if not work:
                    stop.wait(poll)
        finally:
            self.leave()
            db.session.remove()


# ---------------------------------------------------------------------- what the admin page and /healthz show


@dataclass
class Queue:
    """One job queue as an administrator reads it: how many wait, since when, which failed last time and why."""

    depth: int
    oldest: dt.datetime | None
    failed: int  # how many open jobs failed their last attempt
    failing: list[Any]  # the first of them, with their error


@dataclass
class QueueState:
    documents: Queue
    outbox: Queue
    scheduled: list[ScheduledJob]
    workers: list[WorkerHeartbeat]


#: each queue's model and what makes one of its jobs still open
QUEUES: dict[str, tuple[Any, Any]] = {"documents": (RenderJob, RenderJob.document_id.is_(None)),
                                      "outbox": (OutboxJob, OutboxJob.done_at.is_(None))}


def queue(name: str, agency_id: int | None = None, failures: int = 50) -> Queue:
    """The open jobs of one queue (:data:`QUEUES`), of one agency or all."""
    model, open_ = QUEUES[name]
    mine = (open_,) if agency_id is None else (open_, model.agency_id == agency_id)
    failed = (*mine, model.last_error.is_not(None))
    depth, oldest = db.session.execute(select(func.count(), func.min(model.requested_at)).where(*mine)).one()
    failing = db.session.scalars(select(model).where(*failed).order_by(model.id).limit(failures)) if failures else ()
    return Queue(depth, oldest, db.session.scalar(select(func.count()).where(*failed)) or 0, list(failing))


def queue_state(agency_id: int | None = None, failures: int = 50) -> QueueState:
    """Queued 文书 and sendings (of one agency, or all), the oldest, the jobs whose last attempt failed, the
    schedule, the workers."""
    return QueueState(documents=queue("documents", agency_id, failures), outbox=queue("outbox", agency_id, failures),
                      scheduled=list(db.session.scalars(select(ScheduledJob).order_by(ScheduledJob.name))),
                      workers=list(db.session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.worker))))


def last_heartbeat() -> dt.datetime | None:
    return db.session.scalar(select(func.max(WorkerHeartbeat.beat_at)))
