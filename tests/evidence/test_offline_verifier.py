"""Export packages carry inclusion proofs and a signed checkpoint; the bundled verifier (standard library only)
checks them offline, and names one changed byte, a forged proof and a forged checkpoint
(《中华人民共和国档案法》第三十七条; naiman-culture 第十一条)."""
from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.support.media import MiB, upload
from webapp.evidence import offline_verifier
from webapp.loadgen.flows import file_case


def _package(walker) -> tuple[bytes, dict]:
    cid = file_case(walker)
    a = upload(walker, cid, size=MiB, seed=1411)
    b = upload(walker, cid, size=MiB, seed=1412, content_type="image/jpeg")
    res = walker.call("post", "/api/media/exports", "officer1",
                      json={"case_id": cid, "media_ids": [a["id"], b["id"]], "purpose": "evidence", "extractor": "李强"})
    assert res.status_code == 201, res.get_json()
    export = res.get_json()
    pkg = walker.call("get", f"/api/media/exports/{export['id']}/package", "officer1")
    assert pkg.status_code == 200
    return pkg.data, export


def _run(tmp_path: Path, data: bytes) -> subprocess.CompletedProcess[str]:
    """The verifier as a court would run it: taken out of the package, with no site packages (-I -S)."""
    target = tmp_path / "包.zip"
    target.write_bytes(data)
    verifier = tmp_path / "verify_package.py"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        verifier.write_bytes(zf.read("verify_package.py"))
    return subprocess.run(["python3", "-I", "-S", str(verifier), str(target)], capture_output=True, text=True)


def _rewrite(data: bytes, changes: dict[str, bytes], resum: bool = True) -> bytes:
    """The package with some members replaced; with ``resum`` SHA256SUMS recomputed, as a forger would."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members.update(changes)
    if resum:
        lines = members["SHA256SUMS"].decode().splitlines()
        members["SHA256SUMS"] = "\n".join(
            f"{hashlib.sha256(members[name]).hexdigest()}  {name}"
            for name in (line.partition("  ")[2] for line in lines)).encode() + b"\n"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return out.getvalue()


def test_an_evidence_package_verifies_offline_with_its_proofs(walker, tmp_path):
    data, export = _package(walker)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        proofs = json.loads(zf.read("proofs.json"))
        records = json.loads(zf.read("records.json"))
        readme = zf.read("README.txt").decode()
    assert {e["entry"]["action"] for e in proofs["entries"]} == {"media.uploaded", "record.added"}
    assert len([e for e in proofs["entries"] if e["entry"]["action"] == "record.added"]) == len(records) > 0
    assert "verify_package.py" in readme and proofs["checkpoint"]["size"] >= max(e["index"] for e in proofs["entries"])
    result = _run(tmp_path, data)
    assert result.returncode == 0 and "校验通过" in result.stdout, result.stdout + result.stderr


def test_one_changed_byte_a_forged_proof_and_a_forged_checkpoint_are_each_named(walker, tmp_path):
    data, export = _package(walker)
    path = export["manifest"]["files"][0]["path"]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        media = bytearray(zf.read(path))
        proofs = json.loads(zf.read("proofs.json"))
    media[len(media) // 2] ^= 1
    result = _run(tmp_path, _rewrite(data, {path: bytes(media)}, resum=False))
    assert result.returncode == 1 and f"文件被改动（SHA-256 不符）：{path}" in result.stdout
    result = _run(tmp_path, _rewrite(data, {path: bytes(media)}))  # the sums recomputed: the seal still disagrees
    assert result.returncode == 1 and f"音像文件 {path}：内容与封存的 SHA-256 不符" in result.stdout

    forged = json.loads(json.dumps(proofs))
    target = next(e for e in forged["entries"] if e["proof"])
    target["proof"][0] = "00" * 32
    result = _run(tmp_path, _rewrite(data, {"proofs.json": json.dumps(forged).encode()}))
    seq = target["entry"]["seq"]
    assert result.returncode == 1 and f"审计条目第 {seq} 条" in result.stdout and "包含证明不成立" in result.stdout

    forged = json.loads(json.dumps(proofs))
    forged["checkpoint"]["root"] = "11" * 32
    result = _run(tmp_path, _rewrite(data, {"proofs.json": json.dumps(forged).encode()}))
    assert result.returncode == 1 and "检查点签名无效" in result.stdout


def test_the_standard_library_ed25519_agrees_with_cryptography():
    for n in range(5):
        key = Ed25519PrivateKey.generate()
        public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        message = f"检查点 {n}".encode()
        signature = key.sign(message)
        assert offline_verifier.ed25519_verify(public, message, signature)
        assert not offline_verifier.ed25519_verify(public, message + b"!", signature)
        assert not offline_verifier.ed25519_verify(public, message, signature[:-1] + bytes([signature[-1] ^ 1]))
