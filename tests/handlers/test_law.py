"""The rule base as data: acts on every task, rule files validated with file, rule and field named,
a regulation that may tighten the national law but never loosen it, and citations by real title."""
from __future__ import annotations

import pytest
from lxml import etree

from handlers import profiles
from handlers.law import schema
from handlers.law.acts import ACTS, BASE_ACTS, act_of, governs
from handlers.law.cite import Citer, for_agency
from handlers.law.model import rule_from_json
from tests.support import WORKFLOWS

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
FUSHUN = "抚顺县文化市场综合执法全过程记录实施办法"


def test_every_task_of_the_shipped_diagrams_declares_a_known_act() -> None:
    tasks = [(t.get("id"), t.find(".//spiffworkflow:property[@name='act']", NS))
             for p in (WORKFLOWS / "base").glob("*.bpmn") for t in etree.parse(str(p)).iter(f"{{{NS['bpmn']}}}userTask")]
    assert len(tasks) == len(BASE_ACTS)
    assert all(prop is not None and prop.get("value") in ACTS and prop.get("value") == BASE_ACTS[tid]
               for tid, prop in tasks)


def test_a_version_stored_before_acts_is_read_by_its_base_task_id() -> None:
    assert act_of("t_lodged", {}) == "送达.留置" and act_of("t_new", {}) is None
    assert act_of("t_lodged", {"act": "送达.公告"}) == "送达.公告"


def test_a_rule_on_an_act_governs_the_acts_under_it_only() -> None:
    assert governs("送达", "送达.留置") and governs("送达.留置", "送达.留置")
    assert not governs("送达.留置", "送达.公告") and not governs("听证", "听证通知") and not governs("听证", None)


def test_national_rules_load_and_name_their_laws_by_full_title() -> None:
    titles = schema.national_titles()
    assert titles["行政处罚法"] == "中华人民共和国行政处罚法" and titles["行政强制法"] == "中华人民共和国行政强制法"
    ids = {r.id for r in schema.national()}
    assert {"cf-60-decide-within-90-days", "qz-19-report-within-24h", "xk-32-intake-within-5-days"} <= ids


def test_a_bad_rule_file_is_refused_naming_file_rule_and_field(tmp_path) -> None:
    (tmp_path / "bad.toml").write_text('code = "行政处罚法"\ntitle = "中华人民共和国行政处罚法"\n'
                                       '[[rules]]\nid = "cf-x"\ntitle = "某规则"\nkind = "recording"\n'
                                       'acts = ["不存在的行为"]\nbasis = "行政处罚法 第四十七条"\n', encoding="utf-8")
    with pytest.raises(schema.RuleFileError) as err:
        schema.load_law_file(tmp_path / "bad.toml")
    text = str(err.value)
    assert "bad.toml" in text and "rules.[cf-x].acts" in text and "未知的执法行为" in text


PERIOD = ('code = "行政强制法"\ntitle = "中华人民共和国行政强制法"\n[[rules]]\nid = "qz-x"\ntitle = "某规则"\n'
          'acts = ["强制措施.处理"]\nbasis = "行政强制法 第二十五条"\n')


@pytest.mark.parametrize("fields", ['kind = "period"\nwithin = "P30D"\nuntil = "coercive_extension.reasons"\n',
                                    'kind = "period"\nwithin = "P30D"\nuntil = "no_such_kind.extended_ends_at"\n',
                                    'kind = "order"\nfollowed_by = ["强制措施.解除"]\n'
                                    'until = "coercive_extension.extended_ends_at"\n'])
def test_an_extended_end_must_be_a_recorded_moment_of_a_period_rule(tmp_path, fields: str) -> None:
    """A period rule's ``until`` (the end an approved extension states) names a moment of a record, or is refused."""
    (tmp_path / "qz.toml").write_text(PERIOD + fields, encoding="utf-8")
    with pytest.raises(schema.RuleFileError) as err:
        schema.load_law_file(tmp_path / "qz.toml")
    assert "qz.toml" in str(err.value) and "rules.[qz-x].until" in str(err.value), str(err.value)
    (tmp_path / "qz.toml").write_text(PERIOD + 'kind = "period"\nwithin = "P30D"\n'
                                      'until = "coercive_extension.extended_ends_at"\n', encoding="utf-8")
    assert [r.until for r in schema.load_law_file(tmp_path / "qz.toml")[2]] == ["coercive_extension.extended_ends_at"]


