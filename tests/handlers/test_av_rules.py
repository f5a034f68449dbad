"""The pure A/V rules: handover deadlines, retention dates, types by magic bytes, masking for a party."""
from __future__ import annotations

import datetime as dt

from handlers import av_rules, profiles
from handlers.settings import Settings
from handlers.workcalendar import national
from webapp.loadgen.payloads import payload

CN = dt.timezone(dt.timedelta(hours=8))


def _of(code: str, **values) -> Settings:
    return Settings.of({**profiles.load(code).agency_profile(national()), **values})


def test_24_hour_handover_by_default():
    end = dt.datetime(2026, 3, 6, 17, 0, tzinfo=CN)  # a Friday
    h = av_rules.handover_deadline(end, Settings())
    assert h.due_at == end + dt.timedelta(hours=24) and h.basis == ()  # no regulation: no county's article
    assert not h.late(end + dt.timedelta(hours=23)) and h.late(end + dt.timedelta(hours=24, seconds=1))


def test_fushun_culture_31_and_changli_market_19_handover_articles_come_from_their_rules():
    """fushun-culture 第三十一条, changli-market 第十九条: the article is the agency's ``av-handover`` rule's."""
    end = dt.datetime(2026, 3, 6, 17, 0, tzinfo=CN)
    assert av_rules.handover_deadline(end, _of("fushun-culture")).basis == ("fushun-culture 第三十一条",)
    assert av_rules.handover_deadline(end, _of("changli-market")).basis == ("changli-market 第十九条",)
    assert av_rules.handover_deadline(end, _of("lishui-city")).basis == ()  # its regulation sets no such period
    without = _of("fushun-culture", rules=[r.to_json() for r in profiles.load("fushun-culture").rules
                                           if not r.id.startswith("av-handover")])
    assert av_rules.handover_deadline(end, without).basis == ()


def test_one_working_day_skips_the_weekend_and_holidays():
    pishan = {"av_handover_working_days": 1}
    friday = dt.datetime(2026, 3, 6, 17, 0, tzinfo=CN)
    h = av_rules.handover_deadline(friday, Settings.of(pishan))
    assert h.due_at == dt.datetime(2026, 3, 10, 0, 0, tzinfo=CN)  # end of Monday
    assert h.basis == () and av_rules.handover_deadline(friday, _of("pishan-culture")).basis == ("pishan-culture 第十九条",)
    local = {**pishan, "holidays": ["2026-03-09"]}
    assert av_rules.handover_deadline(friday, Settings.of(local)).due_at == dt.datetime(2026, 3, 11, tzinfo=CN)
    makeup = {**pishan, "makeup_workdays": ["2026-03-07"]}
    assert av_rules.handover_deadline(friday, Settings.of(makeup)).due_at == dt.datetime(2026, 3, 8, tzinfo=CN)


def test_remote_field_work_counts_from_the_return_with_a_reason():
    end = dt.datetime(2026, 3, 2, 10, 0, tzinfo=CN)
    back = dt.datetime(2026, 3, 5, 18, 0, tzinfo=CN)
    h = av_rules.handover_deadline(end, Settings(), returned_at=back, remote_reason="在边远牧区连续执法，无网络")
    assert h.due_at == back + dt.timedelta(hours=24) and "返回单位" in h.rule and h.basis == ()
    fushun = av_rules.handover_deadline(end, _of("fushun-culture"), returned_at=back, remote_reason="在边远牧区连续执法")
    assert fushun.due_at == h.due_at and fushun.basis == ("fushun-culture 第三十一条",)  # its av-handover-remote rule
    assert av_rules.handover_deadline(end, Settings(), returned_at=back).due_at == end + dt.timedelta(hours=24)


def test_retention_in_calendar_months():
    start = dt.datetime(2026, 8, 31, 12, tzinfo=dt.UTC)
    assert av_rules.retention_until(start, 6) == dt.datetime(2027, 2, 28, 12, tzinfo=dt.UTC)
    assert av_rules.retention_until(start, 36) == dt.datetime(2029, 8, 31, 12, tzinfo=dt.UTC)
    assert Settings().av_retention_months == 36 and Settings.of({"av_retention_months": 6}).av_retention_months == 6
    now = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    assert "保存期限未满" in av_rules.disposal_refusal(now, av_rules.retention_until(start, 6), [])
    assert av_rules.disposal_refusal(now, start, []) is None
    assert "长期保存" in av_rules.disposal_refusal(now, start, ["complaint"])


def test_type_is_checked_against_the_first_bytes():
    assert av_rules.type_mismatch("video/mp4", b"\x00\x00\x00\x18ftypmp42") is None
    assert av_rules.type_mismatch("image/jpeg", b"\xff\xd8\xff\xe0") is None
    assert "不符" in av_rules.type_mismatch("image/jpeg", b"\x89PNG\r\n\x1a\n0000")
    assert "不支持" in av_rules.type_mismatch("text/plain", b"hello")
    assert av_rules.file_name("张明", "星光网吧案", "video/quicktime") == "张明星光网吧案.mov"


def test_masking_hides_protected_persons_but_not_the_party():
    record = {
        "interviewee": {"name": "赵六", "id_number": "210421199001011232", "phone": "13800000000", "kind": "citizen"},
        "interviewee_role": "witness",
        "complainant": {"name": "钱七", "phone": "13900000000"},
        "signatures": [{"signer": "张明", "capacity": "officer", "signed": True},
                       {"signer": "孙八", "capacity": "witness", "signed": True},
                       {"signer": "王五", "capacity": "party", "signed": True}],
        "content": "问：……",
    }
    masked = av_rules.mask_for_party(record)
    text = str(masked)
    for secret in ("赵六", "210421199001011232", "13800000000", "钱七", "13900000000", "孙八"):
        assert secret not in text
    assert "张明" in text and "王五" in text and masked["content"] == "问：……"
    own = av_rules.mask_for_party({"interviewee": {"name": "王五"}, "interviewee_role": "party"})
    assert own["interviewee"]["name"] == "王五"


def test_naiman_culture_12_a_partys_copy_hides_the_complainants_phone_as_well_as_the_name():
    """naiman-culture 第十二条 (个人隐私): a named complainant's contact is as private as the name."""
    masked = str(av_rules.mask_for_party(payload("complaint_record")))
    assert "周九" not in masked and "13800000000" not in masked and "抚顺县星光网吧" in masked
