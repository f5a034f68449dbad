#!/usr/bin/env python3
"""留痕 导出包离线校验程序（只用 Python 3 标准库，不联网、不需要本系统）。

用法：  python3 verify_package.py 包.zip        或   python3 verify_package.py 解压后的目录

逐项核对：
  1. SHA256SUMS 中每个文件的 SHA-256；
  2. proofs.json 中的检查点签名（Ed25519，公钥随检查点给出；请与机构公布的公钥或上级司法局见证的副本比对）；
  3. 每条审计条目：按条目内容重算哈希，再以默克尔包含证明（RFC 6962）算到检查点的根哈希；
  4. 每个音像文件：其 SHA-256 与元数据哈希须等于封存它的审计条目所记；
  5. records.json 中的记录（作为证据导出时）：重算的记录哈希须等于封存它的审计条目所记。
任何一项不符即以状态 1 退出并指明哪一项。
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

# --------------------------------------------------------------------------- Ed25519 (RFC 8032 §5.1.7, verification only)

_P = 2**255 - 19
_D = -121665 * pow(121666, _P - 2, _P) % _P
_Q = 2**252 + 27742317777372353535851937790883648493
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _add(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa, bb = (y1 - x1) * (y2 - x2) % _P, (y1 + x1) * (y2 + x2) % _P
    c, d = 2 * t1 * t2 * _D % _P, 2 * z1 * z2 % _P
    e, f, g, h = bb - aa, d - c, d + c, bb + aa
    return e * f, g * h, f * g, e * h


def _mul(s: int, pt: tuple[int, ...]) -> tuple[int, ...]:
    out: tuple[int, ...] = (0, 1, 1, 0)
    while s:
        if s & 1:
            out = _add(out, pt)
        pt, s = _add(pt, pt), s >> 1
    return out


def _equal(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


def _x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    return _P - x if (x & 1) != sign else x


def _point(raw: bytes) -> tuple[int, ...] | None:
    if len(raw) != 32:
        return None
    y = int.from_bytes(raw, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _x(_GY, 0) or 0
_G = (_GX, _GY, 1, _GX * _GY % _P)


def ed25519_verify(public: bytes, message: bytes, signature: bytes) -> bool:
    if len(signature) != 64:
        return False
    a, r = _point(public), _point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _Q:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % _Q
    return _equal(_mul(s, _G), _add(r, _mul(h, a)))


# --------------------------------------------------------------------------- hashes as the system makes them


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _utc(text: str) -> str:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC).isoformat()


def entry_hash(e: dict[str, Any]) -> str:
    return sha256_hex(canonical({"agency": e["agency_id"], "seq": e["seq"], "case": e["case_id"], "actor": e["actor_id"],
                                 "action": e["action"], "detail": e["detail"], "at": _utc(e["at"]),
                                 "prev": e["prev_hash"]}))


def record_hash(r: dict[str, Any], agency_id: int, case_id: int) -> str:
    return sha256_hex(canonical({"agency": agency_id, "case": case_id, "task": r["task_id"], "kind": r["kind"],
                                 "version": r["version"], "supersedes": r["supersedes_id"], "payload": r["payload"],
                                 "author": r["author_id"], "at": _utc(r["created_at"])}))


def _leaf(h: str) -> bytes:
    return hashlib.sha256(b"\x00" + h.encode("utf-8")).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def inclusion_ok(leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _node(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = _node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


# --------------------------------------------------------------------------- the package


def _files(source: Path) -> dict[str, bytes]:
    if source.is_dir():
        return {str(p.relative_to(source)): p.read_bytes() for p in source.rglob("*") if p.is_file()}
    with zipfile.ZipFile(io.BytesIO(source.read_bytes())) as zf:
        return {n: zf.read(n) for n in zf.namelist() if not n.endswith("/")}


def check(source: Path) -> list[str]:
    """Every problem found (empty: the package is intact and proven by the signed checkpoint)."""
    files = _files(source)
    problems: list[str] = []
    for line in files.get("SHA256SUMS", b"").decode("utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if name not in files:
            problems.append(f"缺少文件：{name}")
        elif sha256_hex(files[name]) != digest:
            problems.append(f"文件被改动（SHA-256 不符）：{name}")
    if "proofs.json" not in files:
        return [*problems, "缺少 proofs.json（审计证明）"]
    proofs = json.loads(files["proofs.json"])
    cp = proofs["checkpoint"]
    body = {k: v for k, v in cp.items() if k != "signature"}
    if not ed25519_verify(bytes.fromhex(cp["public_key"]), canonical(body), bytes.fromhex(cp["signature"])):
        problems.append("检查点签名无效：检查点被改动或伪造")
    root, size = bytes.fromhex(cp["root"]), cp["size"]
    sealed: dict[tuple[str, int], dict[str, Any]] = {}
    for item in proofs["entries"]:
        e = item["entry"]
        where = f"审计条目第 {e['seq']} 条（{e['action']}）"
        if entry_hash(e) != e["hash"]:
            problems.append(f"{where}：内容与哈希不符")
        elif not inclusion_ok(_leaf(e["hash"]), e["seq"] - 1, size, [bytes.fromhex(p) for p in item["proof"]], root):
            problems.append(f"{where}：包含证明不成立，不在已签名检查点（{size} 条）的日志中")
        else:
            key = ("media", e["detail"].get("media_id")) if e["action"] == "media.uploaded" else \
                ("record", e["detail"].get("record_id"))
            sealed[key] = e
    manifest = json.loads(files.get("manifest.json", b"{}"))
    for f in manifest.get("files", []):
        e = sealed.get(("media", f["media_id"]))
        data = files.get(f["path"])
        if e is None:
            problems.append(f"音像文件 {f['path']}：没有经证明的封存条目")
        elif data is None or sha256_hex(data) != e["detail"].get("sha256"):
            problems.append(f"音像文件 {f['path']}：内容与封存的 SHA-256 不符")
        elif (e["detail"].get("sealed") or {}).get("hash") != f.get("metadata_hash"):
            problems.append(f"音像文件 {f['path']}：元数据哈希与封存的不符")
    if proofs.get("records_proven"):
        for r in json.loads(files.get("records.json", b"[]")):
            e = sealed.get(("record", r["id"]))
            if e is None:
                problems.append(f"记录 {r['id']}：没有经证明的封存条目")
            elif record_hash(r, e["agency_id"], e["case_id"]) != r["content_hash"] or \
                    r["content_hash"] != e["detail"].get("content_hash"):
                problems.append(f"记录 {r['id']}（{r.get('title', r['kind'])}）：内容与封存的哈希不符")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    problems = check(Path(argv[1]))
    for p in problems:
        print(f"不符：{p}")
    if problems:
        return 1
    proofs = json.loads(_files(Path(argv[1]))["proofs.json"])
    cp = proofs["checkpoint"]
    print(f"校验通过：文件、审计条目 {len(proofs['entries'])} 条及其默克尔包含证明均与机构 {cp['agency_id']} "
          f"于 {cp['at']} 签发的检查点（{cp['size']} 条，根 {cp['root'][:16]}…）一致；"
          f"签名公钥 {cp['public_key']}（密钥编号 {cp['kid']}），请与机构公布的公钥或见证副本比对。")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
