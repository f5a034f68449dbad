"""Tables, one module per concern.  Importing this package registers every table with SQLAlchemy.

Records, audit entries, stored files, diagram versions, 文书, recordings' metadata and the review
and supervision ledgers are append-only (``base.append_only`` in the ORM, triggers in the migrations).
"""
from __future__ import annotations

# ruff: noqa: I001 - the order is the flush order: SQLAlchemy inserts rows of tables that reference each other
# without a relationship() (documents → stored_files) in the order their classes were mapped.
from webapp.models.base import AppendOnlyViolation, UTCDateTime
from webapp.models.accounts import Agency, User, UserSession
from webapp.models.diagrams import Deployment, DiagramVersion
from webapp.models.cases import Case, CaseTask, Record, Window, in_window
from webapp.models.store import AuditEntry, AuditHead, StoredFile
from webapp.models.counts import StatusCount
from webapp.models.documents import Document, DocumentCounter, RenderJob
from webapp.models.media import (FileDisposal, MediaExplanation, MediaExport, MediaItem, MediaRequest, RetentionHold,
                                 UploadSession, row_hash, seal)
from webapp.models.oversight import ComplianceException, Deadline
from webapp.models.review import CaseScore, IntegrityCheck, StepReview, SupervisionRollup
from webapp.models.spotchecks import SpotCheck, SupervisionScope
from webapp.models.timers import CaseTimer
from webapp.models.notifications import NotificationDelivery
from webapp.models.worker import OutboxJob, ScheduledJob, WorkerHeartbeat

__all__ = ["Agency", "AppendOnlyViolation", "AuditEntry", "AuditHead", "Case", "CaseScore", "CaseTask", "CaseTimer",
           "ComplianceException", "Deadline", "Deployment", "DiagramVersion", "Document", "DocumentCounter",
           "FileDisposal", "IntegrityCheck", "MediaExplanation", "MediaExport", "MediaItem", "MediaRequest",
           "NotificationDelivery", "OutboxJob", "Record", "RenderJob", "RetentionHold", "ScheduledJob", "SpotCheck", "StatusCount",
           "StepReview", "StoredFile", "SupervisionRollup", "SupervisionScope", "UTCDateTime", "UploadSession", "User", "UserSession",
           "Window", "WorkerHeartbeat", "in_window", "row_hash", "seal"]
