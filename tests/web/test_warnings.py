"""Warnings before deadlines: 黄牌 within the agency's warning window, 红牌 once a period has ended — on the inbox,
the case page and the supervision figures; each user's notification list; the same notices by e-mail through a real
SMTP server (aiosmtpd on 127.0.0.1), each sent once."""
from __future__ import annotations

import datetime as dt
import email
import re
import socket
from email.policy import default

from aiosmtpd.controller import Controller
from sqlalchemy import select

from handlers.clock import local
from tests.support.web_client import web
from webapp.cases.notifications import SmtpChannel, deliver
from webapp.db import db
from webapp.loadgen.payloads import payload
from webapp.models import CaseTask, User


class Inbox:
    """An SMTP server's mailbox: every message it accepted."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 OK"


def test_yellow_before_red_after_on_every_list_and_by_mail(app, agency, walker, clock):
    with app.app_context():
        db.session.get(User, agency.user_ids["officer1"]).email = "officer1@example.org"
        db.session.commit()
    case = walker.create_case(emergency=True)
    started = {**payload("emergency_start"), "started_at": clock.now().isoformat()}  # 补报 within 24 hours of it
    walker.do(case["id"], "t_emergency", {"emergency_start": started})
    with app.app_context():
        task = db.session.scalars(select(CaseTask).where(CaseTask.case_id == case["id"], CaseTask.state == "ready",
                                                         CaseTask.due_at.is_not(None))).first()
        assert task is not None, "an emergency start opens a task with a period (补报 within 24 hours)"
        due, title = task.due_at, task.title
    assert dt.timedelta(0) < due - clock.now() < dt.timedelta(hours=72)  # inside the default warning window

    officer = web(app, agency, "officer1")
    inbox = officer.text("/inbox")
    assert 'class="due_soon"' in inbox and "即将到期" in inbox and 'tag overdue">已逾期' not in inbox, \
        (clock.now(), due, re.findall(r'<tr class=.*?</tr>', inbox, re.S))
    assert "即将到期" in officer.text(f"/cases/{case['id']}")
    notices = officer.text("/notifications")
    assert "即将到期" in notices and title in notices and "新任务" in notices
    figures = web(app, agency, "approver1").text("/oversight/supervision")
    assert 'class="tag due_soon">1<' in figures

    box = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd checks its own start by connecting to the port it was given)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = Controller(box, hostname="127.0.0.1", port=port)
    server.start()
    try:
        channel = SmtpChannel("127.0.0.1", port, "liuhen@example.org")
        with app.app_context():
            first = deliver(channel)
            assert deliver(channel) == 0  # each notice once
        subjects = [m["Subject"] for m in box.messages]
        assert first == len(box.messages) >= 2 and all(m["To"] == "officer1@example.org" for m in box.messages)
        assert any("即将到期" in s and title in s for s in subjects) and any("新任务" in s for s in subjects)

        clock.set(due + dt.timedelta(hours=1))
        inbox = officer.text("/inbox")
        assert 'class="overdue"' in inbox and "已逾期" in inbox
        assert "已逾期" in officer.text("/notifications")
        with app.app_context():
            assert deliver(channel) == 1  # the 红牌 is news; the rest went out already
        assert "已逾期" in box.messages[-1]["Subject"] and "已逾期" in box.messages[-1].get_content()
    finally:
        server.stop()
        after = local(clock.now()) + dt.timedelta(days=1)  # leave the shared clock in working hours, forward
        clock.set(after.replace(hour=10, minute=0).astimezone(dt.UTC))
