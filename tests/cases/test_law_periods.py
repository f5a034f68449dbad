"""Periods of the national law judged on facts the case holds, through the API (SQLite and PostgreSQL)."""
from __future__ import annotations

import datetime as dt

import pytest

from handlers.deadlines import due_at, extended, rule_deadline
from handlers.law.facts import StoredRecord
from handlers.law.periods import CALENDAR_DAYS_BASIS, Counting, parse_period
from handlers.law.schema import national as national_law
from handlers.workcalendar import end_of_day, local_date, national
from tests.support.flows import decided, start
from tests.support.walker import Walker
from webapp.loadgen.flows import (
    approval_steps,
    file_case,
    investigate,
    reminder,
    report_to_statement,
    service_steps,
    simple,
)
from webapp.loadgen.payloads import T, av_recording, payload

QZ_54 = "《中华人民共和国行政强制法》第五十四条"


def _to_court_application(w: Walker, served_at: dt.datetime) -> tuple[int, dict]:
    cid = start(w, "compulsory_enforcement")
    when = served_at.isoformat()
    for name, records in reminder():
        if "service_receipt" in records:
            records = {"service_receipt": payload("service_receipt", served_at=when)}
        w.do(cid, name, records)
    w.do(cid, "t_enforcement_route", {"enforcement_route": payload("enforcement_route", route="court")})
    for name, records in approval_steps():
        w.do(cid, name, records)
    task = w.task(cid, "t_court_application")
    # the typed date no longer counts: only the 送达回证 of this 催告书 does
    assert w.add(cid, task, "court_application", payload("court_application", applied_at=when)).status_code == 201
    return cid, task


def test_xingzheng_qiangzhi_fa_54_court_application_counts_working_days_from_service(client, agency, clock):
    w = Walker(client, agency.tokens)
    served = clock.now()
    cid, task = _to_court_application(w, served)
    ends = end_of_day(national().add_working_days(local_date(served), 10))  # 第六十九条: ten days are working days
    clock.set(served + dt.timedelta(days=10, hours=1))  # ten calendar days are not ten working days
    assert clock.now() < ends
    res = w.complete(cid, task)
    body = res.get_json()
    assert res.status_code == 422 and QZ_54 in body["message"] and "按工作日计算" in body["message"], body
    assert [m["problem"] for m in body["missing"]] == ["early"]
    clock.set(ends + dt.timedelta(minutes=1))
    assert w.complete(cid, task).status_code == 200


def _ninety_five_days_after_filing_without_a_decision(w: Walker, clock) -> int:
    cid = file_case(w)
    investigate(w, cid)
    report_to_statement(w, cid)
    w.do(cid, "t_approval", {"decision_approval": None})
    clock.advance(days=95)
    return cid


def test_xingzheng_chufa_fa_60_a_decision_after_ninety_days_reaches_the_case_audit_chain(client, agency, clock):
    w = Walker(client, agency.tokens)
    cid = _ninety_five_days_after_filing_without_a_decision(w, clock)
    w.do(cid, "t_decision", {"penalty_decision": None})
    overdue = [a for a in w.case(cid)["audit"] if a["action"] == "deadline.overdue"]
    assert len(overdue) == 1 and overdue[0]["detail"]["task"] == "t_decision"
    assert "行政处罚法 第六十条" in overdue[0]["detail"]["basis"] and overdue[0]["detail"]["late"] is True


def test_xingzheng_chufa_fa_64_the_hearing_notice_must_be_served_seven_working_days_before(client, agency):
    """The arrangement's planned date is not the fact: the 送达回证 of the notice is (行政处罚法 第六十四条（二）)."""
    w = Walker(client, agency.tokens)
    cid = file_case(w)
    investigate(w, cid)
    report_to_statement(w, cid, hearing=True)
    held, served = "2026-03-13T09:00:00+08:00", "2026-03-10T10:00:00+08:00"  # three days before
    w.do(cid, "t_hearing_notice", {"hearing_arrangement": payload(
        "hearing_arrangement", held_at=held, notice_served_at="2026-03-02T10:00:00+08:00")})
    for name, records in service_steps("direct"):
        if "service_receipt" in records:
            records = {"service_receipt": payload("service_receipt", served_at=served)}
        w.do(cid, name, records)
    task = w.task(cid, "t_hearing")
    w.add(cid, task, "hearing_record", payload("hearing_record", held_at=held))
    w.add(cid, task, "av_not_suitable")
    res = w.complete(cid, task)
    body = res.get_json()
    assert res.status_code == 422 and "《中华人民共和国行政处罚法》第六十四条" in body["message"], body
    assert [m["problem"] for m in body["missing"]] == ["early"]
    w.add(cid, task, "hearing_record", payload("hearing_record", held_at="2026-03-23T09:00:00+08:00"))  # postponed
    assert w.complete(cid, task).status_code == 200


