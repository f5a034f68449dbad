"""电子送达 through an outbox: the request stores what is to be sent, the worker sends it and records what arrived.

行政处罚法 第六十一条 allows it only when the party agreed and signed a 送达地址确认书; 民事诉讼法 第九十条 dates the
service the day the message reaches the party's designated system.  So the legal moment belongs to the sending, not
to the request that asked for it:

1. The officer records ``electronic_service`` with the 文书 chosen by id.  :func:`prepare` refuses without the signed
   consent, at another address, for a 文书 already being sent or served, and with any field only the sending may
   fill in; it stores the version ``pending`` (待发送: the document's SHA-256 and the confirmed address), and
   :func:`queue` adds an outbox job (:class:`webapp.models.OutboxJob`) in the same transaction.  A commit that fails
   leaves neither, and nothing was sent.
2. The worker (:mod:`webapp.worker.outbox`) claims the job, sends the stored PDF through the configured channel and
   appends the outcome as a new version of the record: ``sent`` (已发送) with the message id, the moment the
   receiving server accepted it (``delivered_at``, the date of service) and its reply; or, after its retries,
   ``failed`` (发送失败) with the reason.  Each attempt that fails is an audit entry.  Nothing is updated in place.
3. The task completes only on a ``sent`` version (``RecordKind.awaits``); periods count from its ``delivered_at``.

The channel is pluggable (``LIUHEN_SERVICE_CHANNEL``, :data:`CHANNELS`): SMTP by default, where the receiving
server's reply to DATA (250 and its queue id) is the receipt of the designated system.  The Message-ID is fixed by
the job, so if the worker dies after the server accepted the mail but before its commit, the retry sends the same
message again (same Message-ID, same hash) rather than a different one.
"""
from __future__ import annotations

import smtplib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import select

from handlers import clock
from handlers.records.service_methods import ELECTRONIC_BASIS, PROOF_FIELDS, SENDING
from webapp.cases import references
from webapp.db import db
from webapp.errors import Invalid
from webapp.models import Agency, Case, Document, OutboxJob, Record

KIND = "electronic_service"
#: fields of the record only the system writes: an officer who types one is refused (a proof is never typed)
SYSTEM_FIELDS = ("channel", "sha256", "status", "failure", "attempts", *PROOF_FIELDS)


@dataclass(frozen=True)
class Delivery:
    message_id: str
    receipt: str


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    attachment: tuple[str, bytes]
    message_id: str


class Channel(Protocol):
    def send(self, mail: Mail) -> Delivery: ...


class Permanent(Exception):
    """The receiving system refused for good (an SMTP 5xx reply): retrying cannot help."""


@dataclass(frozen=True)
class SmtpChannel:
    host: str
    port: int
    sender: str
    timeout: float = 30.0

    def send(self, mail: Mail) -> Delivery:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = self.sender, mail.to, mail.subject, mail.message_id
        msg.set_content(mail.body)
        msg.add_attachment(mail.attachment[1], maintype="application", subtype="pdf", filename=mail.attachment[0])
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.ehlo()
            _accepted(*smtp.mail(self.sender), (250,), "发件人")
            _accepted(*smtp.rcpt(mail.to), (250, 251), "收件人")
            code, reply = smtp.data(msg.as_bytes(policy=SMTP_POLICY))  # CRLF line ends: smtplib fixes only str
            _accepted(code, reply, (250,), "邮件内容")
        return Delivery(mail.message_id, f"{code} {reply.decode(errors='replace')}")


def _accepted(code: int, reply: bytes, ok: tuple[int, ...], what: str) -> None:
    if code in ok:
        return
    text = f"接收服务器拒收{what}：{code} {reply.decode(errors='replace')}"
    raise Permanent(text) if 500 <= code < 600 else smtplib.SMTPResponseException(code, text)


def _smtp(config: Mapping[str, Any]) -> Channel:
    return SmtpChannel(str(config.get("LIUHEN_SMTP_HOST") or "127.0.0.1"), int(config.get("LIUHEN_SMTP_PORT") or 25),
                       str(config.get("LIUHEN_MAIL_FROM") or "liuhen@localhost"))


