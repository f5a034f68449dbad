"""The template cases the generator copies: walked for real through the case service, the gate and the engine.

A few walks (the general procedure from 立案 to 归档 with two forks, an emergency start, the simple
procedure) keep a copy of their case at every stage a template stands for.  Each template stops at a
different point of the whole process, so that copies fill every stage of the supervision figures and
every inbox: just filed, awaiting filing approval, an emergency start awaiting its 24-hour 补报, in
investigation with an A/V recording, awaiting review, decision, service, performance and archiving, and
closed (one with a recording handed over late), plus simple-procedure cases open and closed.  Deadlines
run from the moment each template reached its step; copies dated months back are therefore overdue, as
an agency's old open cases would be.
"""
from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from handlers import clock
from handlers.catalogue import AV_NOT_SUITABLE, AV_RECORDING
from webapp.cases import service as cases
from webapp.db import db
from webapp.evidence import media
from webapp.loadgen import cloner, flows
from webapp.loadgen.payloads import CITIZEN, PARTY, av_recording, payload
from webapp.loadgen.walker import ROLE_USER, ServiceWalker
from webapp.models import User
from webapp.worker.sealing import render_pending

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
GENERAL, SIMPLE = "general_procedure", "simple_procedure"


class TemplateWalker(ServiceWalker):
    """The service walker, giving the written reason (不适宜音像记录) wherever the agency's diagram requires
    A/V and the step brings no recording, so the same walks pass every agency profile's gate."""

    def do(self, case_id: int, name: str, records: dict[str, Any]) -> dict[str, Any]:
        task = self.task(case_id, name)
        view = cases.task_view(self.users[ROLE_USER[task["role"]]], case_id, task["id"])
        if view["requires"]["av"] == "required" and not {AV_RECORDING, AV_NOT_SUITABLE} & set(records):
            records = {**records, AV_NOT_SUITABLE: None}
        return super().do(case_id, name, records)

    def create_case(self, emergency: bool = False, user: str = "officer1", title: str = "星光网吧接纳未成年人上网案",
                    party_name: str = PARTY["name"], process_id: str = GENERAL) -> dict[str, Any]:
        return super().create_case(emergency, user, title, party_name, process_id)


def record_av(w: ServiceWalker, case_id: int, task_name: str, late: bool = False) -> str:
    """Hand over a short recording for ``task_name`` through the media service; its SHA-256.

    ``late``: the recording ended three days ago, past every profile's handover limit."""
    task = w.task(case_id, task_name)
    officer = w.users["officer1"]
    body = MP4_HEAD + random.Random(case_id).randbytes(64 * 1024)
    ended = clock.now() - (dt.timedelta(days=3) if late else dt.timedelta(hours=1))
    session = media.start_upload(officer, {
        "case_id": case_id, "task_id": task["id"], "content_type": "video/mp4", "size": len(body),
        "recorded_by": "张明", "officers": ["张明", "李强"], "device_id": "DSJ-2026-0001",
        "started_at": (ended - dt.timedelta(minutes=30)).isoformat(), "ended_at": ended.isoformat(),
        "place": "抚顺县石文镇人民路 18 号"})
    media.put_chunk(officer, session.id, 0, io.BytesIO(body))
    item, _ = media.finish_upload(officer, session.id)
    return item.sha256


def _steps(w: ServiceWalker, cid: int, steps: flows.Steps) -> int:
    for name, records in steps:
        w.do(cid, name, records)
    return cid


def fork(cid: int, agency_id: int) -> int:
    """A copy of the case as it stands, with its 文书 rendered first (a copy carries what its original has)."""
    render_pending(cid)
    db.session.commit()
    return cloner.snapshot(cid, agency_id)


class Stages:
    """Where the walks leave their templates: each stage a walk passes is kept as a copy of the walked case
    (:func:`webapp.loadgen.cloner.snapshot`), so a stage several templates share is walked once."""

    def __init__(self, agency_id: int, wanted: set[str]) -> None:
        self.agency_id, self.wanted = agency_id, wanted
        self.found: dict[str, int] = {}

    def fork(self, cid: int) -> int:
        return fork(cid, self.agency_id)

    def keep(self, key: str, cid: int) -> None:
        if key in self.wanted:
            self.found[key] = self.fork(cid)

    def last(self, key: str, cid: int) -> None:
        """The walk ends here: the walked case itself is the template."""
        if key in self.wanted:
            render_pending(cid)
            self.found[key] = cid


