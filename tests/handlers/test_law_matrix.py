"""The article-by-article matrix (handlers/law/matrix.py, ``flask liuhen law matrix``)."""
from __future__ import annotations

from pathlib import Path

import pytest

from handlers import profiles
from handlers.law import matrix, proof
from handlers.law.model import rule_from_json
from handlers.law.schema import LAW_DIR, RuleFileError, binding, law_file_data, load_law_file

ROOT = Path(__file__).resolve().parents[2]


def _matrix(code: str) -> matrix.Matrix:
    prof = profiles.load(code)
    laws = [matrix.Law(code, prof.data["regulation"], prof.data["articles"], prof.data["organisational"])]
    laws += [matrix.Law(d["code"], d["title"], d.get("articles"), d["organisational"])
             for d in (law_file_data(p) for p in sorted(LAW_DIR.glob("*.toml")))]
    sources = profiles.compose_sources(prof, {p.name: p.read_bytes() for p in sorted((ROOT / "workflows/base").glob("*.bpmn"))})
    tasks = {f"{n.process}/{n.id}": n.props for pid in prof.procedures for n in proof.compose(sources, pid).nodes.values()}
    tests = matrix.tests_by_article({str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
                                     for p in (ROOT / "tests").rglob("test_*.py")}, {law.title: law.code for law in laws})
    return matrix.build(code, laws, binding(prof.rules), sorted(tasks.items()), {"archive.basis": "fushun-culture 第三十一条"},
                        tests)


def test_numerals_are_written_as_the_texts_write_them() -> None:
    assert [matrix.numeral(n) for n in (1, 10, 14, 20, 37, 100, 105, 110, 120)] == [
        "一", "十", "十四", "二十", "三十七", "一百", "一百零五", "一百一十", "一百二十"]


def test_every_article_of_the_regulation_is_listed_with_rules_tasks_tests_or_its_reason() -> None:
    """fushun-culture 第十四条第二款: the rule, the task carrying it and this file's tests that name it."""
    m = _matrix("fushun-culture")
    own = [r for r in m.rows if r.law.code == "fushun-culture"]
    assert [r.article for r in own] == [matrix.article_no(n) for n in range(1, 38)]
    seizure = next(r for r in own if r.article == "第十四条")
    assert "av-seizure" in seizure.rules and "coercive_measure/t_coercive_onsite" in seizure.tasks
    assert any(t.endswith("test_proof.py::test_seizure_without_av_is_refused") for t in seizure.tests)
    assert next(r for r in own if r.article == "第三十七条").status == "组织性规定"
    assert next(r for r in own if r.article == "第三十一条").settings == ["archive.basis"]
    c = m.coverage()
    assert c["articles"] == 37 and c["organisational"] == 10 and c["enforced"] <= c["checkable"] == 27
    assert "《抚顺县文化市场综合执法全过程记录实施办法》" in m.markdown() and "fushun-culture 第" not in m.html()
    assert m.csv().splitlines()[0].startswith("法律法规,条款,状态")


PROFILES = ("fushun-culture", "pishan-culture", "changli-market", "lishui-city", "naiman-culture")
CHUFA, QIANGZHI, XUKE = "中华人民共和国行政处罚法", "中华人民共和国行政强制法", "中华人民共和国行政许可法"


def test_article_numbers_and_runs_of_articles_are_read_as_the_texts_write_them() -> None:
    assert [matrix.number(matrix.article_no(n)) for n in range(1, 300)] == list(range(1, 300))
    assert [matrix.number(a) for a in ("第十一", "第一十条", "第零条", "第十四条第二款")] == [0, 0, 0, 0]
    assert matrix.span("第十条至第十六条") == (10, 16) and matrix.span("第八十六条") == (86, 86)
    assert matrix.expand({"第二条至第四条": "设定权", "第九条": "施行日期"}) == {
        "第二条": "设定权", "第三条": "设定权", "第四条": "设定权", "第九条": "施行日期"}


def test_a_run_of_organisational_articles_lists_each_article_with_the_reason() -> None:
    law = matrix.Law("某法", "中华人民共和国某法", 5, {"第二条至第四条": "法律责任，约束监督机关"})
    m = matrix.build("某法", [law], [], [], {}, {})
    assert [(r.article, r.status) for r in m.rows] == [
        ("第一条", "未覆盖"), ("第二条", "组织性规定"), ("第三条", "组织性规定"), ("第四条", "组织性规定"), ("第五条", "未覆盖")]
    assert m.table()[3][-1] == "法律责任，约束监督机关"


def test_a_national_article_with_a_reason_is_organisational_and_a_demanding_one_stays_uncovered() -> None:
    """The liability chapter of 行政处罚法 binds the supervising organs: organisational, with the reason; 第四十二条
    (two officers) makes a demand on the case that no rule checks yet, so it stays 未覆盖 with no reason."""
    m = _matrix("fushun-culture")
    rows = {(r.law.title, r.article): r for r in m.rows}
    liability = rows[(CHUFA, "第七十九条")]
    assert liability.status == "组织性规定" and "法律责任" in liability.organisational
    assert "组织性规定" in m.markdown() and liability.organisational in m.markdown()
    assert rows[(QIANGZHI, "第七十一条")].status == "组织性规定"
    two_officers = rows[(CHUFA, "第四十二条")]
    assert two_officers.status == "未覆盖" and two_officers.organisational == ""
    assert rows[(XUKE, "第四十二条")].status == "未覆盖"


