"""电子送达: the system sends the sealed 文书 to the address the party confirmed, and the record proves what arrived.

行政处罚法 第六十一条 allows it only when the party agreed and signed a 送达地址确认书; 民事诉讼法 第九十条 dates the
service the day the message reaches the party's designated system.  An officer records ``electronic_service`` with
the document chosen by id; :func:`deliver` refuses without the signed consent, sends through the configured channel
and fills in what the officer cannot type: the address confirmed, the message id, the SHA-256 of the PDF sent, the
moment the receiving server accepted it and its reply (the receipt).

The channel is pluggable (``LIUHEN_SERVICE_CHANNEL``, :data:`CHANNELS`): SMTP by default, where the receiving
server's reply to DATA (250 and its queue id) is the receipt of the designated system.  The record is validated,
with what the sending fills in stood in for, before the mail leaves, so a record refused for what the officer typed
sends nothing.  The mail still leaves before the commit: a commit that then fails (the database down) leaves a mail
sent without its record, which the officer sees as an error and the retry sends again (the party then holds two
identical messages with the same hash).
"""
from __future__ import annotations

import smtplib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import make_msgid
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import select

from handlers import clock
from handlers.catalogue import CATALOGUE
from handlers.records.service_methods import ELECTRONIC_BASIS
from webapp import store
from webapp.cases import references
from webapp.db import db
from webapp.errors import Invalid
from webapp.models import Agency, Case, Record

KIND = "electronic_service"


@dataclass(frozen=True)
class Delivery:
    message_id: str
    receipt: str


class Channel(Protocol):
    def send(self, to: str, subject: str, body: str, attachment: tuple[str, bytes]) -> Delivery: ...


@dataclass(frozen=True)
class SmtpChannel:
    host: str
    port: int
    sender: str
    timeout: float = 30.0

    def send(self, to: str, subject: str, body: str, attachment: tuple[str, bytes]) -> Delivery:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, to, subject
        msg["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        msg.set_content(body)
        msg.add_attachment(attachment[1], maintype="application", subtype="pdf", filename=attachment[0])
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.ehlo()
            code, reply = smtp.mail(self.sender)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, self.sender)
            code, reply = smtp.rcpt(to)
            if code not in (250, 251):
                raise smtplib.SMTPRecipientsRefused({to: (code, reply)})
            code, reply = smtp.data(msg.as_bytes(policy=SMTP_POLICY))  # CRLF line ends: smtplib fixes only str
            if code != 250:
                raise smtplib.SMTPDataError(code, reply)
        return Delivery(str(msg["Message-ID"]), f"{code} {reply.decode(errors='replace')}")


def _smtp(config: Mapping[str, Any]) -> Channel:
    return SmtpChannel(str(config.get("LIUHEN_SMTP_HOST") or "127.0.0.1"), int(config.get("LIUHEN_SMTP_PORT") or 25),
                       str(config.get("LIUHEN_MAIL_FROM") or "liuhen@localhost"))


CHANNELS: dict[str, Callable[[Mapping[str, Any]], Channel]] = {"smtp": _smtp}


def channel() -> Channel:
    name = str(current_app.config.get("LIUHEN_SERVICE_CHANNEL") or "smtp")
    if name not in CHANNELS:
        raise Invalid(f"未知的电子送达渠道：{name}（可用：{'、'.join(CHANNELS)}）")
    return CHANNELS[name](current_app.config)


def confirmed_address(case_id: int) -> str | None:
    """The electronic address of the case's newest 送达地址确认书, if the party consented and signed it."""
    row = db.session.scalar(select(Record).where(Record.case_id == case_id,
                                                 Record.kind == "service_address_confirmation")
                            .order_by(Record.id.desc()).limit(1))
    if row is None or not row.payload.get("electronic_consent"):
        return None
    return str(row.payload.get("electronic_address") or "") or None


def deliver(case: Case, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Send the chosen 文书 to the confirmed address and return the record's payload with the proof filled in."""
    agency = db.session.get(Agency, case.agency_id)
    cite = agency.settings.citer().text if agency else (lambda refs: "；".join(refs))
    basis = cite(ELECTRONIC_BASIS.split("；"))
    address = confirmed_address(case.id)
    if address is None:
        raise Invalid(f"当事人未签订同意电子送达的送达地址确认书，不得电子送达（依据：{basis}）",
                      fields={"address": ["无当事人同意电子送达的送达地址确认书"]})
    typed = str(payload.get("address") or address).strip()
    if typed != address:
        raise Invalid(f"电子送达只能送至送达地址确认书确认的地址 {address}（依据：{basis}）",
                      fields={"address": [f"应为 {address}"]})
    raw_id = payload.get("document_id")
    doc = references.issued(case.id, int(raw_id)) if isinstance(raw_id, int) and not isinstance(raw_id, bool) else None
    if doc is None:
        raise Invalid("须选择本案已制作的文书", fields={"document_id": ["本案没有该文书"]})
    sha = doc.sha256
    sent_at = clock.now()
    _refuse_before_sending(payload, address, sha, sent_at)
    with store.current().open(sha) as fh:
        pdf = fh.read()
    name = agency.name if agency else ""
    try:
        delivery = channel().send(address, f"{name}{doc.title}（{doc.number}）",
                                  f"{case.party_name}：\n\n根据您签订的送达地址确认书，现向您电子送达{doc.title}（{doc.number}），"
                                  f"见附件。文书已由{name}电子签章。\n\n{name}", (f"{doc.number}{doc.title}.pdf", pdf))
    except (OSError, smtplib.SMTPException) as exc:  # not delivered: no record, the officer may retry or choose another way
        raise Invalid(f"电子送达未能到达受送达人的系统（{exc}），未保存记录；可稍后重试或改用其他送达方式",
                      fields={"address": ["未能送达"]}) from exc
    return {**payload, "address": address, "channel": "email", "message_id": delivery.message_id, "sha256": sha,
            "sent_at": sent_at.isoformat(), "delivered_at": clock.now().isoformat(), "receipt": delivery.receipt}


def _refuse_before_sending(payload: Mapping[str, Any], address: str, sha: str, at: Any) -> None:
    """The record as it will be stored, with what the sending fills in stood in for, must already be valid: a mail
    must not leave for a record that is then refused (an unknown field, a bad value the officer typed)."""
    trial = {**payload, "address": address, "channel": "email", "message_id": "<trial@liuhen>", "sha256": sha,
             "sent_at": at.isoformat(), "delivered_at": at.isoformat(), "receipt": "250"}
    errors = CATALOGUE[KIND].validate(trial, store.current().exists)
    if errors:
        raise Invalid(f"{CATALOGUE[KIND].title}填写有误，未发送也未保存", kind=KIND, fields=errors)


#: record kinds the system completes when an officer submits them (the proof of an act the system performs)
SYSTEM_MADE: dict[str, Callable[[Case, Mapping[str, Any]], dict[str, Any]]] = {KIND: deliver}
