"""电子送达 (行政处罚法 第六十一条; 民事诉讼法 第九十条) through the outbox: only to the address the party confirmed in a
signed 送达地址确认书 consenting to it; the request stores the record ``pending`` with an outbox job, the worker sends
the sealed 文书 exactly once and appends the outcome (message id, SHA-256 of what was sent, the moment the receiving
server accepted it and its reply — or the reason it failed) — against a real SMTP server on 127.0.0.1 (aiosmtpd)."""
from __future__ import annotations

import email
import email.policy
import hashlib
import html
import re
import socket
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event, select

from handlers.audit_actions import Action
from tests.support.flows import decided
from tests.support.web_client import web
from webapp.cases import service as cases
from webapp.db import db
from webapp.loadgen.payloads import payload
from webapp.models import AuditEntry, OutboxJob, Record, User
from webapp.worker import outbox
from webapp.worker.service import Worker

CF_61 = "《中华人民共和国行政处罚法》第六十一条"
MS_90 = "《中华人民共和国民事诉讼法》第九十条"


class Inbox:
    """The party's designated system: accepts, or answers DATA with the replies queued in ``refusals`` first."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.refusals: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        if self.refusals:
            return self.refusals.pop(0)
        self.messages.append(envelope)
        return "250 2.0.0 Ok: queued as LH0001"


@pytest.fixture()
def smtp_server(app, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "LIUHEN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "LIUHEN_SMTP_PORT", port)
    monkeypatch.setitem(app.config, "LIUHEN_MAIL_FROM", "songda@fushun-wenzhi.example")
    yield inbox
    controller.stop()


def _worker(app, name: str = "test-outbox") -> int:
    """One pass of the worker service, as ``flask liuhen worker`` runs it."""
    with app.app_context():
        try:
            return Worker([], name=name).run_once()
        finally:
            db.session.remove()


def _versions(app, cid: int) -> list[dict[str, Any]]:
    with app.app_context():
        rows = db.session.scalars(select(Record).where(Record.case_id == cid, Record.kind == "electronic_service")
                                  .order_by(Record.id))
        out = [{**r.payload, "version": r.version, "supersedes_id": r.supersedes_id, "id": r.id} for r in rows]
        db.session.remove()
        return out


def _to_electronic(w) -> tuple[int, dict[str, Any], dict[str, Any]]:
    """A decided case whose 决定书 is to be served electronically, the party's consent signed."""
    cid, decision = decided(w)
    plan = {"document_id": decision["id"], "recipient": "王五", "method": "electronic", "reason": "当事人书面同意电子送达"}
    w.do(cid, "t_service_plan", {"service_plan": plan})
    task = w.task(cid, "t_electronic")
    assert w.add(cid, task, "service_address_confirmation", payload("service_address_confirmation")).status_code == 201
    return cid, decision, task


