"""Supervision figures (执法监督): cases by stage and by procedure, overdue items, late A/V handovers.

A case's stage is read from what its open tasks must produce: each record kind belongs to a stage
of the whole process (程序启动、调查取证、审查决定、送达执行、归档管理, fushun-culture 第三条), so a
case waiting on a 现场检查笔录 is in 调查取证 whatever the procedure calls the task.  Counting is
grouped in SQL by diagram version and task, so the cost grows with the number of distinct tasks,
not of cases.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select

from handlers import catalogue, clock
from handlers.task_rules import rules_of

from . import deadlines, runner
from .db import db
from .models import Case, CaseTask, DiagramVersion

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
    spec, subs = runner.spec_of(version)
    for s in (spec, *subs.values()):
        ts = s.task_specs.get(spec_name)
        if ts is not None:
            records = rules_of(ts).records
            return stage_of_kind(records[0]) if records else OTHER
    return OTHER


def _rank(stage: str) -> int:
    return STAGES.index(stage) if stage in STAGES else len(STAGES)


def cases_by_stage(agency_id: int) -> dict[str, int]:
    """Open cases by the earliest stage among their ready tasks; closed cases under 已办结."""
    rows = db.session.execute(
        select(Case.diagram_version_id, CaseTask.spec_name, CaseTask.case_id)
        .join(Case, Case.id == CaseTask.case_id)
        .where(CaseTask.agency_id == agency_id, CaseTask.state == "ready", Case.status == "open")).all()
    memo: dict[tuple[int, str], str] = {}
    stage: dict[int, str] = {}
    for version_id, spec_name, case_id in rows:
        key = (version_id, spec_name)
        if key not in memo:
            memo[key] = _task_stage(db.session.get(DiagramVersion, version_id), spec_name)
        if case_id not in stage or _rank(memo[key]) < _rank(stage[case_id]):
            stage[case_id] = memo[key]
    out = {s: 0 for s in STAGES}
    out.update(Counter(stage.values()))
    open_without_task = (db.session.scalar(select(func.count()).select_from(Case).where(
        Case.agency_id == agency_id, Case.status == "open")) or 0) - len(stage)
    if open_without_task:
        out[OTHER] = out.get(OTHER, 0) + open_without_task
    out[CLOSED] = db.session.scalar(select(func.count()).select_from(Case).where(
        Case.agency_id == agency_id, Case.status == "closed")) or 0
    return out


def cases_by_procedure(agency_id: int) -> dict[str, dict[str, int]]:
    rows = db.session.execute(select(Case.process_id, Case.status, func.count()).where(Case.agency_id == agency_id)
                              .group_by(Case.process_id, Case.status)).all()
    out: dict[str, dict[str, int]] = {}
    for pid, status, n in rows:
        out.setdefault(pid, {"open": 0, "closed": 0})[status] = n
    return out


def late_av(agency_id: int) -> dict[str, int]:
    """Recordings handed over, and handed over late (the A/V register's verdicts)."""
    try:
        from .models_media import MediaItem
    except ImportError:  # the A/V register is not installed
        return {"recordings": 0, "late": 0}
    rows = dict(db.session.execute(select(MediaItem.late, func.count()).where(MediaItem.agency_id == agency_id)
                                   .group_by(MediaItem.late)).all())
    return {"recordings": sum(rows.values()), "late": rows.get(True, 0)}


def figures(agency_id: int) -> dict[str, Any]:
    """Everything the supervision page shows, as plain data (also the JSON answer)."""
    return {"at": clock.now().isoformat(), "cases_by_stage": cases_by_stage(agency_id),
            "cases_by_procedure": cases_by_procedure(agency_id), "deadlines": deadlines.counts(agency_id),
            "overdue": [deadlines.deadline_json(d, title) for d, title in deadlines.overdue(agency_id, limit=200)],
            "av": late_av(agency_id)}
