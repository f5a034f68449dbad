"""Two moments of one record in the order they can happen: a reply due before the letter went out, a notice
received before it was issued, an extraction that ends before it began — refused where typed, in Chinese, on the
later field (``handlers.records.fields.in_order``); the same moment is refused only where the later one is a period
that must run (a 回复期限, 提供期限 …)."""
from __future__ import annotations

import datetime as dt

import pytest

from handlers.catalogue import CATALOGUE
from webapp.loadgen.payloads import payload

ORDERS = [  # kind, earlier, later, message, the same moment refused too
    ("jurisdiction_notice", "issued_at", "received_at", "收到时间不能早于通知日期", False),
    ("jurisdiction_notice", "received_at", "report_by", "报送查处结果的期限应晚于收到时间", True),
    ("expert_opinion", "commissioned_at", "issued_at", "出具时间不能早于委托或组织时间", False),
    ("electronic_data", "started_at", "ended_at", "提取结束时间不能早于开始时间", False),
    ("assistance_request", "requested_at", "reply_by", "回复期限应晚于发函时间", True),
    ("materials_notice", "notified_at", "provide_by", "提供期限应晚于通知时间", True),
    ("identification_request", "notified_at", "reply_by", "回复期限应晚于通知时间", True),
    ("inquiry_summons", "issued_at", "attend_at", "接受询问时间须晚于通知时间", True),
    ("appraisal_period", "period_from", "expected_until", "预计结束时间应晚于期间起算时间", True),
    ("fine_collection", "collected_at", "handed_in_at", "交至行政机关的时间不能早于收缴时间", False),
]


@pytest.mark.parametrize("kind,earlier,later,message,strictly", ORDERS, ids=[f"{o[0]}.{o[2]}" for o in ORDERS])
def test_a_later_moment_typed_before_the_earlier_is_refused_on_the_later_field(kind, earlier, later, message, strictly):
    schema = CATALOGUE[kind].schema()
    at = dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))

    def errors(offset: dt.timedelta) -> list[str]:
        data = {**payload(kind), earlier: at.isoformat(), later: (at + offset).isoformat()}
        return schema.validate(data).get(later, [])

    assert errors(-dt.timedelta(hours=1)) == [message]
    assert errors(dt.timedelta(0)) == ([message] if strictly else [])
    assert errors(dt.timedelta(hours=1)) == []