SUBSET = ('code = "行政许可法"\ntitle = "中华人民共和国行政许可法"\n[[rules]]\nid = "xk-x"\ntitle = "某规则"\n'
          'kind = "subset"\nacts = ["许可.补正告知"]\nbasis = "行政许可法 第三十二条"\n')


@pytest.mark.parametrize(("fields", "field", "why"), [
    ('fact = "首次补正告知"\n', "at", "子集规则须写 at"),
    ('at = "supplement_notice.items"\n', "at", "fact"),
    ('at = "supplement_notice.items"\nfact = "罚款数额"\n', "fact", "不是所列事项的清单"),
    ('at = "supplement_notice.notified_at"\nfact = "首次补正告知"\n', "at", "不是记录中的列表字段"),
    ('at = "no_such_kind.items"\nfact = "首次补正告知"\n', "at", "不是记录中的列表字段"),
])
def test_a_malformed_subset_rule_is_refused_naming_file_rule_and_field(tmp_path, fields: str, field: str, why: str) -> None:
    (tmp_path / "xk.toml").write_text(SUBSET + fields, encoding="utf-8")
    with pytest.raises(schema.RuleFileError) as err:
        schema.load_law_file(tmp_path / "xk.toml")
    text = str(err.value)
    assert "xk.toml" in text and f"rules.[xk-x].{field}" in text and why in text, text
    (tmp_path / "xk.toml").write_text(SUBSET + 'at = "supplement_notice.items"\nfact = "首次补正告知"\n', encoding="utf-8")
    assert [r.kind for r in schema.load_law_file(tmp_path / "xk.toml")[2]] == ["subset"]


def test_xingzheng_chufa_fa_60_a_regulation_may_tighten_but_not_loosen_a_national_period() -> None:
    longer = rule_from_json({"id": "slow", "title": "一百日内决定", "kind": "period", "acts": ["决定"],
                             "within": "P100D", "basis": "fushun-culture 第十八条", "tightens": "cf-60-decide-within-90-days"})
    shorter = rule_from_json({**longer.to_json(), "within": "P60D"})
    assert "只能收紧不能放宽" in " ".join(schema.check_tightening([longer], schema.national()))
    assert schema.check_tightening([shorter], schema.national()) == []
    assert [r.id for r in schema.binding([shorter]) if r.acts == ("决定",) and r.kind == "period"] == ["slow"]


def test_a_profile_that_loosens_national_law_is_refused_on_load() -> None:
    text = (WORKFLOWS / "profiles" / "fushun-culture" / "profile.toml").read_text(encoding="utf-8")
    text += ('\n[[rules]]\nid = "slow-decision"\ntitle = "一百二十日内决定"\nkind = "period"\nacts = ["决定"]\n'
             'within = "P120D"\nbasis = "fushun-culture 第十八条"\ntightens = "cf-60-decide-within-90-days"\n')
    with pytest.raises(profiles.ProfileError, match="只能收紧不能放宽"):
        profiles.parse(text)


def test_citations_are_by_real_title_and_for_this_agency_only() -> None:
    fushun = for_agency("fushun-culture", FUSHUN)
    assert fushun.all(["fushun-culture 第七条；lishui-city 第八条", "行政处罚法 第六十条"]) == (
        f"《{FUSHUN}》第七条", "《中华人民共和国行政处罚法》第六十条")
    assert Citer().all(["naiman-culture 第八条"]) == ()
    assert fushun.one("本机构配置 devices.check_before_use") == "本机构配置 devices.check_before_use"


