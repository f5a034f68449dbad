"""Steps of the general procedure as an agency walks them, reused by the end-to-end tests and the benchmark."""
from __future__ import annotations

import copy
import re
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
    serve(w, cid)
    w.do(cid, "t_performance", {"performance_record": payload("performance_record", correction_ordered=correction)})
    if correction:
        w.do(cid, "t_correction", {"correction_review": None})
    return close(w, cid)


def close(w: Walker, cid: int) -> dict[str, Any]:
    w.do(cid, "t_closing_report", {"closing_report": None})
    w.do(cid, "t_closing_review", {"approval_review": None})
    w.do(cid, "t_closing_approval", {"closing_approval": None})
    return w.do(cid, "t_archive", {"archive_record": None})


def start(w: Walker, process_id: str, emergency: bool = False, user: str = "officer1") -> int:
    """Start a case on any deployed procedure (the walker's create_case starts the general procedure)."""
    res = w.call("post", "/api/cases", user, json={"title": "测试案件", "party_name": "抚顺县星光网吧",
                                                   "emergency": emergency, "process_id": process_id})
    assert res.status_code == 201, res.get_json()
    return res.get_json()["id"]


SERVICE_METHODS = ("direct", "mail", "entrusted", "forwarded", "lodged", "public")
_ATTEMPT_TASK = {"direct": "t_direct_attempt", "mail": "t_mail_result", "entrusted": "t_entrusted_result",
                 "forwarded": "t_forwarded_result"}


def service_steps(method: str = "direct", served: bool = True,
                  sha: str | None = None) -> list[tuple[str, dict[str, dict[str, Any] | None]]]:
    """The tasks and records of one 送达 attempt by ``method`` inside the ``service`` subprocess."""
    plan = payload("service_plan", method=method, **({} if method == "direct" else {"reason": "直接送达有困难"}))
    steps: list[tuple[str, dict[str, dict[str, Any] | None]]] = [("t_service_plan", {"service_plan": plan})]
    av = {"av_recording": _av(sha)} if sha else {"av_not_suitable": None}
    if method == "lodged":
        return steps + [("t_lodged", {"lodging_record": None, **av})]
    if method == "public":
        return steps + [("t_public", {"public_notice": payload("public_notice", notice_files=[sha] if sha else []), **av})]
    first = {"mail": ("t_mail_post", "mail_posting"), "entrusted": ("t_entrust", "entrustment_record"),
             "forwarded": ("t_forward", "forwarding_record")}.get(method)
    if first:
        steps.append((first[0], {first[1]: None}))
    attempt = payload("service_attempt", method=method, outcome="served" if served else "failed",
                      **({} if served else {"failure_reason": "受送达人不在，无法送达"}))
    steps.append((_ATTEMPT_TASK[method], {"service_attempt": attempt}))
    proof = {"direct": ("t_direct_receipt", "service_receipt"), "mail": ("t_mail_receipt", "mail_receipt"),
             "entrusted": ("t_entrusted_receipt", "relay_receipt"), "forwarded": ("t_forwarded_receipt", "relay_receipt")}
    if served:
        steps.append((proof[method][0], {proof[method][1]: None}))
    elif method == "mail":
        steps.append(("t_mail_returned", {"mail_returned": None}))
    return steps


def serve(w: Walker, cid: int, method: str = "direct", sha: str | None = None,
          failed_first: tuple[str, ...] = ()) -> dict[str, Any]:
    """Serve a document through the ``service`` subprocess: each of ``failed_first`` fails, then ``method`` succeeds."""
    out: dict[str, Any] = {}
    for failing in failed_first:
        for name, records in service_steps(failing, served=False, sha=sha):
            out = w.do(cid, name, records)
    for name, records in service_steps(method, sha=sha):
        out = w.do(cid, name, records)
    return out


def approve(w: Walker, cid: int, decision: str = "approve") -> dict[str, Any]:
    """The ``internal_approval`` subprocess: 承办人 proposes, 审核人 reviews, 批准人 decides."""
    w.do(cid, "t_approval_request", {"approval_request": None})
    w.do(cid, "t_approval_review", {"approval_review": None})
    return w.do(cid, "t_approval_decision", {"approval_decision": payload("approval_decision", decision=decision)})


Steps = list[tuple[str, dict[str, Any]]]


def approval_steps(decision: str = "approve") -> Steps:
    """The ``internal_approval`` subprocess as step-table rows."""
    return [("t_approval_request", {"approval_request": None}), ("t_approval_review", {"approval_review": None}),
            ("t_approval_decision", {"approval_decision": payload("approval_decision", decision=decision)})]


def hearing_steps(method: str = "direct", sha: str | None = None) -> Steps:
    """The ``hearing`` subprocess: notice (chair, time, place), its service, the hearing with its A/V rule."""
    av = {"av_recording": _av(sha)} if sha else {"av_not_suitable": None}
    return [("t_hearing_notice", {"hearing_arrangement": None}), *service_steps(method, sha=sha),
            ("t_hearing", {"hearing_record": None, **av})]


def hold_hearing(w: Walker, cid: int, method: str = "direct", sha: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, records in hearing_steps(method, sha):
        out = w.do(cid, name, records)
    return out


SHA = "<SHA>"  # in step tables: replaced by the SHA-256 of a file uploaded for the walk
ARTICLE = re.compile(r"第[一二三四五六七八九十百零]+条")


class GateCheckingWalker(Walker):
    """A walker that, before recording anything at a task, checks the gate refuses it with reasons."""

    sha: str = ""
    checking: bool = True

    def do(self, case_id: int, name: str, records: dict[str, Any]) -> dict[str, Any]:
        if not self.checking:
            return super().do(case_id, name, _substitute(records, self.sha))
        task = self.task(case_id, name)
        view = self.call("get", f"/api/cases/{case_id}/tasks/{task['id']}", "officer1").get_json()
        res = self.complete(case_id, task)
        assert res.status_code == 422, (name, res.status_code)
        body = res.get_json()
        assert body["error"] == "records_missing"
        need = view["requires"]
        expected = set(need["records"]) | ({"av_recording"} if need["av"] == "required" else set())
        assert {m["record"] for m in body["missing"]} == expected, name
        for m in body["missing"]:
            basis = need["av_basis"] if m["record"] == "av_recording" else need["basis"]
            assert m["basis"] == basis and all(ARTICLE.search(b) for b in basis), (name, m)
            assert m["title"] in m["message"] and basis[0] in m["message"]
        return super().do(case_id, name, _substitute(records, self.sha))


def _substitute(value: Any, sha: str) -> Any:
    if value == SHA:
        return sha
    if isinstance(value, dict):
        return {k: _substitute(v, sha) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, sha) for v in value]
    return copy.deepcopy(value)
