"""Errors a service call can end in, each with its HTTP status; the API and the CLI print the same text."""
from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra

    def to_json(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.extra}


class NotFound(ServiceError):
    status, code = 404, "not_found"


class Forbidden(ServiceError):
    status, code = 403, "forbidden"


class Conflict(ServiceError):
    status, code = 409, "conflict"


class Invalid(ServiceError):
    """Input that fails validation; nothing was stored."""

    status, code = 422, "invalid"


class GateRefused(ServiceError):
    """The task lacks records its diagram requires (the gate)."""

    status, code = 422, "records_missing"


class Unauthorized(ServiceError):
    status, code = 401, "unauthorized"


class Locked(ServiceError):
    """The account is locked after repeated failed sign-ins (等保 2.0 登录失败处理)."""

    status, code = 423, "locked"


class PasswordChangeRequired(ServiceError):
    """The password must be changed (first sign-in, after a reset, expired) before anything else."""

    status, code = 403, "password_change_required"


class DiagramFault(ServiceError):
    """The diagram could not be run (e.g. a condition reads data no task recorded): the case cannot go on
    until the version is corrected; nothing was saved.  409, not 500: the request was sound, the case is stuck."""

    status, code = 409, "diagram_fault"


class StorageUnavailable(ServiceError):
    """The file store (an S3 bucket) could not be reached or refused the call; nothing was changed."""

    status, code = 503, "storage_unavailable"
