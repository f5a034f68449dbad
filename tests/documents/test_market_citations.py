"""The 市场监督管理行政处罚程序规定 cited where a market agency applies it and nowhere else: its 第四十一条第三款 on the
先行处置物品确认书 and 公告 (先行处置 of goods that will not keep), its 第六十四条第二款 on the 鉴定期间告知书 (the time of a
检测、检验、检疫、鉴定 is not counted in the period for deciding the case). A culture agency does not apply the 规定
(`department_rules` in its profile names none), so its papers do not cite it."""
from __future__ import annotations

import pytest

import documents
from tests.documents.test_render import context_for, pdf_text, squeeze

RULES = "《市场监督管理行政处罚程序规定》"
CULTURE_BASIS = "《某省文化市场行政执法鉴定管理办法》第十二条"  # a 规章 a culture officer types: printed as given


def _text(code: str, profile: str, tmp_path, **doc: str) -> str:
    kind = documents.kind(code)
    context = context_for(kind, profile=profile)
    context["doc"] = {**context["doc"], **doc}
    return squeeze(pdf_text(documents.render(kind.template, context), tmp_path))


@pytest.mark.article("市场监督管理行政处罚程序规定", 41)
@pytest.mark.parametrize("code", ["disposal_confirmation", "disposal_announcement"])
def test_an_advance_disposal_cites_the_rules_for_a_market_agency_only(code, tmp_path):
    """第四十一条第三款: goods that will not keep may be disposed of before they are found forfeit, with the owner's
    consent and the head's approval, or after an announcement where the owner is unknown."""
    market = _text(code, "changli-market", tmp_path)
    assert f"依照{RULES}第四十一条第三款的规定，经本机关负责人刘伟批准" in market, market
    assert "《中华人民共和国行政强制法》第二十八条" in market
    culture = _text(code, "fushun-culture", tmp_path)
    assert RULES not in culture and "经本机关负责人刘伟批准" in culture


@pytest.mark.article("市场监督管理行政处罚程序规定", 64)
def test_an_appraisal_period_notice_cites_article_64_for_a_market_agency_only(tmp_path):
    """第六十四条第二款: 检测、检验、检疫、鉴定…时间不计入…案件办理期限 — printed for a market agency whatever the record
    typed (once, where it typed that article); a culture agency prints the 规章 its officer typed and not the 规定."""
    cited = f"根据《中华人民共和国行政处罚法》第六十条、{RULES}第六十四条第二款的规定，鉴定期间不计入"
    market = _text("appraisal_period", "changli-market", tmp_path, basis=f"{RULES}第六十四条")
    assert cited in market and market.count(RULES) == 1, market
    assert cited in _text("appraisal_period", "changli-market", tmp_path, basis="")
    culture = _text("appraisal_period", "fushun-culture", tmp_path, basis=CULTURE_BASIS)
    assert f"根据《中华人民共和国行政处罚法》第六十条、{CULTURE_BASIS}的规定" in culture and RULES not in culture, culture
