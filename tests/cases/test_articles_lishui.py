"""The articles of 《丽水市行政执法全过程记录实施办法》 that name a record the agency must make at a step, one test each,
through the JSON API (SQLite and PostgreSQL): a Lishui officer who completes the step without it is refused with the
article cited by its real title.  The article reaches the refusal only through the profile's own ``record`` rule
(the shared diagrams carry national law), so each test fails without that rule."""
from __future__ import annotations

import pytest

from tests.support.articles import cites, enforcement, general, licensing, preservation, refused

pytestmark = pytest.mark.xdist_group("articles_lishui")  # its walks are shared per process

CODE = "lishui-city"
LISHUI = "《丽水市行政执法全过程记录实施办法》"


def _refused(app, client, steps, target, process="general_procedure", code=CODE):
    return refused(app, client, code, steps, target, process)


@pytest.mark.article(CODE, 7)
def test_lishui_city_7_a_licence_application_is_registered_in_writing(app, client):
    """lishui-city 第七条: 对申请登记、口头申请、受理或不予受理……一次性告知申请人需补正的全部内容等填写相关文书予以记录 —
    the 申请登记 and the 受理 decision are each refused without their 文书."""
    body = _refused(app, client, licensing(), "t_application", process="licensing_intake")
    assert cites(body, "license_application", f"{LISHUI}第七条"), body
    body = _refused(app, client, licensing(), "t_intake_decision", process="licensing_intake")
    assert cites(body, "intake_decision", f"{LISHUI}第七条"), body


@pytest.mark.article(CODE, 11)
def test_lishui_city_11_the_investigation_plan_is_recorded_and_fushun_cites_its_own_article(app, client):
    """lishui-city 第十一条: 调查、取证可采取以下方式进行文字记录 — the 调查方案 is refused when missing, citing Lishui's
    article; a Fushun agency at the same step is cited its own regulation, never Lishui's."""
    body = _refused(app, client, general(), "t_plan")
    assert cites(body, "investigation_plan", f"{LISHUI}第十一条"), body
    other = _refused(app, client, general(), "t_plan", code="fushun-culture")
    assert "investigation_plan" in other["cited"] and LISHUI not in other["message"]


@pytest.mark.article(CODE, 12)
def test_lishui_city_12_the_notice_of_rights_is_made_in_writing(app, client):
    """lishui-city 第十二条: 应依法告知当事人、利害关系人……享有权利、救济途径（如陈述、申辩、申请回避、听证等），并制作告知书或现场笔录."""
    body = _refused(app, client, general(), "t_notice")
    assert cites(body, "prior_notice", f"{LISHUI}第十二条"), body


@pytest.mark.article(CODE, 14)
def test_lishui_city_14_evidence_preservation_is_recorded(app, client):
    """lishui-city 第十四条: 在证据可能灭失或以后难以取得的情况下，行政执法机关采取证据保全措施的，应记录以下事项."""
    body = _refused(app, client, preservation(), "t_preservation")
    assert cites(body, "evidence_preservation", f"{LISHUI}第十四条"), body


@pytest.mark.article(CODE, 18)
def test_lishui_city_18_the_service_is_recorded_from_its_plan(app, client):
    """lishui-city 第十八条: 行政执法机关送达行政执法文书，除履行相关送达程序外，还应当按照下列规定记录送达过程 — the choice of
    the method and the 留置送达 are each refused without their record."""
    body = _refused(app, client, general(), "t_service_plan")
    assert cites(body, "service_plan", f"{LISHUI}第十八条"), body
    body = _refused(app, client, general(method="lodged"), "t_lodged")
    assert cites(body, "lodging_record", f"{LISHUI}第十八条"), body


@pytest.mark.article(CODE, 19)
def test_lishui_city_19_performance_is_recorded_after_the_decision(app, client):
    """lishui-city 第十九条: 行政执法机关作出行政执法决定后，应对当事人履行行政决定的情况进行文字记录."""
    body = _refused(app, client, general(), "t_performance")
    assert cites(body, "performance_record", f"{LISHUI}第十九条"), body


@pytest.mark.article(CODE, 20)
def test_lishui_city_20_a_reminder_is_made_before_enforcement(app, client):
    """lishui-city 第二十条: 当事人逾期不履行行政执法决定，行政执法机关依法予以催告的，应制作催告书."""
    body = _refused(app, client, enforcement(), "t_reminder", process="compulsory_enforcement")
    assert cites(body, "enforcement_reminder", f"{LISHUI}第二十条"), body


@pytest.mark.article(CODE, 21)
def test_lishui_city_21_the_enforcement_decision_is_made_in_writing(app, client):
    """lishui-city 第二十一条: 具有强制执行权的行政执法机关依法采取以下强制执行方式的，应制作相应文书进行文字记录."""
    body = _refused(app, client, enforcement(), "t_enforcement_decision", process="compulsory_enforcement")
    assert cites(body, "enforcement_decision", f"{LISHUI}第二十一条"), body


@pytest.mark.article(CODE, 24)
def test_lishui_city_24_the_internal_approval_records_who_proposed(app, client):
    """lishui-city 第二十四条: 全程记录内部审批流程，明确承办人、审核人、批准人……由承办人提出意见和理由 — the 呈请 of an internal
    approval is refused without the 承办人's record."""
    body = _refused(app, client, preservation(), "t_approval_request")
    assert cites(body, "approval_request", f"{LISHUI}第二十四条"), body