CHANNELS: dict[str, Callable[[Mapping[str, Any]], Channel]] = {"smtp": _smtp}


def channel() -> Channel:
    name = str(current_app.config.get("LIUHEN_SERVICE_CHANNEL") or "smtp")
    if name not in CHANNELS:
        raise Permanent(f"未知的电子送达渠道：{name}（可用：{'、'.join(CHANNELS)}）")
    return CHANNELS[name](current_app.config)


def confirmed_address(case_id: int) -> str | None:
    """The electronic address of the case's newest 送达地址确认书, if the party consented and signed it."""
    row = db.session.scalar(select(Record).where(Record.case_id == case_id,
                                                 Record.kind == "service_address_confirmation")
                            .order_by(Record.id.desc()).limit(1))
    if row is None or not row.payload.get("electronic_consent"):
        return None
    return str(row.payload.get("electronic_address") or "") or None


# --------------------------------------------------------------------------- the request


def prepare(case: Case, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The ``pending`` version of the record the officer asks for: the confirmed address and the SHA-256 of the 文书
    as issued; refused without consent, at another address, twice for one 文书, or with a proof typed in."""
    agency = db.session.get(Agency, case.agency_id)
    basis = (agency.settings.citer().text if agency else "；".join)(ELECTRONIC_BASIS.split("；"))
    typed = {k: ["由系统发送时填写，不得录入"] for k in SYSTEM_FIELDS if k in payload}
    if typed:
        raise Invalid("电子送达记录的发送结果由系统在发送后记录，不得录入", kind=KIND, fields=typed)
    address = confirmed_address(case.id)
    if address is None:
        raise Invalid(f"当事人未签订同意电子送达的送达地址确认书，不得电子送达（依据：{basis}）",
                      fields={"address": ["无当事人同意电子送达的送达地址确认书"]})
    if str(payload.get("address") or address).strip() != address:
        raise Invalid(f"电子送达只能送至送达地址确认书确认的地址 {address}（依据：{basis}）",
                      fields={"address": [f"应为 {address}"]})
    raw_id = payload.get("document_id")
    doc = references.issued(case.id, int(raw_id)) if isinstance(raw_id, int) and not isinstance(raw_id, bool) else None
    if doc is None:
        raise Invalid("须选择本案已制作的文书", fields={"document_id": ["本案没有该文书"]})
    if busy := _already(case.id, doc.id):
        raise Invalid(f"{doc.title}（{doc.number}）{busy}，不再重复发送", fields={"document_id": [busy]})
    return {**payload, "document_id": doc.id, "address": address, "channel": "email", "sha256": doc.sha256,
            "status": "pending"}


def _already(case_id: int, document_id: int) -> str | None:
    """Whether the 文书 is being sent (an open job) or was served electronically (a ``sent`` version)."""
    rows = db.session.scalars(select(Record).where(Record.case_id == case_id, Record.kind == KIND).order_by(Record.id))
    newest = {r.task_id: r for r in rows if r.payload.get("document_id") == document_id}
    states = {str(r.payload.get("status")) for r in newest.values()}
    return "已电子送达" if "sent" in states else "正在电子送达（待发送）" if "pending" in states else None


def queue(record: Record) -> None:
    """The outbox job of a ``pending`` record, in the request's transaction (the worker sends after the commit)."""
    db.session.add(OutboxJob(agency_id=record.agency_id, case_id=record.case_id, kind=KIND, record_id=record.id,
                             requested_by=record.author_id, requested_at=clock.now(), attempts=0))


@dataclass(frozen=True)
class SystemAct:
    """A record kind whose act the system performs: ``prepare`` makes the stored payload from what the officer
    chose, ``queue`` asks the worker to perform the act once the record is stored (same transaction)."""

    prepare: Callable[[Case, Mapping[str, Any]], dict[str, Any]]
    queue: Callable[[Record], None]


#: record kinds the system completes when an officer submits them (the proof of an act the system performs)
SYSTEM_MADE: dict[str, SystemAct] = {KIND: SystemAct(prepare, queue)}


# --------------------------------------------------------------------------- the sending (called by the worker)


def message_id(job_id: int, config: Mapping[str, Any]) -> str:
    domain = str(config.get("LIUHEN_MAIL_FROM") or "liuhen@localhost").rpartition("@")[2] or "localhost"
    return f"<electronic-service-{job_id}@{domain}>"


def mail_for(job: OutboxJob, pending: Record, doc: Document, pdf: bytes) -> Mail:
    """The message: to the confirmed address, the issued 文书 attached as sealed, its 文号 in the subject."""
    agency = db.session.get(Agency, job.agency_id)
    case = db.session.get(Case, job.case_id)
    name, party = (agency.name if agency else ""), (case.party_name if case else "")
    return Mail(str(pending.payload["address"]), f"{name}{doc.title}（{doc.number}）",
                f"{party}：\n\n根据您签订的送达地址确认书，现向您电子送达{doc.title}（{doc.number}），见附件。"
                f"文书已由{name}电子签章。\n\n{name}", (f"{doc.number}{doc.title}.pdf", pdf),
                message_id(job.id, current_app.config))


def sent(pending: Mapping[str, Any], delivery: Delivery, sent_at: Any, delivered_at: Any, attempts: int
         ) -> dict[str, Any]:
    return {**pending, "status": "sent", "message_id": delivery.message_id, "sent_at": sent_at.isoformat(),
            "delivered_at": delivered_at.isoformat(), "receipt": delivery.receipt, "attempts": attempts}


def failed(pending: Mapping[str, Any], reason: str, attempts: int) -> dict[str, Any]:
    return {**pending, "status": "failed", "failure": reason[:500], "attempts": attempts}


# --------------------------------------------------------------------------- what the case page shows


@dataclass(frozen=True)
class Sending:
    title: str
    address: str
    state: str  # 待发送 / 已发送 / 发送失败
    detail: str
    verbatim: str = ""  # what the receiving server said, or the Message-ID: shown as machine text, never translated


def sendings(case_id: int) -> list[Sending]:
    """Each electronic sending of the case as its newest version has it: 待发送 (with the last failed attempt, if
    any), 已发送 (when it reached the party's system, the message id) or 发送失败 (with the reason)."""
    rows = list(db.session.scalars(select(Record).where(Record.case_id == case_id, Record.kind == KIND)
                                   .order_by(Record.id)))
    jobs = {j.record_id: j for j in db.session.scalars(select(OutboxJob).where(OutboxJob.case_id == case_id))}
    newest: dict[str, Record] = {r.task_id: r for r in rows}
    first: dict[str, Record] = {}
    for r in rows:
        if r.payload.get("status") == "pending":
            first[r.task_id] = r
    return [_sending(r, jobs.get(first[t].id) if t in first else None) for t, r in newest.items()]


def _said(reason: object) -> tuple[str, str]:
    """A failure as (our Chinese words, the server's own): reasons are written ``接收服务器拒收…：550 …``; a reason
    without our words (a connection error) is all the server's or the system's."""
    said, sep, raw = str(reason or "").partition("：")
    return (said, raw) if sep else ("", said)


def _sending(r: Record, job: OutboxJob | None) -> Sending:
    p = r.payload
    doc = db.session.get(Document, p.get("document_id"))
    title = f"{doc.title}（{doc.number}）" if doc else f"文书 {p.get('document_id')}"
    status = str(p.get("status") or "sent")
    state = SENDING.get(status, status)
    if status == "sent":
        return Sending(title, str(p.get("address") or ""), state,
                       f"{clock.local_text(p.get('delivered_at'))} 到达受送达人系统；Message-ID", str(p.get("message_id")))
    if status == "failed":
        said, raw = _said(p.get("failure"))
        return Sending(title, str(p.get("address") or ""), state,
                       f"{said or '原因'}（共发送 {p.get('attempts', 1)} 次）：", raw)
    if job and job.last_error:
        said, raw = _said(job.last_error)
        return Sending(title, str(p.get("address") or ""), state,
                       f"第 {job.attempts} 次发送未成功，将自动重试；{said or '原因'}：", raw)
    return Sending(title, str(p.get("address") or ""), state, "已排队，由后台服务发送")