def _to_enforcement(w: Walker, method: str, task_name: str) -> tuple[int, dict]:
    cid = start(w, "compulsory_enforcement")
    for name, records in reminder():
        w.do(cid, name, records)
    w.do(cid, "t_enforcement_route", {"enforcement_route": None})
    for name, records in approval_steps():
        w.do(cid, name, records)
    w.do(cid, "t_enforcement_decision", {"enforcement_decision": payload("enforcement_decision", method=method)})
    for name, records in service_steps("direct"):
        w.do(cid, name, records)
    return cid, w.task(cid, task_name)


def test_xingzheng_qiangzhi_fa_43_no_enforcement_at_night_or_on_a_public_holiday(client, agency):
    w = Walker(client, agency.tokens)
    cid, task = _to_enforcement(w, "restore", "t_restore")
    w.add(cid, task, "av_recording", av_recording(w.upload(b"restoration footage")))
    for at in ("2026-03-26T23:00:00+08:00", "2026-10-01T10:00:00+08:00"):  # night; 国庆节
        w.add(cid, task, "restoration_record", payload("restoration_record", executed_at=at))
        res = w.complete(cid, task)
        body = res.get_json()
        assert res.status_code == 422 and "《中华人民共和国行政强制法》第四十三条" in body["message"], body
        assert ("夜间" if at.startswith("2026-03") else "法定节假日") in body["message"]
    w.add(cid, task, "restoration_record", payload("restoration_record", executed_at="2026-10-01T10:00:00+08:00",
                                                   emergency=True))
    assert w.complete(cid, task).status_code == 200  # 情况紧急的除外


def test_xingzheng_qiangzhi_fa_51_substitute_performance_three_working_days_after_the_reminder(client, agency):
    """Reminded on a Friday: Tuesday is 96 hours later but only two working days (第六十九条), so not yet."""
    w = Walker(client, agency.tokens)
    cid, task = _to_enforcement(w, "substitute", "t_substitute")
    friday = "2026-03-20T10:00:00+08:00"
    w.add(cid, task, "substitute_performance", payload("substitute_performance", reminded_at=friday,
                                                       executed_at="2026-03-24T10:00:00+08:00"))
    res = w.complete(cid, task)
    assert res.status_code == 422 and "《中华人民共和国行政强制法》第五十一条" in res.get_json()["message"]
    w.add(cid, task, "substitute_performance", payload("substitute_performance", reminded_at=friday,
                                                       executed_at="2026-03-26T10:00:00+08:00"))
    assert w.complete(cid, task).status_code == 200
    review = w.call("get", f"/oversight/api/cases/{cid}/review", "approver1").get_json()
    [step] = [s for s in review["steps"] if s["spec_name"] == "t_substitute"]
    assert {c["basis"] for c in step["checks"] if c["kind"] == "law"} >= {"行政强制法 第五十一条", "行政强制法 第四十三条"}


