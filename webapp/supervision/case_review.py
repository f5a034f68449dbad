"""案卷评查 over the database: each step's checks written when it completes, the agency's scores read back grouped.

On ``signals.task_completed`` (inside the completing transaction) the step is reviewed by
:func:`handlers.case_review.review_step` against its diagram rules, the agency profile's rules, its
records, the recordings handed over for it and its deadline; the checks go into an append-only
``step_reviews`` row, and the database adds them to the case's running totals (``case_scores``, kept by the
row's trigger in the same statement: migration 0d3f6a9b2c71).  A case's score is passed checks ÷
all checks × 100 over its completed steps; open steps are not scored until they complete.  Recordings
registered after their step completed and cited by no record are not part of any step: they count in the
late-handover figure and the accountability list, not in a case's score.  Steps completed before this
module was installed are reviewed by :func:`backfill` (``flask liuhen review-backfill``) from the same data.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, cast

from sqlalchemy import case as when
from sqlalchemy import func, or_, select

import documents
from handlers import av_rules, case_review, clock
from handlers.catalogue import AV_RECORDING
from handlers.deadlines import deadline_of
from handlers.law.cite import Citer
from handlers.law.periods import PeriodError, parse_period
from handlers.settings import Settings
from handlers.task_rules import TaskRules, rules_of
from webapp.cases.completion import AnyRecord, Completion
from webapp.cases.facts import case_facts
from webapp.cases.service import get_case, task_records
from webapp.db import db, insert_now
from webapp.engine import runner
from webapp.models import Agency, Case, CaseScore, CaseTask, Deadline, Document, MediaItem, Record, StepReview, User
from webapp.supervision import scopes as supervision_scope

WORST_LIMIT = 50


def _recordings(case_id: int, task_id: str, payloads: Mapping[str, Mapping[str, Any]],
                done: Completion | None = None) -> list[case_review.Recording]:
    files = list((payloads.get(AV_RECORDING) or {}).get("files") or [])
    if done is not None:
        rows: Iterable[MediaItem] = [m for m, _ in done.media(task_id, files)]
    else:
        rows = db.session.scalars(select(MediaItem).where(
            MediaItem.case_id == case_id, or_(MediaItem.task_id == task_id, MediaItem.sha256.in_(files)))
            .order_by(MediaItem.id))
    return [case_review.Recording(r.file_name, r.late, r.handover_due_at, r.handover_rule) for r in rows]


def _period(text: str) -> str:
    try:
        return parse_period(text).describe()
    except PeriodError:
        return text


def _deadline(task_id: str, spec: Any, done: Completion | None = None) -> case_review.Deadline | None:
    """The step's period: the one its completion just closed, none where its diagram declares none, else read."""
    if done is not None and task_id in done.closed:
        d: Any = done.closed[task_id]
    elif done is not None and deadline_of(spec) is None:
        return None
    else:
        d = db.session.scalar(select(Deadline).where(Deadline.task_id == task_id))
    return case_review.Deadline(d.due_at, _period(d.period), d.basis) if d is not None else None


def _case_records(case_id: int, done: Completion | None) -> Iterable[AnyRecord]:
    """Every record of the case, oldest first: those the completion loaded, else read."""
    if done is not None:
        return done.records
    return db.session.scalars(select(Record).where(Record.case_id == case_id).order_by(Record.id))


def _held(case_id: int, payloads: Mapping[str, Mapping[str, Any]], done: Completion | None
          ) -> dict[str, Mapping[str, Any]]:
    """The case's newest payload of each kind, read only for a step holding a supporting record (its ``needs``)."""
    if not any(p and case_review.supporting(k, p) for k, p in payloads.items()):
        return {}
    return {r.kind: r.payload for r in _case_records(case_id, done)}


