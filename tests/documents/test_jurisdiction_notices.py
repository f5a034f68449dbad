"""The market set's items 2 and 3 (市场监督管理行政处罚文书格式范本（2021年修订版）): 指定管辖通知书 and 案件交办通知书 pass
from a higher agency to this one.  The receiving agency records the notice on its 立案 step (offered, not required):
the 文书 filed with the case prints the issuer's name, 文号 and date as received and the 收文登记 with the case's 案号;
the agency's counter gives it no 文号 (SQLite and PostgreSQL)."""
from __future__ import annotations

import re
import subprocess

from tests.support.app import profiled
from tests.support.walker import Walker
from tests.support.web_client import web
from webapp.loadgen.payloads import payload

CASE_NUMBERED = re.compile(r"^测执案〔(\d{4})〕(\d+)号·交办1$")


def pdf_text(pdf: bytes, tmp_path) -> str:
    (tmp_path / "d.pdf").write_bytes(pdf)
    return re.sub(r"\s+", "", subprocess.run(["pdftotext", str(tmp_path / "d.pdf"), "-"], check=True,
                                             capture_output=True, text=True).stdout)


def _filed(w: Walker, form: str, source: str) -> tuple[int, dict[str, dict]]:
    cid = w.create_case()["id"]
    w.do(cid, "t_filing", {"case_filing": payload("case_filing", source=source),
                           "jurisdiction_notice": payload("jurisdiction_notice", form=form)})
    return cid, {d["kind"]: d for d in w.call("get", f"/api/cases/{cid}/documents", "officer1").get_json()}


def test_an_assignment_notice_received_is_filed_with_the_case_at_filing(app, agency, walker, tmp_path):
    """The 立案 page offers the notice; recorded there, the 案件交办通知书 is sealed when 立案 completes, with the
    issuer's 文号 and date, the deadline to report, and the 收文登记 under the case's 案号; no 指定管辖通知书 is made."""
    cid = walker.create_case()["id"]
    page = web(app, agency, "officer1").text(f"/cases/{cid}/tasks/{walker.task(cid, 't_filing')['id']}")
    assert 'id="offered-jurisdiction_notice"' in page
    cid, docs = _filed(walker, "assign", "assigned")
    assert "designation_notice" not in docs
    notice = docs["assignment_notice"]
    assert notice["title"] == "案件交办通知书" and CASE_NUMBERED.match(notice["number"]), notice
    text = pdf_text(walker.call("get", notice["url"], "officer1").data, tmp_path)
    assert text.startswith("抚顺市文化市场综合行政执法支队案件交办通知书抚市文执交〔2026〕2号"), text[:80]
    assert "现将星光网吧涉嫌接纳未成年人上网一案（当事人：抚顺县星光网吧）交由你单位办理" in text
    assert "并于2026年4月30日17时00分前将查处结果报送本机关" in text and "2026年2月27日" in text
    assert f"本案案号：{notice['number'].split('·')[0]}" in text and "收文人：王芳" in text


def test_a_designation_notice_in_the_market_set_cites_article_25(app, client, tmp_path):
    """指定管辖 (行政处罚法 第二十五条: 报请共同的上一级行政机关指定管辖) on a market profile: the notice is made as the
    指定管辖通知书 and cites the article by its real title; a notice received before it was issued is refused."""
    w = Walker(client, profiled(app, "changli-market").tokens)
    cid = w.create_case()["id"]
    task = w.task(cid, "t_filing")
    early = payload("jurisdiction_notice", form="designate", received_at="2026-02-26T09:00:00+08:00")
    res = w.add(cid, task, "jurisdiction_notice", early)
    assert res.status_code == 422 and "收到时间不能早于通知日期" in str(res.get_json()["fields"]), res.get_json()
    cid, docs = _filed(w, "designate", "designated")
    assert "assignment_notice" not in docs
    notice = docs["designation_notice"]
    assert notice["title"] == "指定管辖通知书"
    text = pdf_text(w.call("get", notice["url"], "officer1").data, tmp_path)
    assert ("根据《中华人民共和国行政处罚法》第二十五条；《市场监督管理行政处罚程序规定》第十三条之规定，现指定你单位管辖。"
            "请依法办理。") in text, text
    assert "抄送：抚顺县文化旅游和广播电视局" in text
