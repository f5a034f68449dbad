"""The agency's signature on every sealed 文书: PAdES (ETSI EN 319 142) through pyHanko, so any PDF reader shows
who signed the paper and whether a byte of it changed since.

This is the agency's own certificate, not the provincial 电子印章 (GB/T 38540): a :class:`Signer` is the seam, and
a 电子印章 client that seals a PDF implements the same one method.  For the demo and the tests,
:func:`self_signed` makes a key and a certificate named after the agency; production configures the agency's own.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
import io
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar, cast

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

T = TypeVar("T")
FIELD = "留痕签章"
SIGNATURE_BYTES = 8192  # a CMS signature with a P-256 certificate takes about 1.5 KB; room for a chain of three


class Signer(Protocol):
    """Signs a finished PDF; returns the signed PDF (the original bytes plus an incremental update)."""

    def sign(self, pdf: bytes) -> bytes: ...


@dataclass(frozen=True)
class PadesSigner:
    """The agency's key and certificate (PEM files), signing with PAdES B-B (SHA-256)."""

    key_file: Path
    cert_file: Path
    reason: str = "行政执法文书（机构签章）"

    def sign(self, pdf: bytes) -> bytes:
        signer = _loaded(str(self.key_file), str(self.cert_file))
        meta = signers.PdfSignatureMetadata(field_name=FIELD, reason=self.reason, md_algorithm="sha256",
                                            subfilter=fields.SigSeedSubFilter.PADES)
        # a fixed reservation spares pyHanko the trial signature it makes to size the /Contents (half the time)
        out = off_the_loop(lambda: signers.PdfSigner(meta, signer).sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf)), bytes_reserved=SIGNATURE_BYTES))
        return cast(bytes, out.getvalue())  # pyHanko returns the BytesIO it wrote; typed loosely


def off_the_loop(call: Callable[[], T]) -> T:
    """Run one of pyHanko's synchronous calls, which start an event loop of their own (``asyncio.run``) and so fail
    in a thread already running one (an ASGI server, a test driving the browser): the 文书 would stay unsealed.
    There the call runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


@functools.lru_cache(maxsize=64)
def _loaded(key_file: str, cert_file: str) -> signers.SimpleSigner:
    """The key and certificate, parsed once per process (parsing costs more than signing)."""
    signer = signers.SimpleSigner.load(key_file, cert_file)  # type: ignore[no-untyped-call]  # pyHanko: untyped
    if signer is None:
        raise ValueError(f"无法读取文书签章的密钥或证书：{key_file}、{cert_file}")
    return cast(signers.SimpleSigner, signer)


def self_signed(common_name: str, key_file: Path, cert_file: Path, *, now: dt.datetime, years: int = 10) -> None:
    """A P-256 key and a self-signed certificate for ``common_name`` (the agency), written once (0600 key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    key_file.parent.mkdir(parents=True, exist_ok=True)
    with open(key_file, "xb") as fh:  # never overwrites a key: a second process finds it made
        key_file.chmod(0o600)
        fh.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
    partial = cert_file.with_name(f".{cert_file.name}.{os.getpid()}")
    partial.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    partial.replace(cert_file)  # whole or absent: another worker process never reads half a certificate


@dataclass(frozen=True)
class SignatureCheck:
    """One embedded signature as a reader would judge it."""

    signer: str
    intact: bool  # the signed bytes hash to what was signed
    trusted: bool  # the certificate chains to one of the agency's certificates
    whole_file: bool  # nothing was added after the signature

    @property
    def ok(self) -> bool:
        return self.intact and self.trusted and self.whole_file

    def describe(self) -> str:
        if self.ok:
            return f"签章有效：{self.signer}，签署后未被改动"
        problems = [text for bad, text in ((not self.intact, "签署的内容已被改动"),
                                           (not self.trusted, "签章证书不是本机构的证书"),
                                           (not self.whole_file, "签署后文件又被追加或修改")) if bad]
        return f"签章无效（{self.signer}）：" + "；".join(problems)


def check(pdf: bytes, trusted_certs: list[Path]) -> list[SignatureCheck]:
    """Every signature in ``pdf``, judged against the agency certificates in ``trusted_certs``.

    An unreadable or unsigned file yields no signatures: the caller reports that as unsigned.
    """
    roots = [load_cert_from_pemder(str(p)) for p in trusted_certs]  # type: ignore[no-untyped-call]  # pyHanko: untyped
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError):
        return []
    out: list[SignatureCheck] = []
    for sig in embedded:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            status = off_the_loop(functools.partial(validate_pdf_signature, sig, context))
        except (PdfReadError, ValueError) as exc:
            out.append(SignatureCheck(f"无法读取（{exc}）", False, False, False))
            continue
        name = status.signing_cert.subject.human_friendly if status.signing_cert is not None else "未知签署人"
        whole = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
        out.append(SignatureCheck(name, bool(status.intact), bool(status.trusted), whole))
    return out