def _filed(case: Case, rules: TaskRules, settings: Settings, done: Completion | None) -> list[case_review.Filed]:
    """At 归档: each supporting record of the case (the newest at each step) with the number of the 文书 sealed from
    it at that step (empty: none was)."""
    if rules.act != case_review.SEALED_AT:
        return []
    newest = {(r.task_id, r.kind): r for r in _case_records(case.id, done)}
    made_from = list(dict.fromkeys((task, dk.code) for (task, kind), r in newest.items()
                                   for dk in case_review.supporting(kind, r.payload)))  # in the records' order
    if not made_from:  # nothing to look up: the completion's statements stay as they are
        return []
    # the steps' titles and the 文书 sealed at them, in one statement (the completion counts its statements)
    steps: dict[str, str] = {}
    made: dict[tuple[str, str], str] = {}
    for task, title, kind, number in db.session.execute(
            select(CaseTask.id, CaseTask.title, Document.kind, Document.number)
            .outerjoin(Document, (Document.task_id == CaseTask.id) & (Document.case_id == CaseTask.case_id))
            .where(CaseTask.case_id == case.id, CaseTask.id.in_({t for t, _ in made_from}))
            .order_by(Document.id)):
        steps[task] = title
        if kind is not None:
            made[(kind, task)] = number
    return [case_review.Filed(code, documents.kind(code).title_in(settings.format_set), steps.get(task) or "",
                              made.get((code, task), "")) for task, code in made_from]


def review(case: Case, spec: Any, task_id: str, payloads: Mapping[str, Mapping[str, Any]],
           done: Completion | None = None) -> StepReview:
    """Review one completed step and add its row and its case's totals to the session (a completion passes what
    it has read and written: settings, records, recordings, the index row it closed and the period)."""
    completed_at: dt.datetime | None
    if done is not None:
        left = next((row for row in done.left if row.id == task_id), None)
        title, completed_at, settings = left.title if left else None, done.now, done.settings
        law = settings.law()
        ordered = done.facts({r.fact for r in law if r.kind in case_review.RE_JUDGED and r.fact})
    else:
        row = db.session.scalar(select(CaseTask).where(CaseTask.id == task_id))
        title, completed_at = (row.title, row.completed_at) if row else (None, None)
        # a case's agency exists (foreign key)
        settings = cast(Agency, db.session.get(Agency, case.agency_id)).settings
        law = settings.law()
        ordered = case_facts(case.id, {r.fact for r in law if r.kind in case_review.RE_JUDGED and r.fact})
    rules = rules_of(spec)
    facts = case_review.StepFacts(
        spec_name=spec.name, title=title or (spec.bpmn_name or spec.name), rules=rules,
        profile_rules=law, records=payloads, facts=ordered, held=_held(case.id, payloads, done),
        filed=_filed(case, rules, settings, done), format_set=settings.format_set,
        recordings=_recordings(case.id, task_id, payloads, done), deadline=_deadline(task_id, spec, done),
        completed_at=completed_at or clock.now(),
        handover_basis="；".join(av_rules.handover_basis(settings)) or settings.av_handover_basis or "")
    result = case_review.review_step(facts)
    step = StepReview(agency_id=case.agency_id, case_id=case.id, task_id=task_id, spec_name=facts.spec_name,
                      title=facts.title, completed_at=facts.completed_at, av_outcome=result.av_outcome,
                      av_basis=result.av_basis, checks=len(result.checks), passed=result.passed,
                      missing_records=result.missing_records, items=[c.to_json() for c in result.checks],
                      created_at=clock.now())
    insert_now(step)  # an append-only row nobody reads back in the transaction; its trigger adds it to case_scores
    return step


def on_task_completed(case: Case, task: Any, records: Mapping[str, Any], completion: Completion | None = None,
                      **_: Any) -> None:
    review(case, task.task_spec, str(task.id), {k: r.payload for k, r in records.items()}, completion)



def backfill(agency_id: int | None = None) -> int:
    """Review completed steps that have no review row yet (completed before this module existed)."""
    query = (select(CaseTask).outerjoin(StepReview, StepReview.task_id == CaseTask.id)
             .where(CaseTask.state == "completed", StepReview.id.is_(None))
             .order_by(CaseTask.case_id, CaseTask.completed_at, CaseTask.pk))
    if agency_id is not None:
        query = query.where(CaseTask.agency_id == agency_id)
    done = 0
    for row in list(db.session.scalars(query)):
        case = cast(Case, db.session.get(Case, row.case_id))  # a task's case exists (foreign key)
        spec = runner.task_spec(case.diagram, row.spec_name)
        if spec is None:
            continue
        latest = {r.kind: r.payload for r in task_records(case.id, row.id)}
        review(case, spec, row.id, latest)
        done += 1
    return done


# --------------------------------------------------------------------------- reading


def _defects(steps: Iterable[StepReview], citer: Citer | None = None) -> list[dict[str, Any]]:
    return [{"task": s.title, "kind": c["kind"], "text": c["text"], "basis": c["basis"],
             **({"cited": citer.text([c["basis"] or ""])} if citer else {})}
            for s in steps for c in s.items if not c["passed"]]


