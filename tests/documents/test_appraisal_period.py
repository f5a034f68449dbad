"""鉴定结果告知书: the period to apply for a new appraisal is the agency's profile setting ([documents.appraisal]), printed
on every notice with its article — the officer no longer types it; a record made before the setting existed, with the
period typed in, still prints that period (SQLite and PostgreSQL)."""
from __future__ import annotations

from typing import Any

import pytest

from handlers import profiles
from tests.documents.test_investigation_documents import pdf_text
from tests.support.walker import Walker
from webapp.db import db
from webapp.loadgen.flows import file_case
from webapp.loadgen.payloads import payload
from webapp.models import Agency

BASIS = "《某省文化市场行政执法鉴定管理办法》第十二条"  # a title as the agency writes it: printed as given


def _set_documents(app: Any, agency_id: int, documents: dict[str, Any]) -> None:
    """The agency's profile snapshot as the 机构配置 page stores it, with ``documents`` in place."""
    with app.app_context():
        agency = db.session.get(Agency, agency_id)
        agency.profile = {**(agency.profile or {}), "documents": documents}
        db.session.commit()
        db.session.remove()


def _notice(w: Walker, tmp_path: Any, notice: dict[str, Any]) -> str:
    """A case whose 询问 step holds a 鉴定意见 and its 结果告知: the sealed 告知书's text."""
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": None})
    task = w.task(cid, "t_inquiry")
    opinion = w.upload("鉴定意见书".encode(), name="鉴定意见书.pdf")
    for kind, data in (("expert_opinion", payload("expert_opinion", files=[opinion])), ("appraisal_notice", notice)):
        res = w.add(cid, task, kind, data)
        assert res.status_code == 201, (kind, res.get_json())
    w.do(cid, "t_inquiry", {"inquiry_record": None})
    doc = next(d for d in w.call("get", f"/api/cases/{cid}/documents", "officer1").get_json()
               if d["kind"] == "appraisal_notice")
    return pdf_text(w.call("get", doc["url"], "officer1").data, tmp_path)


def test_the_period_is_printed_from_the_profile_with_its_article(app, agency, walker, tmp_path):
    _set_documents(app, agency.id, {"appraisal": {"objection_days": 10, "working_days": True, "basis": BASIS}})
    text = _notice(walker, tmp_path, payload("appraisal_notice"))
    assert f"自收到本告知书之日起10个工作日内依照{BASIS}的规定，向本机关书面申请重新鉴定" in text, text
    assert "逾期未提出的，视为对该结果无异议" in text


def test_the_profile_setting_prevails_over_a_period_still_typed(app, agency, walker, tmp_path):
    _set_documents(app, agency.id, {"appraisal": {"objection_days": 10, "working_days": True, "basis": BASIS}})
    text = _notice(walker, tmp_path, payload("appraisal_notice", objection_days=30, working_days=False))
    assert "10个工作日内" in text and "30日" not in text


def test_a_record_made_before_the_setting_still_prints_its_typed_period(walker, tmp_path):
    """An agency whose profile predates the setting, and a record with the period typed in as it was then."""
    old = payload("appraisal_notice", objection_days=15, working_days=False, objection_basis=BASIS)
    text = _notice(walker, tmp_path, old)
    assert f"自收到本告知书之日起15日内依照{BASIS}的规定，向本机关书面申请重新鉴定" in text, text


def test_a_profile_states_the_period_as_days_within_a_year_with_an_article():
    """The 机构配置 page refuses a period out of range or an article not cited as one, in Chinese."""
    base = profiles.load("fushun-culture").folder
    assert base is not None
    text = (base / "profile.toml").read_text(encoding="utf-8")
    wrong = text.replace("objection_days = 15", "objection_days = 0\nbasis = \"有关规定\"")
    with pytest.raises(profiles.ProfileError) as refused:
        profiles.parse(wrong)
    assert "申请期限应为 1 至 365 日" in str(refused.value) and "依据须写明条款" in str(refused.value)
    assert profiles.load("changli-market").data["documents"]["appraisal"]["objection_days"] == 15
