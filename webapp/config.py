"""The app's settings: from the environment, with the embedded defaults (SQLite and local files in the instance folder)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def instance_path() -> str:
    return os.environ.get("LIUHEN_INSTANCE", str(ROOT / "instance"))


def from_environment(instance: str) -> dict[str, Any]:
    """Every setting the deployment may give as an environment variable (documented in deploy/README.md)."""
    return dict(
        SECRET_KEY=os.environ.get("LIUHEN_SECRET_KEY") or _instance_secret(instance),
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance) / 'liuhen.sqlite'}",
        LIUHEN_FILE_STORE=os.environ.get("LIUHEN_FILE_STORE") or str(Path(instance) / "files"),
        LIUHEN_STORAGE=os.environ.get("LIUHEN_STORAGE") or "local",
        LIUHEN_S3_ENDPOINT_URL=os.environ.get("LIUHEN_S3_ENDPOINT_URL"),
        LIUHEN_S3_REGION=os.environ.get("LIUHEN_S3_REGION"),
        LIUHEN_WORKFLOWS_DIR=str(ROOT / "workflows"),
        MAX_CONTENT_LENGTH=int(os.environ.get("LIUHEN_MAX_UPLOAD", 2 * 1024**3)),
        LIUHEN_SIGNING_KEY=os.environ.get("LIUHEN_SIGNING_KEY"),
        LIUHEN_SIGNING_KEY_FILE=os.environ.get("LIUHEN_SIGNING_KEY_FILE") or str(Path(instance) / "signing_key.pem"),
        LIUHEN_RETIRED_KEYS_DIR=os.environ.get("LIUHEN_RETIRED_KEYS_DIR"),
        LIUHEN_DOCUMENT_CERTS=os.environ.get("LIUHEN_DOCUMENT_CERTS") or str(Path(instance) / "document_certs"),
        LIUHEN_SERVICE_CHANNEL=os.environ.get("LIUHEN_SERVICE_CHANNEL") or "smtp",
        LIUHEN_DOCUMENT_SELF_SIGNED=os.environ.get("LIUHEN_DOCUMENT_SELF_SIGNED", "1") not in ("0", "false", "no"),
        LIUHEN_CHECKPOINT_EVERY=int(os.environ.get("LIUHEN_CHECKPOINT_EVERY", 1000)),
        LIUHEN_CHECKPOINT_MINUTES=float(os.environ.get("LIUHEN_CHECKPOINT_MINUTES", 10)),
        LIUHEN_RENDER_STALE_MINUTES=float(os.environ.get("LIUHEN_RENDER_STALE_MINUTES", 30)),
        LIUHEN_RENDER_AT_START=_flag("LIUHEN_RENDER_AT_START"),
        LIUHEN_RENDER_INLINE=_flag("LIUHEN_RENDER_INLINE"),
        JSON_AS_ASCII=False,
        **security(),
        **service(),
    )


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None or value == "" else value.lower() in ("1", "true", "yes", "on")


def service() -> dict[str, Any]:
    """The worker service's schedule and the operations endpoints (health, metrics, logs); documented in deploy/README.md."""
    return dict(
        LIUHEN_WORKER_POLL_SECONDS=float(os.environ.get("LIUHEN_WORKER_POLL_SECONDS") or 2),
        LIUHEN_TICK_MINUTES=float(os.environ.get("LIUHEN_TICK_MINUTES") or 1),
        LIUHEN_NOTIFY_MINUTES=float(os.environ.get("LIUHEN_NOTIFY_MINUTES") or 5),
        LIUHEN_PURGE_MINUTES=float(os.environ.get("LIUHEN_PURGE_MINUTES") or 60),
        LIUHEN_VERIFY_MINUTES=float(os.environ.get("LIUHEN_VERIFY_MINUTES") or 60),
        LIUHEN_VERIFY_FULL_MINUTES=float(os.environ.get("LIUHEN_VERIFY_FULL_MINUTES") or 1440),
        LIUHEN_SUPERVISION_MINUTES=float(os.environ.get("LIUHEN_SUPERVISION_MINUTES") or 5),
        LIUHEN_SUPERVISION_STALE_MINUTES=float(os.environ.get("LIUHEN_SUPERVISION_STALE_MINUTES") or 15),
        LIUHEN_WORKER_STALE_SECONDS=float(os.environ.get("LIUHEN_WORKER_STALE_SECONDS") or 120),
        LIUHEN_METRICS_TOKEN=os.environ.get("LIUHEN_METRICS_TOKEN") or None,
        LIUHEN_LOG_FORMAT=os.environ.get("LIUHEN_LOG_FORMAT") or "json",
    )


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def security() -> dict[str, Any]:
    """Sign-in and session settings (等保 2.0 身份鉴别, 访问控制); each a LIUHEN_* variable, documented in deploy/README.md."""
    secure = os.environ.get("LIUHEN_SECURE_COOKIES", "").lower() in ("1", "true", "yes")
    return dict(
        LIUHEN_LOCKOUT_ATTEMPTS=_int("LIUHEN_LOCKOUT_ATTEMPTS", 5),
        LIUHEN_LOCKOUT_MINUTES=_int("LIUHEN_LOCKOUT_MINUTES", 15),
        LIUHEN_LOGIN_LIMIT=os.environ.get("LIUHEN_LOGIN_LIMIT") or "20 per 10 minutes",
        LIUHEN_LOGIN_ACCOUNT_LIMIT=os.environ.get("LIUHEN_LOGIN_ACCOUNT_LIMIT") or "10 per 10 minutes",
        LIUHEN_PASSWORD_MIN_LENGTH=_int("LIUHEN_PASSWORD_MIN_LENGTH", 10),
        LIUHEN_PASSWORD_CLASSES=_int("LIUHEN_PASSWORD_CLASSES", 3),
        LIUHEN_PASSWORD_MAX_AGE_DAYS=_int("LIUHEN_PASSWORD_MAX_AGE_DAYS", 0),
        LIUHEN_PASSWORD_HASH=os.environ.get("LIUHEN_PASSWORD_HASH") or "scrypt",
        LIUHEN_IDLE_MINUTES=_int("LIUHEN_IDLE_MINUTES", 30),
        LIUHEN_SESSION_HOURS=_int("LIUHEN_SESSION_HOURS", 12),
        LIUHEN_TOKEN_HOURS=_int("LIUHEN_TOKEN_HOURS", 12),
        RATELIMIT_STORAGE_URI=os.environ.get("LIUHEN_RATELIMIT_STORAGE") or "memory://",
        SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_SAMESITE="Lax", REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SECURE=secure,
        PREFERRED_URL_SCHEME="https" if secure else "http",
        LIUHEN_OIDC_ISSUER=os.environ.get("LIUHEN_OIDC_ISSUER") or None,
        LIUHEN_OIDC_CLIENT_ID=os.environ.get("LIUHEN_OIDC_CLIENT_ID") or None,
        LIUHEN_OIDC_CLIENT_SECRET=os.environ.get("LIUHEN_OIDC_CLIENT_SECRET") or None,
        LIUHEN_OIDC_USERNAME_CLAIM=os.environ.get("LIUHEN_OIDC_USERNAME_CLAIM") or "preferred_username",
        LIUHEN_OIDC_BADGE_CLAIM=os.environ.get("LIUHEN_OIDC_BADGE_CLAIM") or "badge_no",
        # one mail relay for notifications (off unless named) and 电子送达 (127.0.0.1 unless named)
        LIUHEN_SMTP_HOST=os.environ.get("LIUHEN_SMTP_HOST") or None,
        LIUHEN_SMTP_PORT=int(os.environ.get("LIUHEN_SMTP_PORT") or 25),
        LIUHEN_MAIL_FROM=os.environ.get("LIUHEN_MAIL_FROM") or "liuhen@localhost",
    )


def _instance_secret(instance: str) -> str:
    """A per-installation secret key, made once and kept in the instance folder."""
    path = Path(instance) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