#: the files are checked (naiman-culture 第十四条); each check cites its own article as well
BASIS = "naiman-culture 第十四条；fushun-culture 第十一条、第十二条、第三十一条；lishui-city 第十三条；各环节期限依据"


def figures(agency_id: int, limit: int = WORST_LIMIT,
            window: tuple[dt.datetime, dt.datetime] | None = None) -> dict[str, Any]:
    """Cases reviewed, their average score, cases with full marks, defects, and the worst cases with their defects;
    with a ``window``, of the cases started in it (the supervision page's period)."""
    scored: tuple[Any, ...] = (CaseScore.agency_id == agency_id, CaseScore.checks > 0)
    if window is not None:
        scored += (CaseScore.case_id.in_(select(Case.id).where(Case.agency_id == agency_id, *Case.started_in(window))),)
    cases, average, full, defects = db.session.execute(select(
        func.count(), func.avg(CaseScore.score), func.sum(when((CaseScore.passed == CaseScore.checks, 1), else_=0)),
        func.sum(CaseScore.checks - CaseScore.passed)).where(*scored)).one()
    lowest = (select(CaseScore.case_id, CaseScore.score).where(*scored, CaseScore.passed < CaseScore.checks)
              .order_by(CaseScore.score, CaseScore.case_id).limit(limit).subquery())  # the titles of these only
    worst = db.session.execute(select(lowest.c.case_id, Case.title, lowest.c.score)
                               .join(Case, Case.id == lowest.c.case_id)
                               .order_by(lowest.c.score, lowest.c.case_id)).all()
    steps: dict[int, list[StepReview]] = {}
    for s in db.session.scalars(select(StepReview).where(
            StepReview.case_id.in_([w.case_id for w in worst]), StepReview.passed < StepReview.checks)
            .order_by(StepReview.completed_at, StepReview.id)):
        steps.setdefault(s.case_id, []).append(s)
    return {"basis": BASIS, "cases": cases or 0, "average": round(float(average), 1) if average is not None else 0.0,
            "full_marks": int(full or 0), "defects_total": int(defects or 0),
            "worst": [{"case_id": w.case_id, "title": w.title, "score": round(float(w.score), 1),
                       "defects": _defects(steps.get(w.case_id, []))} for w in worst]}


def _reviewable_case(case_id: int, user: User) -> Case:
    """The case's own agency sees its review; a 司法局 supervisor sees it for the agencies assigned to him.

    The review lists checks and defects only, never record contents, so it belongs to the figures a
    judicial supervisor may see (webapp.supervision_scope), not to the case file.
    """
    case = db.session.get(Case, case_id)
    if case is not None and case.agency_id != user.agency_id and user.has_role(supervision_scope.JUDICIAL):
        supervision_scope.agency_for(user, case.agency_id)
        return case
    return get_case(case_id, user)


def case_json(user: User, case_id: int) -> dict[str, Any]:
    """Every check of every completed step of one case, the defects, and the score."""
    case = _reviewable_case(case_id, user)
    steps = list(db.session.scalars(select(StepReview).where(StepReview.case_id == case.id)
                                    .order_by(StepReview.completed_at, StepReview.id)))
    checks, passed = sum(s.checks for s in steps), sum(s.passed for s in steps)
    open_steps = db.session.scalar(select(func.count()).select_from(CaseTask).where(
        CaseTask.case_id == case.id, CaseTask.state == "ready")) or 0
    citer = cast(Agency, db.session.get(Agency, case.agency_id)).settings.citer()  # the case's regulation
    return {"case_id": case.id, "title": case.title, "status": case.status,
            "score": round(100.0 * passed / checks, 1) if checks else None, "checks": checks, "passed": passed,
            "open_steps": open_steps, "defects": _defects(steps, citer),
            "steps": [{"task": s.title, "task_id": s.task_id, "spec_name": s.spec_name,
                       "completed_at": s.completed_at.isoformat(), "av_outcome": s.av_outcome,
                       "av_outcome_title": case_review.AV_OUTCOMES.get(s.av_outcome or ""), "av_basis": s.av_basis,
                       "av_cited": citer.text([s.av_basis or ""]),
                       "checks": [{**c, "cited": citer.text([c["basis"] or ""])} for c in s.items],
                       "passed": s.passed, "total": s.checks} for s in steps]}