@pytest.mark.article("行政处罚法", 61)
@pytest.mark.article("民事诉讼法", 90)
def test_xingzheng_chufa_fa_61_the_worker_sends_once_and_service_dates_from_the_sending(app, agency, walker,
                                                                                         smtp_server, clock):
    w = walker
    cid, decision = decided(w)
    plan = {"document_id": decision["id"], "recipient": "王五", "method": "electronic", "reason": "当事人书面同意电子送达"}
    w.do(cid, "t_service_plan", {"service_plan": plan})
    task = w.task(cid, "t_electronic")
    view = w.call("get", f"/api/cases/{cid}/tasks/{task['id']}", "officer1").get_json()
    assert view["requires"]["act"] == "送达.电子" and view["requires"]["records"] == ["service_address_confirmation",
                                                                                   "electronic_service"]
    form = web(app, agency, "officer1").text(f"/cases/{cid}/tasks/{task['id']}")
    assert 'name="f.electronic_service.document_id"' in form  # the officer chooses the 文书 …
    assert not [f for f in ("status", "message_id", "delivered_at", "receipt", "sha256")
                if f'name="f.electronic_service.{f}"' in form]  # … what the sending records is never typed
    res = w.complete(cid, task)  # empty-handed: the gate names the record and its articles
    missing = [m["record"] for m in res.get_json()["missing"]]
    assert res.status_code == 422 and missing == ["service_address_confirmation", "electronic_service"]
    assert MS_90 in res.get_json()["message"]
    res = w.add(cid, task, "electronic_service", {"document_id": decision["id"]})
    body = res.get_json()
    assert res.status_code == 422 and CF_61 in body["message"] and "送达地址确认书" in body["message"], body

    refused = payload("service_address_confirmation", signatures=[
        {"signer": "王五", "capacity": "party", "signed": False, "refusal_note": "当事人拒绝签名"}])
    res = w.add(cid, task, "service_address_confirmation", refused)
    assert res.status_code == 422 and "signatures" in res.get_json()["fields"], res.get_json()
    assert w.add(cid, task, "service_address_confirmation", payload("service_address_confirmation")).status_code == 201

    res = w.add(cid, task, "electronic_service", {"document_id": decision["id"], "address": "other@example.com"})
    assert res.status_code == 422 and "wangwu@xingguang.example" in res.get_json()["message"]
    # a proof is never typed: the sending's fields belong to the worker
    res = w.add(cid, task, "electronic_service", {"document_id": decision["id"], "status": "sent",
                                                  "delivered_at": "2026-03-02T10:00:00+08:00"})
    assert res.status_code == 422 and {"status", "delivered_at"} <= set(res.get_json()["fields"]), res.get_json()
    res = w.add(cid, task, "electronic_service", {"document_id": decision["id"], "note": "已电话告知"})
    assert res.status_code == 422 and "note" in res.get_json()["fields"]

    requested_at = clock.now()
    res = w.add(cid, task, "electronic_service", {"document_id": decision["id"]})
    assert res.status_code == 201, res.get_json()
    stored = res.get_json()["payload"]
    assert stored["status"] == "pending" and stored["sha256"] == decision["sha256"] and "delivered_at" not in stored
    assert not smtp_server.messages  # the request only asked: nothing leaves before the commit
    assert "待发送" in web(app, agency, "officer1").text(f"/cases/{cid}")
    again = w.add(cid, task, "electronic_service", {"document_id": decision["id"]})
    assert again.status_code == 422 and "待发送" in again.get_json()["message"]  # one sending per 文书

    res = w.complete(cid, task)  # not served until it reaches the party's system
    assert res.status_code == 422 and "到达" in res.get_json()["message"] and MS_90 in res.get_json()["message"]

    clock.advance(minutes=7)  # the worker sends later: the date of service is the sending's, not the request's
    assert _worker(app) >= 1
    assert _worker(app) == 0 and len(smtp_server.messages) == 1  # exactly once, however often the worker passes
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["wangwu@xingguang.example"]
    mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
    sent = next(mail.iter_attachments()).get_content()
    versions = _versions(app, cid)
    assert [v["status"] for v in versions] == ["pending", "sent"]  # appended, the request's version untouched
    proof = versions[-1]
    assert proof["version"] == 2 and proof["supersedes_id"] == versions[0]["id"] and versions[0] == {**versions[0],
                                                                                                     **stored}
    assert hashlib.sha256(sent).hexdigest() == proof["sha256"] == decision["sha256"]
    assert mail["Message-ID"] == proof["message_id"] and proof["receipt"].startswith("250") and "LH0001" in proof["receipt"]
    assert decision["number"] in mail["Subject"]
    assert proof["delivered_at"] > requested_at.isoformat() and proof["attempts"] == 1
    page = web(app, agency, "officer1").text(f"/cases/{cid}")
    sending = page[page.index("<h2>电子送达</h2>"):page.index("全过程时间线")]
    assert "已发送" in sending and html.escape(proof["message_id"]) in sending and "待发送" not in sending
    assert w.complete(cid, task).status_code == 200
    assert w.task(cid, "t_performance")  # served: the procedure goes on


def test_a_request_whose_commit_fails_sends_nothing(app, agency, walker, smtp_server):
    cid, decision, task = _to_electronic(walker)

    def database_fails(_session: Any) -> None:
        raise RuntimeError("数据库提交失败")

    with app.app_context():
        officer = db.session.get(User, agency.user_ids["officer1"])
        session = db.session()
        event.listen(session, "before_commit", database_fails)
        try:
            with pytest.raises(RuntimeError):
                cases.submit_record(officer, cid, task["id"], "electronic_service", {"document_id": decision["id"]})
        finally:
            event.remove(session, "before_commit", database_fails)
            db.session.rollback()
            db.session.remove()
    assert not smtp_server.messages  # nothing left before the commit …
    _worker(app)
    assert not smtp_server.messages and not _versions(app, cid)  # … and nothing is left to send after it failed
    with app.app_context():
        assert db.session.scalar(select(OutboxJob).where(OutboxJob.case_id == cid)) is None
        db.session.remove()


