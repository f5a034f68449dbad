"""The article-by-article matrix (handlers/law/matrix.py, ``flask liuhen law matrix``)."""
from __future__ import annotations

from pathlib import Path

from handlers import profiles
from handlers.law import matrix, proof
from handlers.law.schema import LAW_DIR, binding, law_file_data

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


def test_tests_declare_articles_by_docstring_or_marker() -> None:
    text = ('import pytest\n\n@pytest.mark.article("lishui-city", 13)\ndef test_a():\n    pass\n\n\n'
            'def test_b():\n    """《中华人民共和国行政强制法》第十九条 and naiman-culture 第八条."""\n\n\n'
            'def test_naiman_culture_8_and_xingzheng_qiangzhi_fa_54_by_name():\n    pass\n')
    found = matrix.tests_by_article({"t.py": text}, {"中华人民共和国行政强制法": "行政强制法"},
                                    {"naiman_culture": "naiman-culture", "xingzheng_qiangzhi_fa": "行政强制法"})
    by_name = "t.py::test_naiman_culture_8_and_xingzheng_qiangzhi_fa_54_by_name"
    assert found == {("lishui-city", "第十三条"): ["t.py::test_a"], ("行政强制法", "第十九条"): ["t.py::test_b"],
                     ("naiman-culture", "第八条"): ["t.py::test_b", by_name], ("行政强制法", "第五十四条"): [by_name]}
