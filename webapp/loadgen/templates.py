"""The template cases the generator copies: walked for real through the case service, the gate and the engine.

Each template stops at a different point of the whole process, so that copies fill every stage of the
supervision figures and every inbox: just filed, awaiting filing approval, an emergency start awaiting its
24-hour 补报, in investigation with an A/V recording, awaiting review, decision, service, performance and
archiving, and closed (one with a recording handed over late), plus simple-procedure cases open and closed.
Deadlines run from the moment each template reached its step; copies dated months back are therefore
overdue, as an agency's old open cases would be.
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
from webapp.evidence import media
from webapp.loadgen import flows
from webapp.loadgen.payloads import CITIZEN, PARTY, av_recording
from webapp.loadgen.walker import ROLE_USER, ServiceWalker
from webapp.models import User

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


def _filed(w: ServiceWalker) -> int:
    return w.create_case()["id"]


def _awaiting_filing_approval(w: ServiceWalker) -> int:
    return _steps(w, _filed(w), [("t_filing", {"case_filing": None}), ("t_unit_opinion", {"unit_opinion": None})])


def _emergency(w: ServiceWalker) -> int:
    return _steps(w, w.create_case(emergency=True)["id"], [("t_emergency", {"emergency_start": None})])


def _investigation(w: ServiceWalker) -> int:
    cid = flows.file_case(w)
    _steps(w, cid, [("t_plan", {"investigation_plan": None}), ("t_inquiry", {"inquiry_record": None})])
    sha = record_av(w, cid, "t_inspection")
    return _steps(w, cid, [("t_inspection", {"inspection_record": None, AV_RECORDING: av_recording(sha)})])


def _review(w: ServiceWalker) -> int:
    cid = flows.file_case(w)
    flows.investigate(w, cid)
    return _steps(w, cid, [("t_report", {"investigation_report": None})])


def _decision(w: ServiceWalker) -> int:
    cid = flows.file_case(w)
    flows.investigate(w, cid)
    flows.report_to_statement(w, cid)
    return cid


def _decided(w: ServiceWalker) -> int:
    return _steps(w, _decision(w), [("t_approval", {"decision_approval": None}),
                                    ("t_decision", {"penalty_decision": None})])


def _service(w: ServiceWalker) -> int:
    return _steps(w, _decided(w), flows.service_steps("direct")[:1])


def _performance(w: ServiceWalker) -> int:
    cid = _decided(w)
    flows.serve(w, cid)
    return cid


def _archive_due(w: ServiceWalker) -> int:
    cid = _performance(w)
    _steps(w, cid, [("t_performance", {"performance_record": None}), ("t_closing_report", {"closing_report": None}),
                    ("t_closing_review", {"approval_review": None}),
                    ("t_closing_approval", {"closing_approval": None})])
    return cid


def _closed(w: ServiceWalker) -> int:
    cid = _decision(w)
    flows.decide_and_close(w, cid)
    return cid


def _closed_late_av(w: ServiceWalker) -> int:
    cid = flows.file_case(w)
    _steps(w, cid, [("t_plan", {"investigation_plan": None}), ("t_inquiry", {"inquiry_record": None})])
    sha = record_av(w, cid, "t_inspection", late=True)
    _steps(w, cid, [("t_inspection", {"inspection_record": None, AV_RECORDING: av_recording(sha)})])
    flows.report_to_statement(w, cid)
    flows.decide_and_close(w, cid)
    return cid


def _simple(w: ServiceWalker, upto: int | None = None) -> int:
    cid = w.create_case(title="在禁止张贴区域张贴演出广告案", party_name=CITIZEN["name"], process_id=SIMPLE)["id"]
    return _steps(w, cid, flows.simple()[:upto])


@dataclass(frozen=True)
class Template:
    key: str
    title: str
    process_id: str
    walk: Callable[[ServiceWalker], int]
    party: str = "organisation"  # or "citizen": what kind of party the copies get


TEMPLATES = (
    Template("filed", "刚启动，待填立案审批表", GENERAL, _filed),
    Template("filing_approval", "待立案审批", GENERAL, _awaiting_filing_approval),
    Template("emergency", "紧急先行处置，待24小时内补报", GENERAL, _emergency),
    Template("investigation", "调查取证中（已移交音像记录）", GENERAL, _investigation),
    Template("review", "待案件审核", GENERAL, _review),
    Template("decision", "待决定审批", GENERAL, _decision),
    Template("service", "送达中", GENERAL, _service),
    Template("performance", "待履行", GENERAL, _performance),
    Template("archive_due", "待立卷归档", GENERAL, _archive_due),
    Template("closed", "已结案归档", GENERAL, _closed),
    Template("closed_late_av", "已结案（音像记录逾期移交）", GENERAL, _closed_late_av),
    Template("simple_open", "简易程序，待当场决定", SIMPLE, lambda w: _simple(w, 2), "citizen"),
    Template("simple_closed", "简易程序已结案", SIMPLE, _simple, "citizen"),
)


def walk_all(users: dict[str, User], templates: list[Template]) -> dict[str, int]:
    """Walk ``templates`` as ``users`` (sample walker names → users); template key → case id."""
    w = TemplateWalker(users)
    return {t.key: t.walk(w) for t in templates}
