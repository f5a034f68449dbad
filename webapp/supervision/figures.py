"""Supervision figures (执法监督): cases by stage and by procedure, overdue items, late A/V handovers.

A case's stage is read from what its open tasks must produce: each record kind belongs to a stage
of the whole process (程序启动、调查取证、审查决定、送达执行、归档管理, fushun-culture 第三条), so a
case waiting on a 现场检查笔录 is in 调查取证 whatever the procedure calls the task.  Counting is
grouped in SQL by diagram version and task, so the cost grows with the number of distinct tasks,
not of cases.
"""
from __future__ import annotations

from typing import Any, cast

from sqlalchemy import and_, case, func, literal, select

from handlers import av_rules, catalogue, clock
from handlers.task_rules import rules_of
from webapp.cases import deadlines
from webapp.db import db
from webapp.engine import runner
from webapp.models import Agency, Case, CaseTask, Deadline, DiagramVersion, MediaItem, StatusCount, Window
from webapp.supervision import accountability, case_review, spot_checks
from webapp.supervision import av_coverage as supervision_av

STAGES = ("程序启动", "调查取证", "审查决定", "送达执行", "归档管理")
CLOSED = "已办结"
OTHER = "其他"
#: stage module (handlers/records/<module>.py) → stage of the whole process
MODULE_STAGES = {"startup": "程序启动", "intake": "程序启动", "simple": "审查决定", "investigation": "调查取证",
                 "approval": "审查决定", "decision": "审查决定", "service": "送达执行",
                 "service_methods": "送达执行", "enforcement": "送达执行"}
#: kinds whose module is not their stage
KIND_STAGES = {"performance_record": "送达执行", "correction_review": "送达执行", "closing_report": "归档管理",
               "closing_approval": "归档管理", "archive_record": "归档管理"}


def stage_of_kind(code: str) -> str:
    if code in KIND_STAGES:
        return KIND_STAGES[code]
    for module in catalogue.STAGES:
        if any(k.code == code for k in module.KINDS):
            return MODULE_STAGES.get(module.__name__.rsplit(".", 1)[-1], OTHER)
    return OTHER


def _task_stage(version: DiagramVersion, spec_name: str) -> str:
    ts = runner.task_spec(version, spec_name)
    records = rules_of(ts).records if ts is not None else ()
    return stage_of_kind(records[0]) if records else OTHER


_RANKS: dict[tuple[int, str], dict[int, list[str]]] = {}


def _tasks_by_rank(version_id: int, sources_sha256: str) -> dict[int, list[str]]:
    """The user tasks of a diagram version (its called subprocesses' included), grouped by their stage's rank.

    Kept per version id and sources hash: a version never changes, so neither does the answer."""
    key = (version_id, sources_sha256)
    if key not in _RANKS:
        version = cast(DiagramVersion, db.session.get(DiagramVersion, version_id))  # callers read the id from the table
        spec, subs = runner.spec_of(version)
        out: dict[int, list[str]] = {}
        for name in sorted({n for s in (spec, *subs.values()) for n, ts in s.task_specs.items() if ts.manual}):
            out.setdefault(_rank(_task_stage(version, name)), []).append(name)
        _RANKS[key] = out
    return _RANKS[key]


def _rank(stage: str) -> int:
    return STAGES.index(stage) if stage in STAGES else len(STAGES)


def cases_by_stage(agency_id: int, by_procedure: dict[str, dict[str, int]] | None = None,
                   window: Window | None = None) -> dict[str, int]:
    """Open cases by the earliest stage among their ready tasks; closed cases under 已办结.

    The stage of each user task of the diagram versions open cases run on is worked out here (per version,
    cached); the database then takes each case's earliest stage and counts the cases per stage (one grouped
    query over the open tasks' partial index).  ``by_procedure`` (:func:`cases_by_procedure`) saves a count."""
    in_use = select(Case.diagram_version_id).where(Case.agency_id == agency_id, Case.status == "open",
                                                   *Case.started_in(window)).distinct()
    versions = db.session.execute(select(DiagramVersion.id, DiagramVersion.sources_sha256)
                                  .where(DiagramVersion.id.in_(in_use))).all()
    whens = [(and_(Case.diagram_version_id == v, CaseTask.spec_name.in_(names)), r)
             for v, sha in versions for r, names in _tasks_by_rank(v, sha).items()]
    rank = case(*whens, else_=len(STAGES)) if whens else literal(len(STAGES))
    per_case = (select(func.min(rank).label("rank")).select_from(CaseTask).join(Case, Case.id == CaseTask.case_id)
                .where(CaseTask.agency_id == agency_id, CaseTask.state == "ready", Case.agency_id == agency_id,
                       Case.status == "open", *Case.started_in(window))
                .group_by(CaseTask.case_id).subquery())
    ranked = db.session.execute(select(per_case.c.rank, func.count()).group_by(per_case.c.rank)).all()
    out = {s: 0 for s in STAGES}
    for r, n in ranked:
        stage = STAGES[r] if r < len(STAGES) else OTHER
        out[stage] = out.get(stage, 0) + n
    by_procedure = cases_by_procedure(agency_id, window) if by_procedure is None else by_procedure
    open_without_task = sum(p.get("open", 0) for p in by_procedure.values()) - sum(n for _, n in ranked)
    if open_without_task:
        out[OTHER] = out.get(OTHER, 0) + open_without_task
    out[CLOSED] = sum(p.get("closed", 0) for p in by_procedure.values())
    return out


