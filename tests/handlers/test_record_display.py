"""A stored record as people read it: the 文书 get Chinese labels for choice codes, the case file (title, text) lines."""
from __future__ import annotations

from handlers import catalogue


def test_display_labels_choices_and_keeps_the_code() -> None:
    shown = catalogue.display("mail_returned", {"reason": "moved", "envelope_kept": True})
    assert shown == {"reason": "迁移新址不明", "reason_code": "moved", "envelope_kept": True}


def test_lines_spell_out_choices_yes_no_and_local_time() -> None:
    lines = catalogue.lines("mail_returned", {"reason": "refused", "returned_at": "2026-03-02T01:30:00+00:00",
                                              "envelope_kept": False})
    assert lines == [("退回原因", "拒收"), ("退回时间", "2026-03-02 09:30"), ("退回邮件已留存", "否")]


def test_a_kind_no_longer_catalogued_shows_as_stored() -> None:
    assert catalogue.lines("retired_kind", {"a": 1}) == [("a", "1")]
    assert catalogue.display("retired_kind", {"a": "x"}) == {"a": "x"}


def test_every_act_a_kind_is_offered_on_is_in_the_vocabulary() -> None:
    """A misspelt act would offer the record nowhere, silently."""
    from handlers.law.acts import known

    offered = {(code, act) for code, rk in catalogue.CATALOGUE.items() for act in rk.offered_on}
    assert {code for code, _ in offered} >= {"inquiry_summons", "refusal_record", "expert_opinion", "hearing_report"}
    assert [pair for pair in offered if not known(pair[1])] == []
