"""The witness: the supervising 司法局's own instance counter-signs an agency's checkpoints.

``flask liuhen witness SOURCE`` reads checkpoints (a JSON file, a directory of them — such as the agency's
``logs/checkpoints/<agency>/`` — or an http(s) address), checks each one's signature, and accepts it only if
it provably extends the last checkpoint the witness holds for that agency and key (same size and root, or a
consistency proof from exactly that size).  An accepted checkpoint is counter-signed with the witness's own
key and written once to the witness's file store (``logs/witness/<key id>-<agency>/<size>.json``).  A checkpoint
under a key the witness has not seen for that agency (a key rotation) must extend the newest one it holds under
the old key, exactly as a checkpoint under the same key must.  A log
that was truncated or rewritten after the witness saw it can then never again produce an acceptable
checkpoint, and the witness's copies prove what the log said and when.
"""
from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from handlers import clock, merkle
from webapp import store
from webapp.store.checkpoints import Checkpoint, problem
from webapp.store.keys import keyring


class WitnessRefused(ValueError):
    pass


@dataclass(frozen=True)
class Outcome:
    accepted: list[Checkpoint]
    held: Checkpoint | None


def _folder(cp: Checkpoint) -> str:
    return f"witness/{cp.kid}-{cp.agency_id:08d}/"


def _fetch(url: str, token: str | None) -> Checkpoint:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as res:  # noqa: S310
        return Checkpoint.parse(res.read())


def _read(source: str, token: str | None = None) -> list[Checkpoint]:
    """Checkpoints from a file, a folder, or the agency's ``/oversight/api/checkpoint`` (asked again with ``since``
    the size the witness holds, so the answer carries the proof the witness needs)."""
    if source.startswith(("http://", "https://")):
        cp = _fetch(source, token)
        mine = held(cp)
        if mine is not None and mine.size < cp.size and (cp.previous or {}).get("size") != mine.size:
            cp = _fetch(f"{source}{'&' if '?' in source else '?'}since={mine.size}", token)
        return [cp]
    path = Path(source)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    return sorted((Checkpoint.parse(f.read_bytes()) for f in files), key=lambda c: c.size)


def held(cp: Checkpoint) -> Checkpoint | None:
    """The newest checkpoint held for ``cp``'s agency under ``cp``'s key — or, for a key not seen before (the agency
    rotated its key), the newest held under any key: the new key's log must then extend what the old key signed,
    so a rotation cannot hide a truncated or rewritten log (README, “签名密钥”)."""
    names = store.current().log_names(_folder(cp))
    if not names:
        mine = f"-{cp.agency_id:08d}/"
        names = sorted((n for n in store.current().log_names("witness/") if mine in n), key=lambda n: n.rsplit("/", 1)[-1])
    data = store.current().get_log(names[-1]) if names else None
    return Checkpoint.parse(json.loads(data)["checkpoint"]) if data else None


def _extends(old: Checkpoint, new: Checkpoint) -> str | None:
    """Why ``new`` does not provably extend ``old`` (None if it does)."""
    if new.size < old.size:
        return f"新检查点只有 {new.size} 条，少于已见证的 {old.size} 条：日志被截断"
    if new.size == old.size:
        return None if new.root == old.root else f"同为 {new.size} 条而根哈希不同：日志历史被改写"
    prev = new.previous or {}
    if prev.get("size") != old.size:
        return f"缺少自已见证的第 {old.size} 条起的一致性证明（机构端运行 flask liuhen checkpoint --since {old.size}）"
    proof = [bytes.fromhex(p) for p in prev.get("proof", [])]
    if prev.get("root") != old.root or not merkle.verify_consistency(
            old.size, new.size, bytes.fromhex(old.root), bytes.fromhex(new.root), proof):
        return f"一致性证明不成立：第 {old.size} 条之前的日志历史被改写"
    return None


def witness(source: str, token: str | None = None) -> Outcome:
    """Check, counter-sign and keep every checkpoint in ``source`` that extends what is held; refuse a break."""
    accepted: list[Checkpoint] = []
    current: Checkpoint | None = None
    newest: Checkpoint | None = None
    for cp in _read(source, token):
        why = problem(cp)
        if why:
            raise WitnessRefused(why)
        if current is None or current.agency_id != cp.agency_id or current.kid != cp.kid:
            current = held(cp)
        newest = cp
        if current is None or (cp.size > current.size and (cp.previous or {}).get("size") == current.size):
            why = _extends(current, cp) if current is not None else None
            if why:
                raise WitnessRefused(f"机构 {cp.agency_id} 的检查点（{cp.size} 条）：{why}")
            _keep(cp)
            accepted.append(cp)
            current = cp
        elif cp.size == current.size and cp.root != current.root:
            raise WitnessRefused(f"机构 {cp.agency_id} 的检查点（{cp.size} 条）：{_extends(current, cp)}")
    if newest is not None and current is not None and newest.size != current.size:
        raise WitnessRefused(f"机构 {newest.agency_id} 的最新检查点（{newest.size} 条）：{_extends(current, newest)}")
    return Outcome(accepted, current)


def _keep(cp: Checkpoint) -> None:
    key = keyring().current
    message = cp.signed_bytes() + cp.signature.encode()
    body = {"checkpoint": cp.to_json(),
            "witness": {"kid": key.kid, "public_key": key.public_hex, "at": clock.now().isoformat(),
                        "signature": key.sign(message), "signed": "checkpoint body (canonical JSON) + its signature"}}
    store.current().put_log(f"{_folder(cp)}{cp.size:012d}.json", json.dumps(body, ensure_ascii=False).encode())
