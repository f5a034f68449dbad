"""A/V coverage (音像记录覆盖情况): of the completed steps that had to be recorded, how many were recorded,
how many have the written reason recording was not suitable, and how many have neither.

A step "has to be recorded" when its diagram says ``av=required`` or a profile rule of kind ``av`` covers
the records it makes (fushun-culture 第十二条 and the like).  Only completed steps count: an open step may
still get its recording, so it is the deadline service's business, not a gap.  "Neither" is possible
when the diagram does not gate what the profile requires (an old diagram version, or a deployment under a
compliance exception).  Counted in SQL from the ``step_reviews`` rows written when each step completed.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from handlers.catalogue import AV_NOT_SUITABLE, CATALOGUE
from webapp.db import db
from webapp.models import Case, StepReview, Window, in_window

OUTCOMES = ("recorded", "reason", "neither")
ITEM_LIMIT = 200


def _basis(found: set[str]) -> str:
    parts = sorted({p for b in found for p in b.split("；") if p})
    return "；".join(parts) or "；".join(CATALOGUE[AV_NOT_SUITABLE].basis)


def av_coverage(agency_id: int, limit: int = ITEM_LIMIT, window: Window | None = None) -> dict[str, Any]:
    """The agency's coverage; with a ``window``, of the steps completed in it (the supervision page's period)."""
    done = in_window(StepReview.completed_at, window)
    rows = db.session.execute(
        select(StepReview.title, StepReview.av_outcome, StepReview.av_basis, func.count())
        .where(StepReview.agency_id == agency_id, StepReview.av_outcome.is_not(None), *done)
        .group_by(StepReview.title, StepReview.av_outcome, StepReview.av_basis)).all()
    by_step: dict[str, dict[str, Any]] = {}
    for title, outcome, _, n in rows:
        assert outcome is not None  # the query excludes rows without an outcome
        step = by_step.setdefault(title, {"task": title, "required": 0, **{o: 0 for o in OUTCOMES}})
        step["required"] += n
        step[outcome] += n
    totals = {o: sum(s[o] for s in by_step.values()) for o in OUTCOMES}
    neither = db.session.execute(
        select(StepReview.case_id, Case.title, StepReview.title, StepReview.av_basis)
        .join(Case, Case.id == StepReview.case_id)
        .where(StepReview.agency_id == agency_id, StepReview.av_outcome == "neither", *done)
        .order_by(StepReview.completed_at.desc(), StepReview.id.desc()).limit(limit)).all()
    return {"required": sum(totals.values()), **totals, "basis": _basis({r[2] for r in rows if r[2]}),
            "by_step": sorted(by_step.values(), key=lambda s: (-s["required"], s["task"])),
            "neither_items": [{"case_id": c, "case_title": t, "task": task, "basis": b or ""}
                              for c, t, task, b in neither]}
