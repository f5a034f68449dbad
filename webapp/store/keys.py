"""The log's signing key, kept outside the database: a PEM file or an environment setting.

An insider who controls the database must not be able to forge the log, so the Ed25519 key that signs
checkpoints (and from which the per-entry MAC key is derived) lives in ``LIUHEN_SIGNING_KEY`` (PEM text)
or in the file ``LIUHEN_SIGNING_KEY_FILE`` (default ``instance/signing_key.pem``), made on first run with a
notice on standard error.  Rotation: move the old PEM into ``LIUHEN_RETIRED_KEYS_DIR`` and start with a new
key; entries and checkpoints made under a retired key still verify (webapp/store/README.md, “签名密钥”).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


@dataclass(frozen=True)
class Key:
    private: Ed25519PrivateKey
    kid: str
    public_hex: str
    mac_key: bytes

    @classmethod
    def of(cls, private: Ed25519PrivateKey) -> Key:
        public = private.public_key().public_bytes(*_RAW)
        secret = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                       serialization.NoEncryption())
        return cls(private, hashlib.sha256(public).hexdigest()[:16], public.hex(),
                   hashlib.sha256(b"liuhen-entry-mac\x00" + secret).digest())

    def sign(self, message: bytes) -> str:
        return self.private.sign(message).hex()

    def mac(self, entry_hash: str) -> str:
        return f"{self.kid}:{hmac.new(self.mac_key, entry_hash.encode(), hashlib.sha256).hexdigest()}"


@dataclass(frozen=True)
class Keyring:
    current: Key
    by_kid: dict[str, Key]

    def mac_ok(self, entry_hash: str, mac: str) -> bool:
        key = self.by_kid.get(mac.split(":", 1)[0])
        return key is not None and hmac.compare_digest(key.mac(entry_hash), mac)


def verify_signature(public_hex: str, signature_hex: str, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex)).verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def _load_pem(data: bytes, where: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{where} 不是 Ed25519 私钥")
    return key


def _create(path: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
    print(f"【留痕】已生成新的审计日志签名密钥：{path}。请将其备份到数据库之外的安全位置；"
          "丢失后无法再核验此前的条目认证码（webapp/store/README.md“签名密钥”）。", file=sys.stderr)
    return key


def load_keyring(config: Mapping[str, Any]) -> Keyring:
    """The current key (from the environment, else the key file, made on first run) and any retired keys."""
    pem = config.get("LIUHEN_SIGNING_KEY")
    if pem:
        current = Key.of(_load_pem(str(pem).encode(), "LIUHEN_SIGNING_KEY"))
    else:
        path = Path(config["LIUHEN_SIGNING_KEY_FILE"])
        try:
            current = Key.of(_load_pem(path.read_bytes(), str(path)))
        except FileNotFoundError:
            try:
                current = Key.of(_create(path))
            except FileExistsError:  # another process made it first
                current = Key.of(_load_pem(path.read_bytes(), str(path)))
    keys = {current.kid: current}
    retired = config.get("LIUHEN_RETIRED_KEYS_DIR")
    for old in sorted(Path(retired).glob("*.pem")) if retired else ():
        key = Key.of(_load_pem(old.read_bytes(), str(old)))
        keys.setdefault(key.kid, key)
    return Keyring(current, keys)


def keyring() -> Keyring:
    """The running app's keyring, loaded on first use."""
    ring = current_app.extensions.get("liuhen.keys")
    if ring is None:
        ring = current_app.extensions["liuhen.keys"] = load_keyring(current_app.config)
    return ring
