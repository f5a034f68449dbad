"""Every sealed 文书 is signed by its agency (PAdES through pyHanko), so a reader — and ``flask liuhen verify-pdf`` —
shows whether it was altered: a changed byte, bytes added after signing, or another agency's certificate."""
from __future__ import annotations

import asyncio
import datetime as dt
import subprocess

from weasyprint import HTML

from documents import signing as pdf_signing
from tests.support.app import make_agency
from webapp import store
from webapp.db import db
from webapp.loadgen.flows import file_case
from webapp.models import Agency
from webapp.worker import signing


def test_a_sealed_document_is_signed_by_its_agency_and_tampering_is_reported(app, walker, agency, tmp_path):
    cid = file_case(walker)
    doc = walker.call("get", f"/api/cases/{cid}/documents", "officer1").get_json()[0]
    pdf = walker.call("get", doc["url"], "officer1").data
    with app.app_context():
        good, = signing.check(pdf, agency.id)
        assert good.ok and good.intact and good.trusted and good.whole_file, good
        assert db.session.get(Agency, agency.id).name in good.signer
        other = make_agency(app)
        signing.signer_for(db.session.get(Agency, other.id))  # the other agency's own certificate
        foreign, = signing.check(pdf, other.id)
        assert not foreign.ok and not foreign.trusted and foreign.intact
        at = pdf.find(b"stream", len(pdf) // 4) + 40  # a byte inside a page's content, within the signed range
        changed = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1:]
        tampered, = signing.check(changed, agency.id)
        assert not tampered.intact and "签署的内容已被改动" in tampered.describe()
        appended, = signing.check(pdf + b"\n% added after signing\n", agency.id)
        assert not appended.whole_file and "签署后文件又被追加或修改" in appended.describe()
    (tmp_path / "good.pdf").write_bytes(pdf)
    (tmp_path / "bad.pdf").write_bytes(changed)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["liuhen", "verify-pdf", str(tmp_path / "good.pdf"), "--agency", agency.code])
    assert ok.exit_code == 0 and "签章有效" in ok.output, ok.output
    bad = runner.invoke(args=["liuhen", "verify-pdf", str(tmp_path / "bad.pdf"), "--agency", agency.code])
    assert bad.exit_code == 1 and "签章无效" in bad.output, bad.output
    clean = runner.invoke(args=["liuhen", "verify-documents", "--agency", agency.code])
    assert clean.exit_code == 0 and "问题 0 项" in clean.output, clean.output
    with app.app_context():  # the stored file rewritten in place (an insider with disk access)
        stored = store.current().path(doc["sha256"])
        mode = stored.stat().st_mode
        stored.chmod(0o644)
        stored.write_bytes(changed)
    try:
        broken = runner.invoke(args=["liuhen", "verify-documents", "--agency", agency.code])
        assert broken.exit_code == 1 and doc["number"] in broken.output and "签署的内容已被改动" in broken.output, \
            broken.output
    finally:  # put it back: the store is shared by the session's other tests, whose verify must stay clean
        stored.write_bytes(pdf)
        stored.chmod(mode)
    info = subprocess.run(["pdfsig", str(tmp_path / "good.pdf")], capture_output=True, text=True)
    assert "Signature #1" in info.stdout and "ETSI.CAdES.detached" in info.stdout, info.stdout


def test_a_thread_running_an_event_loop_still_signs_and_checks(tmp_path):
    """pyHanko's synchronous calls start an event loop of their own; called where one runs already (an ASGI
    server, or a test driving the browser from the same thread) they used to fail, leaving the 文书 unsealed."""
    key, cert = tmp_path / "agency.key", tmp_path / "agency.pem"
    pdf_signing.self_signed("抚顺县文化市场综合行政执法队", key, cert, now=dt.datetime.now(dt.UTC))
    pdf = HTML(string="<p>行政处罚决定书</p>").write_pdf()

    async def in_a_loop() -> list[pdf_signing.SignatureCheck]:
        return pdf_signing.check(pdf_signing.PadesSigner(key, cert).sign(pdf), [cert])

    checked, = asyncio.run(in_a_loop())
    assert checked.ok and "抚顺县文化市场综合行政执法队" in checked.signer, checked.describe()