def test_xingzheng_chufa_fa_67_no_reminder_before_the_fifteen_days_to_pay_have_passed(client, agency, clock):
    """A decision served by 公告 counts as served thirty days after publication (民事诉讼法 第九十五条), and the
    party then has fifteen days to pay (行政处罚法 第六十七条): the case cannot go on to 催告 before."""
    w = Walker(client, agency.tokens)
    cid = file_case(w)
    investigate(w, cid)
    report_to_statement(w, cid)
    w.do(cid, "t_approval", {"decision_approval": None})
    w.do(cid, "t_decision", {"penalty_decision": None})
    published = clock.now()
    sha = w.upload(b"public notice of the decision")
    for name, records in service_steps("public", sha=sha):
        if "public_notice" in records:
            records = {**records, "public_notice": payload(
                "public_notice", notice_files=[sha], published_at=published.isoformat(),
                deemed_served_at=(published + dt.timedelta(days=30)).isoformat())}
        w.do(cid, name, records)
    w.do(cid, "t_performance", {"performance_record": payload("performance_record", status="none")})
    task = w.task(cid, "t_reminder")
    w.add(cid, task, "enforcement_reminder")
    res = w.complete(cid, task)
    body = res.get_json()
    assert res.status_code == 422 and "《中华人民共和国行政处罚法》第六十七条" in body["message"], body
    # 30 days to be served, then 15 to pay, ending on a working day (民事诉讼法 第八十五条: the clock may sit before 国庆)
    ends = due_at(published + dt.timedelta(days=30), parse_period("P15D"), Counting("calendar", CALENDAR_DAYS_BASIS),
                  national())
    clock.set(max(published + dt.timedelta(days=46), ends + dt.timedelta(minutes=1)))
    res = w.complete(cid, task)
    assert res.status_code == 200, res.get_json()


def test_xingzheng_chufa_fa_71_fines_collected_on_the_spot_are_handed_in_within_two_working_days(client, agency):
    w = Walker(client, agency.tokens)
    cid = start(w, "simple_procedure")
    for name, records in simple(on_spot=True):
        if name == "t_fine_collection":
            break
        w.do(cid, name, records)
    task = w.task(cid, "t_fine_collection")
    friday = "2026-03-06T10:00:00+08:00"
    w.add(cid, task, "fine_collection", payload("fine_collection", collected_at=friday,
                                                handed_in_at="2026-03-11T09:00:00+08:00"))  # Wednesday: the third working day
    res = w.complete(cid, task)
    assert res.status_code == 422 and "《中华人民共和国行政处罚法》第七十一条" in res.get_json()["message"]
    w.add(cid, task, "fine_collection", payload("fine_collection", collected_at=friday,
                                                handed_in_at="2026-03-10T16:00:00+08:00"))
    assert w.complete(cid, task).status_code == 200


def test_xingzheng_chufa_fa_64_1_a_hearing_request_comes_within_five_working_days_of_the_notice(client, agency):
    """Told on Monday 3-02 (payloads.T): the fifth working day ends Monday 3-09; a request on 3-10 opens no hearing
    as if it were timely (行政处罚法 第六十四条（一）, five days being working days under 第八十五条)."""
    w = Walker(client, agency.tokens)
    cid = file_case(w)
    investigate(w, cid)
    w.do(cid, "t_report", {"investigation_report": None})
    w.do(cid, "t_case_review", {"case_review": None})
    w.do(cid, "t_notice", {"prior_notice": None})
    task = w.task(cid, "t_statement")
    res = w.add(cid, task, "statement_record", payload("statement_record", hearing_requested=True))
    assert res.status_code == 422 and "requested_at" in str(res.get_json()), res.get_json()
    w.add(cid, task, "statement_record", payload("statement_record", hearing_requested=True,
                                                 requested_at="2026-03-10T09:00:00+08:00"))
    res = w.complete(cid, task)
    body = res.get_json()
    assert res.status_code == 422 and "《中华人民共和国行政处罚法》第六十四条（一）" in body["message"], body
    assert "按工作日计算" in body["message"] and "2026-03-10 00:00 前" in body["message"], body["message"]
    w.add(cid, task, "statement_record", payload("statement_record", hearing_requested=True,
                                                 requested_at="2026-03-09T17:00:00+08:00"))
    assert w.complete(cid, task).status_code == 200
    assert w.task(cid, "t_hearing_notice")["name"] == "t_hearing_notice"


