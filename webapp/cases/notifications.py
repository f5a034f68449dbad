"""Each user's notifications — a new task, an approval waiting, a period about to end (黄牌), a period ended (红牌) —
and their delivery by e-mail through a pluggable channel.

The list is derived from the open tasks of the user's roles, so it is never out of step with the cases; what has gone
out by a channel is kept (``notification_deliveries``, one row per user, notice and channel, append-only), so a sweep
sends each notice once however often it runs (``flask liuhen notify``, or the worker on a schedule).
"""
from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Protocol

from sqlalchemy import select

from handlers import clock, deadlines
from handlers.roles import MANAGER_ROLES, TASK_ROLES
from webapp.cases.queue import open_tasks
from webapp.db import db
from webapp.models import NotificationDelivery, User

LIMIT = 200
KINDS = {"overdue": "已逾期", "due_soon": "即将到期", "approval": "待审批", "task": "新任务"}


@dataclass(frozen=True)
class Notice:
    key: str  # unique per user: "<kind>:<task id>"
    kind: str  # a key of KINDS
    text: str
    case_id: int
    task_id: str
    at: dt.datetime

    @property
    def title(self) -> str:
        return KINDS[self.kind]


def for_user(user: User) -> list[Notice]:
    """The user's notices, the overdue first, then those about to end, then the newest tasks and approvals."""
    if not user.has_any(*TASK_ROLES):
        return []
    now, hours = clock.now(), user.agency.settings.deadline_warning_hours
    out: list[Notice] = []
    for task, case in open_tasks(user, limit=LIMIT):
        where = f"案件 {case.id}“{case.title}”的“{task.title}”"
        kind = "approval" if task.role in MANAGER_ROLES else "task"
        out.append(Notice(f"{kind}:{task.id}", kind, f"{where}{'等待审批' if kind == 'approval' else '待办理'}",
                          case.id, task.id, task.ready_at))
        state = deadlines.standing(task.due_at, now, hours)
        if state and task.due_at is not None:
            due = clock.local_text(task.due_at)
            text = f"{where}已于 {due} 届满，已逾期" if state == "overdue" else f"{where}将于 {due} 届满"
            out.append(Notice(f"{state}:{task.id}", state, text, case.id, task.id, task.due_at))
    order = list(KINDS)
    return sorted(out, key=lambda n: (order.index(n.kind), -n.at.timestamp()))


class Channel(Protocol):
    """Where notices go besides the page: e-mail today, an SMS gateway or 政务微信 tomorrow."""

    @property
    def name(self) -> str: ...

    def send(self, to: str, subject: str, body: str) -> None: ...


@dataclass(frozen=True)
class SmtpChannel:
    host: str
    port: int
    sender: str
    name: str = "email"

    def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
            smtp.send_message(message)


def channel_from_config(config: Mapping[str, Any]) -> Channel | None:
    """The e-mail channel when ``LIUHEN_SMTP_HOST`` is set (port ``LIUHEN_SMTP_PORT``, sender ``LIUHEN_MAIL_FROM``)."""
    host = config.get("LIUHEN_SMTP_HOST")
    if not host:
        return None
    return SmtpChannel(str(host), int(config.get("LIUHEN_SMTP_PORT") or 25),
                       str(config.get("LIUHEN_MAIL_FROM") or "liuhen@localhost"))


def deliver(channel: Channel) -> int:
    """Send every notice not yet sent by ``channel`` to each active user with an e-mail address; returns how many."""
    sent = 0
    users = db.session.scalars(select(User).where(User.active.is_(True), User.email.is_not(None)).order_by(User.id))
    for user in users:
        done = set(db.session.scalars(select(NotificationDelivery.key).where(
            NotificationDelivery.user_id == user.id, NotificationDelivery.channel == channel.name)))
        for notice in for_user(user):
            if notice.key in done:
                continue
            channel.send(str(user.email), f"【留痕】{notice.title}：{notice.text}",
                         f"{user.display_name}：\n\n{notice.text}。\n\n请登录留痕系统办理（案件 {notice.case_id}）。")
            db.session.add(NotificationDelivery(user_id=user.id, key=notice.key, channel=channel.name,
                                                sent_at=clock.now()))
            db.session.commit()  # one row per message sent: a failure later does not resend what went out
            sent += 1
    return sent
