"""不予延期（分期）缴纳罚款通知书 (行政处罚法 第六十六条第二款): when the head refuses a party's application to defer or pay
in instalments, the case seals a written notice quoting the issued 决定书 and its fine, with the reason from the head's
opinion, dated the day refused; the party is back at 履行 with the fine due as decided."""
from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from tests.documents.test_sealing import NUMBER, documents_of, pdf_text
from tests.support.flows import decided, start
from webapp.loadgen.flows import serve, simple
from webapp.loadgen.payloads import T, deferral_refused, payload


@pytest.mark.article("行政处罚法", 66)
def test_xingzheng_chufa_fa_66_a_refused_deferral_is_told_in_writing_and_payment_is_recorded_again(walker, tmp_path, clock):
    clock.set(dt.datetime.fromisoformat(T))
    cid, decision = decided(walker)
    serve(walker, cid)
    walker.do(cid, "t_performance", {"performance_record": payload("performance_record", status="applied")})
    walker.do(cid, "t_deferral", {"payment_deferral": deferral_refused()})
    assert [t["name"] for t in walker.ready(cid)] == ["t_performance"]
    docs = {d["kind"]: d for d in documents_of(walker, cid)}
    assert "payment_deferral" not in docs  # no 决定书 granting what was refused
    doc = docs["payment_deferral_refusal"]
    assert NUMBER.match(doc["number"]) and doc["title"] == "不予延期（分期）缴纳罚款通知书"
    pdf = walker.call("get", doc["url"], "officer1").data
    text = pdf_text(pdf, tmp_path)
    assert f"2026年3月2日作出的行政处罚决定书（{decision['number']}）" in text
    assert "罚款人民币壹万元整（¥10,000.00）" in text and "不属于确有经济困难的情形" in text
    assert "决定不予批准你（单位）延期（分期）缴纳罚款的申请" in text
    assert "2026年3月12日" in text[-40:]  # 落款: the day refused
    (tmp_path / "refusal.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "refusal.pdf"),
                    str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 0


@pytest.mark.article("行政处罚法", 66)
def test_xingzheng_chufa_fa_66_an_on_the_spot_fine_may_be_deferred_too(walker, tmp_path, clock):
    """第六十六条 binds every 行政处罚决定, the 当场处罚决定 of the simple procedure included: the party applies at 履行,
    the approval makes the 延期（分期）缴纳罚款决定书 naming the pre-printed 当场处罚决定书 and its fine, and payment is
    recorded again afterwards (before, an application went straight to 强制执行)."""
    clock.set(dt.datetime.fromisoformat(T))
    cid = start(walker, "simple_procedure")
    for name, records in simple(performed="applied"):
        walker.do(cid, name, records)
        if name == "t_simple_deferral":
            assert [t["name"] for t in walker.ready(cid)] == ["t_simple_performance"]
    assert walker.case(cid)["status"] == "closed"
    doc = next(d for d in documents_of(walker, cid) if d["kind"] == "payment_deferral")
    text = pdf_text(walker.call("get", doc["url"], "officer1").data, tmp_path)
    assert "本机关于2026年3月2日当场作出的行政处罚决定书（抚文执简〔2026〕0031号）对你（单位）处以罚款人民币伍拾元整（¥50.00）" in text
    assert "延期至2026年4月10日前缴清罚款人民币伍拾元整（¥50.00）" in text and "赵六" in text