@pytest.mark.article("民事诉讼法", 90)
def test_a_refused_sending_is_retried_after_a_back_off_and_a_lasting_one_is_shown_with_its_reason(
        app, agency, walker, smtp_server, clock):
    w = walker
    cid, decision, task = _to_electronic(w)
    smtp_server.refusals = ["451 4.3.0 Mailbox temporarily unavailable"]
    assert w.add(cid, task, "electronic_service", {"document_id": decision["id"]}).status_code == 201
    _worker(app)
    assert not smtp_server.messages and [v["status"] for v in _versions(app, cid)] == ["pending"]
    page = web(app, agency, "officer1").text(f"/cases/{cid}")
    assert "待发送" in page and "第 1 次发送未成功" in page and "451" in page
    # the administrator sees it waiting in the worker's queues, and so does the monitoring system
    admin = web(app, agency, "admin1").text("/admin/worker")
    assert re.search(r'id="outbox-depth">1 件', admin) and re.search(r'id="outbox-failing">1 件', admin)
    assert "451 4.3.0 Mailbox temporarily unavailable" in admin
    metrics = web(app, agency, "admin1").text("/metrics")
    assert re.search(r"^liuhen_outbox_queue_depth 1\.0$", metrics, re.M)
    assert re.search(r"^liuhen_outbox_queue_failing 1\.0$", metrics, re.M)
    with app.app_context():
        failed = db.session.scalars(select(AuditEntry).where(AuditEntry.case_id == cid,
                                                             AuditEntry.action == Action.SENDING_FAILED.value))
        assert ["451" in e.detail["reason"] for e in failed] == [True]
        db.session.remove()
    _worker(app)  # within the back-off: not yet
    assert not smtp_server.messages
    clock.advance(seconds=31)
    _worker(app)
    assert len(smtp_server.messages) == 1
    versions = _versions(app, cid)
    assert [v["status"] for v in versions] == ["pending", "sent"] and versions[-1]["attempts"] == 2
    assert w.complete(cid, task).status_code == 200

    # the party's system refuses for good (5xx): recorded as failed with the reason, not retried
    cid, decision, task = _to_electronic(w)
    smtp_server.refusals = ["550 5.1.1 Mailbox does not exist"]
    assert w.add(cid, task, "electronic_service", {"document_id": decision["id"]}).status_code == 201
    _worker(app)
    versions = _versions(app, cid)
    assert [v["status"] for v in versions] == ["pending", "failed"] and "550" in versions[-1]["failure"]
    page = web(app, agency, "officer1").text(f"/cases/{cid}")
    # our words in Chinese, the server's own reply as machine text (not translated, not mixed into the sentence)
    assert "<strong>发送失败</strong>" in page and "接收服务器拒收邮件内容（共发送 1 次）：" in page
    assert '<code translate="no">550 5.1.1 Mailbox does not exist' in page
    res = w.complete(cid, task)
    assert res.status_code == 422 and "到达" in res.get_json()["message"]
    # the officer may ask again once it failed: a new pending version and a new job
    assert w.add(cid, task, "electronic_service", {"document_id": decision["id"]}).status_code == 201
    _worker(app)
    assert [v["status"] for v in _versions(app, cid)] == ["pending", "failed", "pending", "sent"]
    assert w.complete(cid, task).status_code == 200


def test_sending_gives_up_after_its_attempts(app, walker, smtp_server, clock):
    cid, decision, task = _to_electronic(walker)
    smtp_server.refusals = ["421 4.7.0 Try again later"] * outbox.MAX_ATTEMPTS
    assert walker.add(cid, task, "electronic_service", {"document_id": decision["id"]}).status_code == 201
    for _ in range(outbox.MAX_ATTEMPTS):
        _worker(app)
        clock.advance(hours=1)
    versions = _versions(app, cid)
    assert [v["status"] for v in versions] == ["pending", "failed"] and versions[-1]["attempts"] == outbox.MAX_ATTEMPTS
    assert "421" in versions[-1]["failure"] and not smtp_server.messages


def test_the_cli_sends_what_waits_once_for_a_one_off_run(app, walker, smtp_server):
    cid, decision, task = _to_electronic(walker)
    assert walker.add(cid, task, "electronic_service", {"document_id": decision["id"]}).status_code == 201
    result = app.test_cli_runner().invoke(args=["liuhen", "send-pending"])
    assert result.exit_code == 0 and "已办结发送 1 件" in result.output, result.output
    assert len(smtp_server.messages) == 1 and [v["status"] for v in _versions(app, cid)] == ["pending", "sent"]
    again = app.test_cli_runner().invoke(args=["liuhen", "send-pending"])
    assert "已办结发送 0 件" in again.output and len(smtp_server.messages) == 1