def test_xingzheng_chufa_fa_60_a_decision_not_yet_made_after_ninety_days_reaches_the_audit_chain_at_the_tick(
        app, client, agency, clock):
    """The breach is sealed when the worker notices it, not only if the decision is ever made (行政处罚法 第六十条)."""
    w = Walker(client, agency.tokens)
    cid = _ninety_five_days_after_filing_without_a_decision(w, clock)
    for _ in range(2):  # a second tick seals nothing twice
        result = app.test_cli_runner().invoke(args=["liuhen", "tick"])
        assert result.exit_code == 0, result.output
    overdue = [a for a in w.case(cid)["audit"] if a["action"] == "deadline.overdue"]
    assert [(a["detail"]["task"], a["detail"].get("open")) for a in overdue] == [("t_decision", True)]
    assert "行政处罚法 第六十条" in overdue[0]["detail"]["basis"]
    w.do(cid, "t_decision", {"penalty_decision": None})
    overdue = [a for a in w.case(cid)["audit"] if a["action"] == "deadline.overdue"]
    assert [a["detail"].get("closed_at") is not None for a in overdue] == [False, True]


QZ_53 = "《中华人民共和国行政强制法》第五十三条"


@pytest.mark.article("行政强制法", 53)
def test_xingzheng_qiangzhi_fa_53_the_court_is_asked_after_the_remedy_periods_and_within_three_months(
        client, agency, clock):
    """行政强制法 第五十三条: not before the six months to sue (行政诉讼法 第四十六条) have run from the service of the
    decision — the fact is the 送达回证 of *that* 决定书 — and within three months after they have."""
    w = Walker(client, agency.tokens)
    clock.set(dt.datetime.fromisoformat(T))
    cid, _ = decided(w)
    served = clock.now() + dt.timedelta(hours=2)
    for name, records in service_steps("direct"):
        if "service_receipt" in records:
            records = {"service_receipt": payload("service_receipt", served_at=served.isoformat())}
        w.do(cid, name, records)
    w.do(cid, "t_performance", {"performance_record": payload("performance_record", status="none")})
    clock.set(served + dt.timedelta(days=16))  # 第六十七条: the fifteen days to pay are over before the 催告
    for name, records in reminder():
        if "service_receipt" in records:
            records = {"service_receipt": payload("service_receipt", served_at=clock.now().isoformat())}
        w.do(cid, name, records)
    clock.set(served + dt.timedelta(days=40))  # 第五十四条's ten working days after the 催告书 are over
    w.do(cid, "t_enforcement_route", {"enforcement_route": payload("enforcement_route", route="court")})
    for name, records in approval_steps():
        w.do(cid, name, records)
    task = w.task(cid, "t_court_application")

    def apply(at: dt.datetime):
        assert w.add(cid, task, "court_application", payload("court_application", applied_at=at.isoformat())
                     ).status_code == 201
        return w.complete(cid, task)

    early = apply(clock.now())
    assert early.status_code == 422 and QZ_53 in early.get_json()["message"], early.get_json()
    assert "early" in [m["problem"] for m in early.get_json()["missing"]]
    clock.set(served + dt.timedelta(days=300))  # beyond six months and three
    late = apply(clock.now())
    assert late.status_code == 422 and QZ_53 in late.get_json()["message"] and "实际" in late.get_json()["message"]
    in_time = apply(served + dt.timedelta(days=200))  # applied seven months after service: recorded as made then
    assert in_time.status_code == 200, in_time.get_json()


def test_xingzheng_qiangzhi_fa_25_an_extension_moves_only_the_period_it_extends() -> None:
    """行政强制法 第二十五条: the newest extension's stated end counts where it falls after the period's own end and
    within one more period of it; an earlier measure's extension does not move a later measure's term."""
    term = rule_deadline(next(r for r in national_law() if r.id == "qz-25-seizure-term"))
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    due = start + dt.timedelta(days=30)

    def extension(end: dt.datetime) -> StoredRecord:
        return StoredRecord(1, "coercive_extension", {"extended_ends_at": end.isoformat()})

    assert extended(term, start, due, [extension(due + dt.timedelta(days=20))]) == (
        due + dt.timedelta(days=20), "延长查封、扣押期限告知")
    assert extended(term, start, due, []) is None
    assert extended(term, start, due, [extension(due + dt.timedelta(days=31))]) is None  # longer than the law allows
    later = due + dt.timedelta(days=40)  # a second measure, begun after the first's extended end
    assert extended(term, later, later + dt.timedelta(days=30), [extension(due + dt.timedelta(days=20))]) is None
