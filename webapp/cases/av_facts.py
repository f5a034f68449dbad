"""What the gate needs to know of a task's recordings, read from the A/V tables.

A recording belongs to a task when it was handed over naming the task, or when the task's newest
音像记录 names its hash.  The gate (:mod:`handlers.gate`) stays pure: it gets these facts and the
agency's device rule, and refuses for unexplained gaps and too few devices with their articles.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import or_, select

from handlers import av_rules, gate
from handlers.catalogue import AV_RECORDING
from webapp.cases.completion import AnyRecord, Completion
from webapp.db import db
from webapp.models import Agency, Case, MediaExplanation, MediaItem


def av_facts(case: Case, task_id: str, records: Sequence[AnyRecord], done: Completion | None = None) -> gate.AvFacts:
    named = [r for r in records if r.kind == AV_RECORDING]
    files = list(named[-1].payload.get("files") or []) if named else []
    if done is not None:  # a completion has read the case's recordings (if it has any) and the agency's profile
        found, settings = done.media(task_id, files), done.settings
    else:
        items = list(db.session.scalars(select(MediaItem).where(
            MediaItem.case_id == case.id, or_(MediaItem.task_id == task_id, MediaItem.sha256.in_(files)))
            .order_by(MediaItem.id)))
        explained = set(db.session.scalars(select(MediaExplanation.media_id).where(
            MediaExplanation.media_id.in_([i.id for i in items])))) if items else set()
        found = [(i, i.id in explained) for i in items]
        # a case's agency exists (foreign key)
        settings = cast(Agency, db.session.get(Agency, case.agency_id)).settings
    return gate.AvFacts(
        recordings=tuple(gate.Recording(sha256=i.sha256, name=i.file_name, device_id=i.device_id,
                                        officers=tuple(i.officers or ()), gap=bool(i.interruptions) or i.incomplete,
                                        media_kind=i.media_kind, explained=e) for i, e in found),
        officers_per_recorder=settings.officers_per_recorder,
        officers_per_recorder_basis=settings.officers_per_recorder_basis, gap_basis=av_rules.gap_basis(settings))
