"""Steps of the general procedure as an agency walks them, reused by the end-to-end tests and the benchmark."""
from __future__ import annotations

from typing import Any

from .payloads import payload
from .walker import Walker


def file_case(w: Walker, emergency: bool = False, approve: bool = True) -> int:
    cid = w.create_case(emergency=emergency)["id"]
    if emergency:
        w.do(cid, "t_emergency", {"emergency_start": None})
        w.do(cid, "t_filing_late", {"case_filing": None})
    else:
        w.do(cid, "t_filing", {"case_filing": None})
    w.do(cid, "t_unit_opinion", {"unit_opinion": None})
    decision = "approve" if approve else "reject"
    w.do(cid, "t_filing_approval", {"filing_approval": payload("filing_approval", decision=decision)})
    return cid


def investigate(w: Walker, cid: int, sha: str | None = None) -> None:
    w.do(cid, "t_plan", {"investigation_plan": None})
    w.do(cid, "t_inquiry", {"inquiry_record": None})
    av = {"av_recording": _av(sha)} if sha else {"av_not_suitable": None}
    w.do(cid, "t_inspection", {"inspection_record": None, **av})


def _av(sha: str) -> dict[str, Any]:
    from .payloads import av_recording

    return av_recording(sha)


def report_to_statement(w: Walker, cid: int, major: bool = False, hearing: bool = False) -> None:
    w.do(cid, "t_report", {"investigation_report": None})
    w.do(cid, "t_case_review", {"case_review": payload("case_review", major_case=major)})
    w.do(cid, "t_notice", {"prior_notice": None})
    w.do(cid, "t_statement", {"statement_record": payload("statement_record", hearing_requested=hearing)})


def decide_and_close(w: Walker, cid: int, correction: bool = False) -> dict[str, Any]:
    w.do(cid, "t_approval", {"decision_approval": None})
    w.do(cid, "t_decision", {"penalty_decision": None})
    w.do(cid, "t_direct_service", {"service_receipt": None})
    w.do(cid, "t_performance", {"performance_record": payload("performance_record", correction_ordered=correction)})
    if correction:
        w.do(cid, "t_correction", {"correction_review": None})
    return close(w, cid)


def close(w: Walker, cid: int) -> dict[str, Any]:
    w.do(cid, "t_closing_report", {"closing_report": None})
    w.do(cid, "t_closing_approval", {"closing_approval": None})
    return w.do(cid, "t_archive", {"archive_record": None})
