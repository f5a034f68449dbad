"""Steps of the procedures as an agency walks them, reused by the end-to-end tests, the benchmarks and
the case generator.  A walker is anything with ``create_case`` and ``do`` (the JSON-API walker of the
tests, or :class:`webapp.samples.walker.ServiceWalker`)."""
from __future__ import annotations

import copy
from typing import Any, Protocol

from webapp.loadgen.payloads import av_recording, deferral_granted, payload

SHA = "<SHA>"  # in step tables: replaced by the SHA-256 of a file uploaded for the walk
Steps = list[tuple[str, dict[str, Any]]]


class Walks(Protocol):
    def create_case(self, emergency: bool = False, user: str = "officer1") -> dict[str, Any]: ...

    def do(self, case_id: int, name: str, records: dict[str, Any]) -> dict[str, Any]: ...


def file_case(w: Walks, emergency: bool = False, approve: bool = True) -> int:
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


def investigate(w: Walks, cid: int, sha: str | None = None) -> None:
    w.do(cid, "t_plan", {"investigation_plan": None})
    w.do(cid, "t_inquiry", {"inquiry_record": None})
    av = {"av_recording": _av(sha)} if sha else {"av_not_suitable": None}
    w.do(cid, "t_inspection", {"inspection_record": None, **av})


def _av(sha: str) -> dict[str, Any]:
    return av_recording(sha)


def report_to_statement(w: Walks, cid: int, major: bool = False, hearing: bool = False) -> None:
    w.do(cid, "t_report", {"investigation_report": None})
    for name, records in statement_steps(major, hearing):
        w.do(cid, name, records)


def statement_steps(major: bool = False, hearing: bool = False) -> Steps:
    """After the investigation report: 案件审核, 事先告知 and the party's 陈述申辩 (asking for a hearing or not)."""
    asked = {"requested_at": "2026-03-03T10:00:00+08:00"} if hearing else {}  # the day after 告知 (payloads.T)
    return [("t_case_review", {"case_review": payload("case_review", major_case=major)}),
            ("t_notice", {"prior_notice": None}),
            ("t_statement", {"statement_record": payload("statement_record", hearing_requested=hearing, **asked)})]


def decide_and_close(w: Walks, cid: int, correction: bool = False) -> dict[str, Any]:
    w.do(cid, "t_approval", {"decision_approval": None})
    w.do(cid, "t_decision", {"penalty_decision": None})
    serve(w, cid)
    w.do(cid, "t_performance", {"performance_record": payload("performance_record", correction_ordered=correction)})
    if correction:
        w.do(cid, "t_correction", {"correction_review": None})
    return close(w, cid)


#: 结案: the report, its review and the head's approval (归档 follows)
CLOSING: Steps = [("t_closing_report", {"closing_report": None}), ("t_closing_review", {"approval_review": None}),
                  ("t_closing_approval", {"closing_approval": None})]


def close(w: Walks, cid: int) -> dict[str, Any]:
    for name, records in CLOSING:
        w.do(cid, name, records)
    return w.do(cid, "t_archive", {"archive_record": None})


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


def serve(w: Walks, cid: int, method: str = "direct", sha: str | None = None,
          failed_first: tuple[str, ...] = ()) -> dict[str, Any]:
    """Serve a document through the ``service`` subprocess: each of ``failed_first`` fails, then ``method`` succeeds."""
    out: dict[str, Any] = {}
    for failing in failed_first:
        for name, records in service_steps(failing, served=False, sha=sha):
            out = w.do(cid, name, records)
    for name, records in service_steps(method, sha=sha):
        out = w.do(cid, name, records)
    return out


def approve(w: Walks, cid: int, decision: str = "approve") -> dict[str, Any]:
    """The ``internal_approval`` subprocess: 承办人 proposes, 审核人 reviews, 批准人 decides."""
    w.do(cid, "t_approval_request", {"approval_request": None})
    w.do(cid, "t_approval_review", {"approval_review": None})
    return w.do(cid, "t_approval_decision", {"approval_decision": payload("approval_decision", decision=decision)})


def approval_steps(decision: str = "approve") -> Steps:
    """The ``internal_approval`` subprocess as step-table rows."""
    return [("t_approval_request", {"approval_request": None}), ("t_approval_review", {"approval_review": None}),
            ("t_approval_decision", {"approval_decision": payload("approval_decision", decision=decision)})]


def hearing_steps(method: str = "direct", sha: str | None = None) -> Steps:
    """The ``hearing`` subprocess: notice (chair, time, place), its service, the hearing with its A/V rule."""
    av = {"av_recording": _av(sha)} if sha else {"av_not_suitable": None}
    # a 公告 counts as served thirty days after publication (民事诉讼法 第九十五条): the hearing comes later
    held = {"held_at": "2026-04-20T09:00:00+08:00"} if method == "public" else {}
    return [("t_hearing_notice", {"hearing_arrangement": payload("hearing_arrangement", **held)}),
            *service_steps(method, sha=sha), ("t_hearing", {"hearing_record": payload("hearing_record", **held), **av})]


def hold_hearing(w: Walks, cid: int, method: str = "direct", sha: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, records in hearing_steps(method, sha):
        out = w.do(cid, name, records)
    return out


AV = {"av_recording": _av(SHA)}


def reminder(performed: str = "none", justified: bool = False, method: str = "direct") -> Steps:
    """催告 and the party's answer (compulsory enforcement), served by ``method``."""
    return [("t_reminder", {"enforcement_reminder": None}), *service_steps(method, sha=SHA),
            ("t_reminder_response", {"reminder_response": payload("reminder_response", performed=performed,
                                                                  justified=justified)})]


def simple(disputed: bool = False, on_spot: bool = False, warning: bool = False, performed: str = "full") -> Steps:
    """The simple procedure (当场处罚) from its conditions to its archive."""
    conditions = payload("simple_conditions", likely_disputed=disputed)
    decision = payload("onspot_decision")
    if warning:
        conditions.update(penalty="warning")
        decision.update(penalty="warning", payment="none")
        del conditions["fine"], decision["fine"]
    if on_spot:
        decision.update(payment="on_spot", on_spot_ground="small")
    steps: Steps = [("t_simple_conditions", {"simple_conditions": conditions}),
                    ("t_simple_statement", {"simple_statement": None}),
                    ("t_onspot_decision", {"onspot_decision": decision})]
    if disputed:
        steps.append(("t_simple_av", dict(AV)))
    if on_spot:
        steps.append(("t_fine_collection", {"fine_collection": None}))
    steps += [("t_simple_filing", {"simple_filing": None}),
              ("t_simple_performance", {"performance_record": payload("performance_record", status=performed)})]
    if performed == "applied":  # 行政处罚法 第六十六条: deferred with approval, then paid
        steps += [("t_simple_deferral", {"payment_deferral": deferral_granted()}),
                  ("t_simple_performance", {"performance_record": payload("performance_record", status="full")})]
    elif performed != "full":
        steps += reminder(performed="full")
    return steps + [("t_simple_archive", {"archive_record": None})]


def substitute(value: Any, sha: str) -> Any:
    """A deep copy of a step's records with the :data:`SHA` placeholder replaced by ``sha``."""
    if value == SHA:
        return sha
    if isinstance(value, dict):
        return {k: substitute(v, sha) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, sha) for v in value]
    return copy.deepcopy(value)
