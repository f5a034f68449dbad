"""The articles of 《昌黎县市场监管局行政执法全过程记录实施办法》 that name a record the agency must make at a step, one
test each, through the JSON API (SQLite and PostgreSQL): a Changli officer who completes the step without it is refused
with the article cited by its real title — only through the profile's own ``record`` rule, so each test fails without
it."""
from __future__ import annotations

import pytest

from tests.support.articles import cites, enforcement, general, licensing, refused

pytestmark = pytest.mark.xdist_group("articles_changli")  # its walks are shared per process

CODE = "changli-market"
CHANGLI = "《昌黎县市场监管局行政执法全过程记录实施办法》"


def _refused(app, client, steps, target, process="general_procedure", code=CODE):
    return refused(app, client, code, steps, target, process)


@pytest.mark.article(CODE, 7)
def test_changli_market_7_an_onsite_verification_is_recorded(app, client):
    """changli-market 第七条: 需要对申请事项进行现场核查、询问当事人的……采取文字记录、录音录像记录 — the 现场核查 is refused
    without its record; a Lishui agency's refusal at the same step cites none of Changli's regulation."""
    body = _refused(app, client, licensing(), "t_verification", process="licensing_intake")
    assert cites(body, "onsite_verification", f"{CHANGLI}第七条"), body
    other = _refused(app, client, licensing(), "t_verification", process="licensing_intake", code="lishui-city")
    assert "onsite_verification" in other["cited"] and CHANGLI not in other["message"]


@pytest.mark.article(CODE, 14)
def test_changli_market_14_direct_service_needs_its_signed_receipt(app, client):
    """changli-market 第十四条: 行政执法文书送达一般采取直接送达方式，由送达人、受送达人或符合法定条件的签收人在送达回证上签名或盖章."""
    body = _refused(app, client, general(), "t_direct_receipt")
    assert cites(body, "service_receipt", f"{CHANGLI}第十四条"), body


@pytest.mark.article(CODE, 15)
def test_changli_market_15_a_reminder_comes_before_enforcement(app, client):
    """changli-market 第十五条: 应在作出强制执行决定前或申请法院强制执行前，按照法定形式制作催告书并送达当事人."""
    body = _refused(app, client, enforcement(), "t_reminder", process="compulsory_enforcement")
    assert cites(body, "enforcement_reminder", f"{CHANGLI}第十五条"), body


@pytest.mark.article(CODE, 16)
def test_changli_market_16_the_partys_answer_to_the_reminder_is_recorded(app, client):
    """changli-market 第十六条: 当事人进行陈述、申辩的，应对当事人的陈述、申辩中提出的事实、理由和证据，行政执法机关对陈述、申辩内容
    复核及处理意见进行记录."""
    body = _refused(app, client, enforcement(), "t_reminder_response", process="compulsory_enforcement")
    assert cites(body, "reminder_response", f"{CHANGLI}第十六条"), body


@pytest.mark.article(CODE, 17)
def test_changli_market_17_the_enforcement_decision_is_made_in_writing(app, client):
    """changli-market 第十七条: 具有强制执行权的各执法单位依法采取以下强制执行方式的，应制作相应文书进行文字记录."""
    body = _refused(app, client, enforcement(), "t_enforcement_decision", process="compulsory_enforcement")
    assert cites(body, "enforcement_decision", f"{CHANGLI}第十七条"), body


@pytest.mark.article(CODE, 11)
def test_changli_market_11_an_inquiry_is_recorded_on_video_unless_unsuitable(app, client):
    """changli-market 第十一条: 行政处罚在采取现场踏勘、调查询问、举行听证程序中，应进行录音录像，不适宜录音录像的除外 — a Changli
    询问 with its 笔录 alone is refused for the recording citing the article (a written reason is the exception: the
    refusal does not exclude it); a Fushun 询问 needs no recording (第十二条 names 检查、抽样、听证 only)."""
    body = _refused(app, client, general(), "t_inquiry")
    assert "inquiry_record" in body["cited"] and cites(body, "av_recording", f"{CHANGLI}第十一条"), body
    assert "不得以不适宜音像记录的书面理由代替" not in body["message"]
    other = _refused(app, client, general(), "t_inquiry", code="fushun-culture")
    assert "av_recording" not in other["cited"] and CHANGLI not in other["message"]
