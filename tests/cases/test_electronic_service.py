"""电子送达 (行政处罚法 第六十一条; 民事诉讼法 第九十条): only to the address the party confirmed in a signed 送达地址确认书
consenting to it; the system sends the sealed 文书 and the record holds the message id, the SHA-256 of what was sent
and the receiving system's reply — here a real SMTP server on 127.0.0.1 started by the test (aiosmtpd)."""
from __future__ import annotations

import email
import email.policy
import hashlib
import socket
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.support.flows import decided
from webapp.loadgen.payloads import payload

CF_61 = "《中华人民共和国行政处罚法》第六十一条"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
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


def test_xingzheng_chufa_fa_61_electronic_service_needs_signed_consent_and_proves_what_arrived(walker, smtp_server):
    w = walker
    cid, decision = decided(w)
    plan = {"document_id": decision["id"], "recipient": "王五", "method": "electronic", "reason": "当事人书面同意电子送达"}
    w.do(cid, "t_service_plan", {"service_plan": plan})
    task = w.task(cid, "t_electronic")
    view = w.call("get", f"/api/cases/{cid}/tasks/{task['id']}", "officer1").get_json()
    assert view["requires"]["act"] == "送达.电子" and view["requires"]["records"] == ["service_address_confirmation",
                                                                                   "electronic_service"]

    res = w.complete(cid, task)  # empty-handed: the gate names the record and its articles
    missing = [m["record"] for m in res.get_json()["missing"]]
    assert res.status_code == 422 and missing == ["service_address_confirmation", "electronic_service"]
    assert "《中华人民共和国民事诉讼法》第九十条" in res.get_json()["message"]
    res = w.add(cid, task, "electronic_service", {"document_id": decision["id"]})
    body = res.get_json()
    assert res.status_code == 422 and CF_61 in body["message"] and "送达地址确认书" in body["message"], body
    assert not smtp_server.messages

    refused = payload("service_address_confirmation", signatures=[
        {"signer": "王五", "capacity": "party", "signed": False, "refusal_note": "当事人拒绝签名"}])
    res = w.add(cid, task, "service_address_confirmation", refused)
    assert res.status_code == 422 and "signatures" in res.get_json()["fields"], res.get_json()
    assert w.add(cid, task, "service_address_confirmation", payload("service_address_confirmation")).status_code == 201

    res = w.add(cid, task, "electronic_service", {"document_id": decision["id"], "address": "other@example.com"})
    assert res.status_code == 422 and "wangwu@xingguang.example" in res.get_json()["message"]
    assert not smtp_server.messages

    # a record refused for what the officer typed sends nothing: it is checked before the mail leaves
    res = w.add(cid, task, "electronic_service", {"document_id": decision["id"], "note": "已电话告知"})
    assert res.status_code == 422 and "note" in res.get_json()["fields"] and "未发送" in res.get_json()["message"]
    assert not smtp_server.messages

    res = w.add(cid, task, "electronic_service", {"document_id": decision["id"]})
    assert res.status_code == 201, res.get_json()
    proof = res.get_json()["payload"]
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["wangwu@xingguang.example"]
    mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
    attachment = next(mail.iter_attachments())
    sent = attachment.get_content()
    assert hashlib.sha256(sent).hexdigest() == proof["sha256"] == decision["sha256"]
    assert mail["Message-ID"] == proof["message_id"] and proof["receipt"].startswith("250") and "LH0001" in proof["receipt"]
    assert proof["address"] == "wangwu@xingguang.example" and proof["delivered_at"]
    assert decision["number"] in mail["Subject"]
    assert w.complete(cid, task).status_code == 200
    assert w.task(cid, "t_performance")  # served: the procedure goes on