@pytest.mark.parametrize("code", PROFILES)
def test_no_article_that_software_checks_is_listed_as_organisational(code: str) -> None:
    """Every shipped law and profile: an article a rule, a task or a setting carries has no organisational reason."""
    m = _matrix(code)
    assert [(r.law.code, r.article) for r in m.rows if r.organisational and r.status != "组织性规定"] == []


def test_a_law_file_that_calls_an_article_its_rule_cites_organisational_is_refused(tmp_path) -> None:
    (tmp_path / "chufa.toml").write_text(
        'code = "行政处罚法"\ntitle = "中华人民共和国行政处罚法"\narticles = 86\n\n[organisational]\n'
        '"第五十五条至第六十二条" = "误把可检查的条文列为组织性规定"\n"第九十条" = "超出条文数"\n"第十条至第八条" = "起止颠倒"\n'
        '"第五十六条" = "重复列出"\n\n'
        '[[rules]]\nid = "cf-60"\ntitle = "九十日内作出决定"\nkind = "period"\nacts = ["决定"]\nwithin = "P90D"\n'
        'start = "case"\nbasis = "行政处罚法 第六十条"\n', encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load_law_file(tmp_path / "chufa.toml")
    text = str(err.value)
    assert "chufa.toml 不合格" in text
    assert "第五十五条至第六十二条：第六十条被规则 cf-60 引用，软件检查的条文不能列为组织性规定" in text
    assert "第九十条：超出本法规的条文数（articles = 86）" in text and "第十条至第八条：起止条文无效" in text
    assert "第五十六条：第五十六条已在“第五十五条至第六十二条”中列出" in text


def test_a_profile_that_calls_an_article_its_rule_cites_organisational_is_refused() -> None:
    text = (profiles.PROFILES_DIR / "naiman-culture" / "profile.toml").read_text(encoding="utf-8")
    wrong = text.replace("[organisational]\n", '[organisational]\n"第八条" = "误列为组织性规定"\n', 1)
    with pytest.raises(profiles.ProfileError, match="第八条被规则 av-full 引用"):
        profiles.parse(wrong)


def test_a_rule_outweighs_an_organisational_reason_in_the_matrix() -> None:
    law = matrix.Law("某法", "中华人民共和国某法", 2, {"第一条至第二条": "组织性"})
    rule = rule_from_json({"id": "r1", "title": "某规则", "kind": "presence", "acts": ["决定"], "basis": "某法 第二条"})
    m = matrix.build("某法", [law], [rule], [], {}, {})
    assert [r.status for r in m.rows] == ["组织性规定", "已落实，无测试"] and m.table()[2][-1] == ""


def test_the_summary_has_one_line_per_law_by_its_real_title_printed_once() -> None:
    m = _matrix("fushun-culture")
    lines = m.summaries()
    assert lines[0] == ("《抚顺县文化市场综合执法全过程记录实施办法》：共 37 条，组织性规定 10 条；"
                        f"可检查 27 条，已落实 {m.coverage()['enforced']} 条，有测试 {m.coverage()['tested']} 条，"
                        f"未覆盖 {27 - m.coverage()['enforced']} 条")
    titles = [line.partition("》")[0] + "》" for line in lines]
    assert titles == ["《抚顺县文化市场综合执法全过程记录实施办法》", "《中华人民共和国民事诉讼法》", f"《{CHUFA}》", f"《{QIANGZHI}》",
                      f"《{XUKE}》", "《行政执法机关移送涉嫌犯罪案件的规定》"]
    assert lines[-1].startswith("《行政执法机关移送涉嫌犯罪案件的规定》：列出所涉 1 条")  # 第五条, its rules and tests
    assert lines[2].startswith(f"《{CHUFA}》：共 86 条，组织性规定 49 条；可检查 37 条")
    assert "列出所涉" in lines[1] and "fushun-culture" not in m.summary()
    for text in (m.markdown(), m.html()):
        assert all(text.count(line) == 1 for line in lines)
    assert m.title() == "法律依据矩阵：《抚顺县文化市场综合执法全过程记录实施办法》" and m.markdown().startswith("# " + m.title())
    block = m.csv().split("\r\n\r\n")[1].splitlines()
    assert block[0] == "法律法规,列出条数,组织性规定,可检查,已落实,有测试,未覆盖"
    assert block[3].startswith(f"《{CHUFA}》,86,49,37,")


def test_tests_declare_articles_by_docstring_or_marker() -> None:
    text = ('import pytest\n\n@pytest.mark.article("lishui-city", 13)\ndef test_a():\n    pass\n\n\n'
            'def test_b():\n    """《中华人民共和国行政强制法》第十九条 and naiman-culture 第八条."""\n\n\n'
            'def test_naiman_culture_8_and_xingzheng_qiangzhi_fa_54_by_name():\n    pass\n')
    found = matrix.tests_by_article({"t.py": text}, {"中华人民共和国行政强制法": "行政强制法"},
                                    {"naiman_culture": "naiman-culture", "xingzheng_qiangzhi_fa": "行政强制法"})
    by_name = "t.py::test_naiman_culture_8_and_xingzheng_qiangzhi_fa_54_by_name"
    assert found == {("lishui-city", "第十三条"): ["t.py::test_a"], ("行政强制法", "第十九条"): ["t.py::test_b"],
                     ("naiman-culture", "第八条"): ["t.py::test_b", by_name], ("行政强制法", "第五十四条"): [by_name]}