def cases_by_procedure(agency_id: int, window: Window | None = None) -> dict[str, dict[str, int]]:
    """Open and closed cases per procedure, from the running counts (:mod:`webapp.models_counts`); for a period,
    counted over the cases started in it (the cases' agency-and-date index)."""
    if window is None:
        rows = db.session.execute(select(StatusCount.process_id, StatusCount.status, StatusCount.n).where(
            StatusCount.agency_id == agency_id, StatusCount.subject == "case", StatusCount.n != 0)).all()
    else:
        rows = db.session.execute(select(Case.process_id, Case.status, func.count()).where(
            Case.agency_id == agency_id, *Case.started_in(window)).group_by(Case.process_id, Case.status)).all()
    out: dict[str, dict[str, int]] = {}
    for pid, status, n in sorted(rows):
        out.setdefault(pid, {"open": 0, "closed": 0})[status] = n
    return out


def late_av(agency_id: int, window: Window | None = None) -> dict[str, Any]:
    """Recordings handed over, and handed over late (the A/V register's verdicts); for a period, those of the cases
    started in it; with the articles of the agency's handover rules (``basis``, in code form)."""
    query = select(MediaItem.late, func.count()).where(MediaItem.agency_id == agency_id).group_by(MediaItem.late)
    if window is not None:
        query = query.join(Case, Case.id == MediaItem.case_id).where(*Case.started_in(window))
    rows = dict(db.session.execute(query).all())
    agency = db.session.get(Agency, agency_id)
    basis = "、".join(av_rules.handover_basis(agency.settings)) if agency else ""
    return {"recordings": sum(rows.values()), "late": rows.get(True, 0), "basis": basis}


def figures(agency_id: int, window: Window | None = None) -> dict[str, Any]:
    """Everything the supervision page shows, as plain data (also the JSON answer), counted live: the reference the
    roll-ups (:mod:`webapp.supervision.rollups`) must equal.  With a ``window`` the case figures (stages, procedures,
    periods, overdue items, A/V handovers, 案卷评查) count the cases started in it, the 检查台账 the checks made in
    it, A/V coverage the steps completed in it and the accountability list what happened in it."""
    return {"at": clock.now().isoformat(), **history(agency_id, window), **current(agency_id, window)}


def history(agency_id: int, window: Window | None = None) -> dict[str, Any]:
    """The figures that read the agency's history (open cases' tasks, step reviews, scores, recordings, checks): they
    change only with events, each of which appends an audit entry, never with the clock — what a roll-up keeps."""
    procedures = cases_by_procedure(agency_id, window)
    return {"cases_by_stage": cases_by_stage(agency_id, procedures, window), "cases_by_procedure": procedures,
            "av": late_av(agency_id, window), "spot_checks": spot_checks.figures(agency_id, window),
            **review_figures(agency_id, window)}


OVERDUE_LISTED = 200  # the most overdue items the figures list (the chart groups them by title)


def current(agency_id: int, window: Window | None = None,
            overdue: list[tuple[Deadline, str]] | None = None) -> dict[str, Any]:
    """The figures that move with the clock (periods about to end, overdue items): from the running deadline counts
    and the open deadlines' index, read at every request (``overdue``: those items, when the caller read them)."""
    overdue = deadlines.overdue(agency_id, limit=OVERDUE_LISTED, window=window) if overdue is None else overdue
    return {"deadlines": deadlines.counts(agency_id, window),
            "overdue": [deadlines.deadline_json(d, title) for d, title in overdue]}


def review_figures(agency_id: int, window: Window | None = None) -> dict[str, Any]:
    """A/V coverage, 案卷评查 scores and the accountability list (fushun-culture 第三十五条), with the time of
    the integrity check the list's stored findings come from."""
    return {"av_coverage": supervision_av.av_coverage(agency_id, window=window),
            "case_reviews": case_review.figures(agency_id, window=window),
            "accountability": accountability.accountability(agency_id, window=window),
            "integrity_check": accountability.integrity_status(agency_id)}
