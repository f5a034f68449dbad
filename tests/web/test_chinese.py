"""Chinese in every message a person or a caller reads: the error pages and JSON errors (500 included), the
validation messages marshmallow and WTForms would otherwise give in English, and citations split per regulation."""
from __future__ import annotations

import re

from handlers.law.cite import for_agency
from tests.support.walker import Walker
from tests.support.web_client import WebUser
from webapp import create_app
from webapp.loadgen.payloads import payload

LATIN_SENTENCE = re.compile(r"[A-Za-z]{3,} [A-Za-z]{2,}")


def test_an_unexpected_error_is_a_chinese_page_or_chinese_json(tmp_path):
    """An exception no handler knows becomes the Chinese 500 page for a browser and JSON for an API caller, never
    Werkzeug's English "Internal Server Error" page."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}", "SECRET_KEY": "t",
                      "LIUHEN_FILE_STORE": str(tmp_path / "files"), "LIUHEN_RENDER_AT_START": False,
                      "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("a bug")

    client = app.test_client()
    page = client.get("/boom")
    html = page.get_data(as_text=True)
    assert page.status_code == 500 and "系统出错" in html and "请联系本机构管理员" in html
    assert "Internal Server Error" not in html and "a bug" not in html
    api = client.get("/boom", headers={"Accept": "application/json"})
    assert api.status_code == 500 and api.get_json() == {"error": "internal_error",
                                                         "message": "系统内部出错，本次操作未完成，请稍后重试"}
    bad = client.post("/login", data="x", headers={"Accept": "application/json", "Content-Type": "application/json"})
    assert bad.status_code in (400, 422) and not LATIN_SENTENCE.search(bad.get_data(as_text=True))


def test_validation_messages_are_chinese(app, agency, client):
    """A marshmallow schema with no message of its own (unknown field, wrong type) and a WTForms length check."""
    w = Walker(client, agency.tokens)
    res = w.call("post", "/api/cases", "officer1", json={"title": "案", "party_name": 3})
    assert res.status_code == 422 and res.get_json()["fields"]["party_name"], res.get_json()
    assert not LATIN_SENTENCE.search(str(res.get_json()))
    case = w.create_case()
    task = next(t for t in case["tasks"] if t["name"] == "t_filing")
    res = w.add(case["id"], task, "case_filing", {**payload("case_filing"), "colour": "red", "facts": 3})
    fields = res.get_json()["fields"]
    assert res.status_code == 422 and fields["colour"] == ["不接受此字段"] and fields["facts"] == ["格式不正确"], fields
    officer = WebUser(app, agency.usernames["officer1"]).login()
    res = officer.post("/cases", {"title": "案" * 301, "party_name": "某", "process_id": "general_procedure"},
                       csrf_from="/cases")
    assert res.status_code == 302
    html = officer.text("/cases")
    assert "案由：" in html and "300" in html and "cannot be longer" not in html


def test_references_to_two_regulations_joined_by_a_comma_are_cited_apart():
    """``a 第三十一条、b 第十九条`` is two references: the agency's own is cited by title, another county's left out."""
    citer = for_agency("fushun-culture", "抚顺办法")
    assert citer.text(["fushun-culture 第三十一条、changli-market 第十九条"]) == "《抚顺办法》第三十一条"
    assert citer.text(["fushun-culture 第十一条、第十二条"]) == "《抚顺办法》第十一条、第十二条"