def test_naiman_culture_8_and_fushun_culture_12_differ_in_mode() -> None:
    naiman = {r.id: r for r in profiles.load("naiman-culture").rules}["av-full"]
    fushun = {r.id: r for r in profiles.load("fushun-culture").rules}
    assert naiman.mode == "mandatory" and "查封扣押" in naiman.acts
    assert fushun["av-on-site"].mode == "unless_unsuitable" and fushun["av-seizure"].mode == "mandatory"


@pytest.mark.parametrize("code", ["fushun-culture", "pishan-culture", "changli-market", "naiman-culture", "lishui-city"])
def test_every_rule_quotes_the_article_it_cites(code: str) -> None:
    """Traceability: each rule of the profile and of the national law carries the text of its article, so a
    refusal, the matrix and the designer can show what the law says, not only where."""
    rules = [*schema.national(), *profiles.load(code).rules]
    assert [r.id for r in rules if len(r.text.strip()) < 8] == []


def test_articles_inside_a_sentence_are_cited_by_title_and_another_countys_are_left_out() -> None:
    """The record catalogue's help texts and messages name articles in code form; people read the real title, and a
    Fushun officer is not shown Lishui's regulation (nor its code)."""
    citer = for_agency("fushun-culture", FUSHUN)
    assert citer.prose("只能采用挂号信或邮政特快专递（fushun-culture 第二十三条，lishui-city 第十八条（四））") == \
        f"只能采用挂号信或邮政特快专递（《{FUSHUN}》第二十三条）"
    assert citer.prose("须附说明（naiman-culture 第十条、pishan-culture 第十九条）") == "须附说明"
    assert citer.prose("依照行政处罚法 第四十四条告知") == "依照《中华人民共和国行政处罚法》第四十四条告知"
    assert citer.prose("按《营业性演出管理条例》第四十六条（1 至 365 日）") == "按《营业性演出管理条例》第四十六条（1 至 365 日）"
    # a department's 规章 the agency does not apply is left out like another county's regulation; one it applies is cited
    assert citer.prose("须记录公告期限（行政强制法 第二十八条、市场监督管理行政处罚程序规定 第四十一条第三款）") == \
        "须记录公告期限（《中华人民共和国行政强制法》第二十八条）"
    market = for_agency("changli-market", "昌黎县市场监管局行政执法全过程记录实施办法", ["市场监督管理行政处罚程序规定"])
    assert market.prose("须记录公告期限（市场监督管理行政处罚程序规定 第四十一条第三款）") == \
        "须记录公告期限（《市场监督管理行政处罚程序规定》第四十一条第三款）"


SUM = ('code = "行政处罚法"\ntitle = "中华人民共和国行政处罚法"\n[[rules]]\nid = "cf-x"\ntitle = "合计"\n'
       'acts = ["延期缴纳罚款"]\nfact = "罚款数额"\nbasis = "行政处罚法 第六十六条"\n')


@pytest.mark.parametrize(("fields", "why"), [
    ('kind = "amount"\nat = "payment_deferral.nothing[].sum_due"\n', "不是记录中列表各项的字段"),
    ('kind = "amount"\nat = "payment_deferral.instalments[].nothing"\n', "不是记录中列表各项的字段"),
    ('kind = "after"\nat = "payment_deferral.instalments[].due_at"\n', "只有数额规则"),
])
def test_a_rule_that_adds_up_a_list_is_an_amount_rule_on_a_real_list(tmp_path, fields: str, why: str) -> None:
    (tmp_path / "cf.toml").write_text(SUM + fields, encoding="utf-8")
    with pytest.raises(schema.RuleFileError) as err:
        schema.load_law_file(tmp_path / "cf.toml")
    text = str(err.value)
    assert "cf.toml" in text and "rules.[cf-x].at" in text and why in text, text
    (tmp_path / "cf.toml").write_text(SUM + 'kind = "amount"\nat = "payment_deferral.instalments[].sum_due"\n',
                                      encoding="utf-8")
    assert [r.at for r in schema.load_law_file(tmp_path / "cf.toml")[2]] == ["payment_deferral.instalments[].sum_due"]
