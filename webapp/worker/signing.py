"""Each agency signs its 文书 (PAdES, :mod:`documents.signing`) with its own key and certificate.

The files are ``<LIUHEN_DOCUMENT_CERTS>/agency-<id>.key.pem`` and ``.cert.pem``, kept outside the database like
the audit key.  Where an agency has none and ``LIUHEN_DOCUMENT_SELF_SIGNED`` is on (the demo and the tests), a
self-signed certificate in the agency's name is made on first use; otherwise a render fails with the reason and
stays queued.  The provincial 电子印章 would be one more :class:`documents.signing.Signer` chosen here.
"""
from __future__ import annotations

import time
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from documents import signing
from handlers import clock
from webapp import store
from webapp.db import db
from webapp.models import Agency, Document


def _files(agency_id: int) -> tuple[Path, Path]:
    folder = Path(current_app.config["LIUHEN_DOCUMENT_CERTS"])
    return folder / f"agency-{agency_id}.key.pem", folder / f"agency-{agency_id}.cert.pem"


def signer_for(agency: Agency) -> signing.Signer:
    key, cert = _files(agency.id)
    if not cert.exists():
        if not current_app.config.get("LIUHEN_DOCUMENT_SELF_SIGNED", True):
            raise FileNotFoundError(f"机构“{agency.name}”未配置文书签章证书（{cert}），文书暂不能签章制作")
        try:
            signing.self_signed(agency.name, key, cert, now=clock.now())
        except FileExistsError:  # another process made the key first and is writing the certificate
            _await(cert)
    return signing.PadesSigner(key, cert, reason=f"{agency.name}行政执法文书")


def _await(cert: Path, seconds: float = 30) -> None:
    """Wait for the certificate another worker process is making (it appears whole: written aside, then renamed)."""
    end = time.monotonic() + seconds
    while not cert.exists() and time.monotonic() < end:
        time.sleep(0.05)


def certificates(agency_id: int) -> list[Path]:
    """The certificates an agency's 文书 may be signed with (the current one; retired ones kept alongside)."""
    key, cert = _files(agency_id)
    retired = sorted(cert.parent.glob(f"agency-{agency_id}.cert.*.pem"))
    return [p for p in (cert, *retired) if p.exists()]


def check(pdf: bytes, agency_id: int) -> list[signing.SignatureCheck]:
    return signing.check(pdf, certificates(agency_id))


def verify_documents(agency_id: int) -> tuple[int, list[str]]:
    """Every stored 文书 of the agency checked as a reader would: (how many, problems in Chinese).  Reads each PDF
    from the file store, so it runs on demand (``flask liuhen verify-documents``), not in the routine verify."""
    problems: list[str] = []
    count = 0
    for doc in db.session.scalars(select(Document).where(Document.agency_id == agency_id).order_by(Document.id)):
        count += 1
        try:
            with store.current().open(doc.sha256) as fh:
                found = check(fh.read(), agency_id)
        except OSError as exc:
            problems.append(f"{doc.number}{doc.title}（第{doc.version}版）：无法读取（{exc}）")
            continue
        if not found:
            problems.append(f"{doc.number}{doc.title}（第{doc.version}版）：没有机构签章")
        problems += [f"{doc.number}{doc.title}（第{doc.version}版）：{c.describe()}" for c in found if not c.ok]
    return count, problems
