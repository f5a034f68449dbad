"""The party's 公民身份号码 and 统一社会信用代码 are checked by their check digit (GB 11643, GB 32100), with
python-stdnum, wherever a record names a party (立案、询问、检查、决定 …)."""
from __future__ import annotations

from handlers.catalogue import CATALOGUE
from webapp.loadgen.payloads import payload


def test_a_wrong_check_digit_is_refused_in_chinese_and_a_right_one_kept():
    schema = CATALOGUE["case_filing"].schema()  # the record kind of 立案 (its party group)
    good = payload("case_filing")
    assert schema.validate(good) == {}
    for kind, number, text in (("organisation", "91210421MA0XXXXXX1", "统一社会信用代码校验位不符"),
                               ("organisation", "123", "不是有效的统一社会信用代码"),
                               ("citizen", "210421199001011234", "公民身份号码校验位不符"),
                               ("citizen", "91210421MA0XXXXXXK", "不是有效的公民身份号码")):
        bad = {**good, "party": {**good["party"], "kind": kind, "id_number": number}}
        assert text in schema.validate(bad)["party"]["id_number"][0], (kind, number)
    citizen = {**good, "party": {**good["party"], "kind": "citizen", "id_number": "210421199001011232"}}
    assert schema.validate(citizen) == {}


def test_an_organisation_names_its_representative():
    """Both official formats print the 法定代表人（负责人）of an organisation on the 决定书: an organisation's party
    without one is refused where it is typed; a citizen needs none."""
    schema = CATALOGUE["case_filing"].schema()
    good = payload("case_filing")
    for blank in ({"representative": ""}, {"representative": "  "}, {}):
        party = {k: v for k, v in good["party"].items() if k != "representative"} | blank
        assert schema.validate({**good, "party": party})["party"]["representative"] \
            == ["法人或其他组织须填写法定代表人（负责人、经营者）"], blank
    citizen = {k: v for k, v in good["party"].items() if k not in ("representative", "licence")}
    citizen |= {"kind": "citizen", "id_number": "210421199001011232"}
    assert schema.validate({**good, "party": citizen}) == {}
