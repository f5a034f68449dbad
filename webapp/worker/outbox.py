"""The outbox: acts outside the system a request asked for, performed by the worker after the request committed.

Today one kind: 电子送达 (:mod:`webapp.cases.electronic`).  A job is claimed like a render job
(:mod:`.claims`: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a lease, back-off); the PDF is read and the mail sent
with no transaction open; then one transaction appends the outcome as a new version of the record and marks the
job done — only while the claim is still ours, so a worker whose lease ran out records nothing twice.  A failed
attempt is an audit entry and a back-off (30 s, 1 min, 2 min …); a refusal for good (SMTP 5xx) or the last of
:data:`MAX_ATTEMPTS` ends the job with a ``failed`` version that says why, which the case page shows.
"""
from __future__ import annotations

import smtplib
from collections.abc import Mapping
from typing import Any, cast

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from handlers import clock
from handlers.audit_actions import Action
from webapp import store
from webapp.cases import electronic
from webapp.db import db
from webapp.models import Case, Document, OutboxJob, Record
from webapp.store import audit
from webapp.worker import claims

#: after this many attempts that failed for a passing reason (no answer, 4xx), the sending is recorded as failed
MAX_ATTEMPTS = 5
#: what a sending may fail with and be recorded as not sent (anything else is a bug: logged, retried, kept on the job)
SENDING_ERRORS = (OSError, smtplib.SMTPException, electronic.Permanent)


def send_pending(case_id: int | None = None, *, worker: str, ignore_backoff: bool = False,
                 limit: int | None = None) -> tuple[int, int]:
    """Perform open outbox jobs, each claimed and finished in its own transactions; (finished, retried later)."""
    done, retry = 0, set[int]()
    while limit is None or done + len(retry) < limit:
        job_id = claims.claim(OutboxJob, OutboxJob.done_at.is_(None), worker, case_id, ignore_backoff, skip=retry)
        if job_id is None:
            break
        try:
            finished = perform(job_id, worker)
        except Exception as exc:  # noqa: BLE001 - not a sending failure but a fault: kept on the job, retried
            db.session.rollback()
            _retry_later(job_id, worker, f"{type(exc).__name__}: {exc}", 0)
            current_app.logger.exception("电子送达（任务 %s）出错，已留待重试", job_id)
            finished = False
        if finished:
            done += 1
        else:
            retry.add(job_id)
    return done, len(retry)


def perform(job_id: int, worker: str) -> bool:
    """Send a claimed job's mail and record the outcome; True when the job is finished (sent, or failed for good)."""
    job = cast(OutboxJob, db.session.get(OutboxJob, job_id))  # claimed, so the row exists
    pending = cast(Record, db.session.get(Record, job.record_id))  # a job's record exists (foreign key)
    doc = cast(Document, db.session.get(Document, pending.payload["document_id"]))  # checked when it was asked for
    with store.current().open(str(pending.payload["sha256"])) as fh:  # exactly what the request chose, as sealed
        pdf = fh.read()
    mail = electronic.mail_for(job, pending, doc, pdf)
    attempts = job.attempts
    db.session.commit()  # nothing held while the mail is on its way
    sent_at = clock.now()
    try:
        delivery = electronic.channel().send(mail)
    except SENDING_ERRORS as exc:
        reason = _reason(exc)
        if isinstance(exc, electronic.Permanent) or attempts >= MAX_ATTEMPTS:
            return _finish(job_id, worker, electronic.failed(pending.payload, reason, attempts))
        _retry_later(job_id, worker, reason, attempts)
        return False
    return _finish(job_id, worker, electronic.sent(pending.payload, delivery, sent_at, clock.now(), attempts))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, electronic.Permanent):
        return str(exc)
    if isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException):
        return f"无法连接接收服务器（{exc.strerror or exc}）"
    return f"接收服务器未接受：{exc}"


def _finish(job_id: int, worker: str, payload: Mapping[str, Any]) -> bool:
    """Append the outcome as the record's next version and close the job, in one transaction."""
    job = cast(OutboxJob, db.session.get(OutboxJob, job_id, populate_existing=True))
    pending = cast(Record, db.session.get(Record, job.record_id))
    case = cast(Case, db.session.get(Case, job.case_id, with_for_update=True, populate_existing=True))
    newest = db.session.scalar(select(Record).where(Record.task_id == pending.task_id, Record.kind == pending.kind)
                               .order_by(Record.version.desc()).limit(1)) or pending
    now = clock.now()
    record = Record(agency_id=pending.agency_id, case_id=pending.case_id, task_id=pending.task_id,
                    task_name=pending.task_name, kind=pending.kind, version=newest.version + 1, supersedes_id=newest.id,
                    payload=dict(payload), author_id=job.requested_by, created_at=now)
    record.content_hash = audit.record_hash(record)
    case.touch(now)  # bumps the revision: a completion reading the pending version meanwhile becomes stale
    db.session.add(record)
    db.session.flush()
    audit.append(record.agency_id, Action.RECORD_ADDED, case_id=record.case_id,
                 detail={"record_id": record.id, "kind": record.kind, "version": record.version,
                         "task_id": record.task_id, "content_hash": record.content_hash, "by": "worker",
                         "outbox_job": job_id, "status": payload.get("status")})
    closed = cast("CursorResult[Any]", db.session.execute(
        update(OutboxJob).where(OutboxJob.id == job_id, OutboxJob.done_at.is_(None), OutboxJob.claimed_by == worker)
        .values(done_at=now, outcome_id=record.id, last_error=payload.get("failure"))
        .execution_options(synchronize_session=False)))
    if closed.rowcount != 1:  # our lease ran out and another worker holds the job: it records the outcome
        db.session.rollback()
        return False
    db.session.commit()
    return True


def _retry_later(job_id: int, worker: str, reason: str, attempts: int) -> None:
    """Keep the job with its reason and a back-off; the failed attempt is an audit entry of the case."""
    job = cast(OutboxJob, db.session.get(OutboxJob, job_id, populate_existing=True))
    attempts = attempts or job.attempts
    db.session.execute(update(OutboxJob).where(OutboxJob.id == job_id, OutboxJob.claimed_by == worker)
                       .values(last_error=reason[:1000], claimed_at=None, claimed_by=None,
                               not_before=clock.now() + claims.backoff(attempts))
                       .execution_options(synchronize_session=False))
    audit.append(job.agency_id, Action.SENDING_FAILED, case_id=job.case_id,
                 detail={"outbox_job": job_id, "record_id": job.record_id, "attempt": attempts, "reason": reason[:500],
                         "retry": f"第 {attempts} 次，共 {MAX_ATTEMPTS} 次"})
    db.session.commit()
    current_app.logger.warning("电子送达（任务 %s）第 %s 次发送未成功：%s", job_id, attempts, reason)