def _general(w: ServiceWalker, s: Stages) -> None:
    """One walk from 立案 to 归档 (A/V not suitable at the inspection), kept at every stage it passes; the
    investigation with a recording handed over in time, and a whole case with one handed over late, fork
    from it after the first inquiry."""
    cid = w.create_case()["id"]
    s.keep("filed", cid)
    _steps(w, cid, [("t_filing", {"case_filing": None}), ("t_unit_opinion", {"unit_opinion": None})])
    s.keep("filing_approval", cid)
    w.do(cid, "t_filing_approval", {"filing_approval": payload("filing_approval", decision="approve")})
    _investigated(w, s, s.fork(cid))
    flows.investigate(w, cid)
    _steps(w, cid, [("t_report", {"investigation_report": None})])
    s.keep("review", cid)
    _steps(w, cid, flows.statement_steps())
    s.keep("decision", cid)
    service = flows.service_steps("direct")
    _steps(w, cid, [("t_approval", {"decision_approval": None}), ("t_decision", {"penalty_decision": None}),
                    *service[:1]])
    s.keep("service", cid)
    _steps(w, cid, service[1:])
    s.keep("performance", cid)
    _steps(w, cid, [("t_performance", {"performance_record": None}), *flows.CLOSING])
    s.keep("archive_due", cid)
    _steps(w, cid, [("t_archive", {"archive_record": None})])
    s.last("closed", cid)


def _investigated(w: ServiceWalker, s: Stages, cid: int) -> None:
    _steps(w, cid, [("t_plan", {"investigation_plan": None}), ("t_inquiry", {"inquiry_record": None})])
    in_time = s.fork(cid)
    sha = record_av(w, in_time, "t_inspection")
    _steps(w, in_time, [("t_inspection", {"inspection_record": None, AV_RECORDING: av_recording(sha)})])
    s.last("investigation", in_time)
    if "closed_late_av" in s.wanted:
        sha = record_av(w, cid, "t_inspection", late=True)
        _steps(w, cid, [("t_inspection", {"inspection_record": None, AV_RECORDING: av_recording(sha)})])
        flows.report_to_statement(w, cid)
        flows.decide_and_close(w, cid)
        s.last("closed_late_av", cid)


def _emergency(w: ServiceWalker, s: Stages) -> None:
    cid = _steps(w, w.create_case(emergency=True)["id"], [("t_emergency", {"emergency_start": None})])
    s.last("emergency", cid)


def _simple(w: ServiceWalker, s: Stages) -> None:
    cid = w.create_case(title="在禁止张贴区域张贴演出广告案", party_name=CITIZEN["name"], process_id=SIMPLE)["id"]
    steps = flows.simple()
    _steps(w, cid, steps[:2])
    s.keep("simple_open", cid)
    _steps(w, cid, steps[2:])
    s.last("simple_closed", cid)


@dataclass(frozen=True)
class Template:
    key: str
    title: str
    process_id: str
    party: str = "organisation"  # or "citizen": what kind of party the copies get


TEMPLATES = (
    Template("filed", "刚启动，待填立案审批表", GENERAL),
    Template("filing_approval", "待立案审批", GENERAL),
    Template("emergency", "紧急先行处置，待24小时内补报", GENERAL),
    Template("investigation", "调查取证中（已移交音像记录）", GENERAL),
    Template("review", "待案件审核", GENERAL),
    Template("decision", "待决定审批", GENERAL),
    Template("service", "送达中", GENERAL),
    Template("performance", "待履行", GENERAL),
    Template("archive_due", "待立卷归档", GENERAL),
    Template("closed", "已结案归档", GENERAL),
    Template("closed_late_av", "已结案（音像记录逾期移交）", GENERAL),
    Template("simple_open", "简易程序，待当场决定", SIMPLE, "citizen"),
    Template("simple_closed", "简易程序已结案", SIMPLE, "citizen"),
)
#: the walks, by the procedure they run
WALKS: dict[str, tuple[Callable[[ServiceWalker, Stages], None], ...]] = {
    GENERAL: (_general, _emergency), SIMPLE: (_simple,)}


def walk_all(users: dict[str, User], templates: list[Template]) -> dict[str, int]:
    """Walk the procedures of ``templates`` as ``users`` (sample walker names → users); template key → case id,
    every case's 文书 rendered."""
    wanted = [t.key for t in templates]
    stages = Stages(users["officer1"].agency_id, set(wanted))
    w = TemplateWalker(users)
    for process in dict.fromkeys(t.process_id for t in templates):
        for walk in WALKS[process]:
            walk(w, stages)
    return {key: stages.found[key] for key in wanted}
