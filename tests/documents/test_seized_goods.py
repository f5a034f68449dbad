"""The 查封/扣押's other papers (issue 17; 市场监督管理行政处罚文书格式范本（2021年修订版） items 25–28 and 52, the culture
set's 查封（扣押）处理告知书): 封条 printed from a 查封 决定书, 委托保管书 (行政强制法 第二十六条), 先行处置物品确认书 and 公告
(第二十八条), 涉案物品处理记录 and the 处理告知书 of a 处理 other than 解除 (第二十七条) — offered on the steps while the measure
runs, each quoting the 决定书 as issued (SQLite and PostgreSQL)."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

import documents
from handlers.catalogue import CATALOGUE
from tests.documents.test_market_documents import CASE_NUMBERED, NUMBER, _documents, _text
from tests.documents.test_render import context_for, pdf_text, snapshot, squeeze
from tests.support.web_client import web
from webapp.loadgen.flows import approval_steps, file_case
from webapp.loadgen.payloads import T, av_recording, disposal_announced, payload
from webapp.models import Agency


def _errors(kind: str, *dropped: str, **changes: Any) -> str:
    """The sample record with ``changes``, less the fields ``dropped``, as validated."""
    data = {k: v for k, v in payload(kind, **changes).items() if k not in dropped}
    return str(CATALOGUE[kind].validate(data, lambda _: True))


def _item(**changes: Any) -> dict[str, Any]:
    """The sample's handled item with ``changes``; a change to ``None`` leaves the field out."""
    item = {**payload("goods_handling")["items"][0], **changes}
    return {k: v for k, v in item.items() if v is not None}


def _seized(walker, measure: str) -> tuple[int, dict[str, Any]]:
    """A filed case whose 查封 or 扣押 was approved beforehand: the 查封扣押 step, ready."""
    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": payload("investigation_plan", measures=["coercive"])})
    walker.do(cid, "t_coercive_request", {"coercive_request": payload("coercive_request", measure=measure)})
    for name, records in approval_steps():
        walker.do(cid, name, records)
    return cid, walker.task(cid, "t_coercive_onsite")


def _onsite(walker, cid: int, measure: str) -> None:
    walker.do(cid, "t_coercive_onsite", {"coercive_record": payload("coercive_record", measure=measure),
                                         "av_recording": av_recording(walker.upload(f"{measure} {cid}".encode()))})


@pytest.mark.article("行政强制法", 26)
def test_xingzheng_qiangzhi_fa_26_custody_of_a_seal_at_the_agencys_cost_and_its_strips(app, agency, walker, tmp_path,
                                                                                      clock):
    """行政强制法 第二十六条: only what was sealed (查封) may be entrusted to a third party, and the costs are the agency's —
    a 委托保管书 for a 扣押 is refused, one charging the party is refused at completion with the article; sealed, it
    quotes the 决定书 as issued. The 查封 决定书 also makes its 封条, numbered from the case's 案号."""
    clock.set(dt.datetime.fromisoformat(T))
    cid, task = _seized(walker, "seal")
    page = web(app, agency, "officer1").text(f"/cases/{cid}/tasks/{task['id']}")
    assert 'id="offered-custody_entrustment"' in page and 'id="offered-advance_disposal"' in page
    first = walker.add(cid, task, "custody_entrustment", payload("custody_entrustment"))
    assert first.status_code == 422 and "本案尚无“行政强制措施决定书（查封、扣押附清单）”记录" in str(first.get_json())
    assert walker.add(cid, task, "coercive_decision", payload("coercive_decision", measure="seize")).status_code == 201
    seized = walker.add(cid, task, "custody_entrustment", payload("custody_entrustment"))
    assert seized.status_code == 422 and "为“扣押财物”（行政强制措施），不能制作委托保管书" in str(seized.get_json())
    assert walker.add(cid, task, "coercive_decision", payload("coercive_decision", measure="seal")).status_code == 201
    charged = walker.add(cid, task, "custody_entrustment", payload("custody_entrustment", party_costs="300.00"))
    assert charged.status_code == 201, charged.get_json()
    walker.add(cid, task, "coercive_record", payload("coercive_record", measure="seal"))
    walker.add(cid, task, "av_recording", av_recording(walker.upload(b"seal clip")))
    walker.refused_until_corrected(cid, task, "custody_entrustment", "保管费用由行政机关承担",
                                   "《中华人民共和国行政强制法》第二十六条")
    docs = _documents(walker, cid)
    decision, custody, strips = docs["coercive_decision"], docs["custody_entrustment"], docs["seal_strip"]
    assert NUMBER.match(custody["number"]) and custody["number"] != decision["number"]
    text = _text(walker, custody, tmp_path)
    assert f"于2026年3月2日以{decision['title']}（{decision['number']}）" in text, text
    for part in ("抚顺县顺达仓储有限公司：", "采取了查封场所、设施或财物的行政强制措施", "因查封发生的保管费用由本机关承担"):
        assert part in text, part
    assert "300" not in text
    match = CASE_NUMBERED.match(strips["number"])
    assert match and strips["title"] == "封条", strips
    strip = _text(walker, strips, tmp_path)
    assert f"编号：{strips['number']}-1" in strip and f"{decision['title']}（{decision['number']}）" in strip
    assert "封" in strip and "2026年3月2日" in strip and "电脑主机（联想M720）" in strip


def test_a_seizure_makes_no_strips_and_a_confirmed_disposal_is_sealed_with_the_case_number(walker, tmp_path, clock):
    """A 扣押 is not sealed, so it has no 封条; goods that will not keep, sold with the party's confirmation, make the
    先行处置物品确认书 (案号), one whose party could not be reached the 公告 (its own 文号)."""
    clock.set(dt.datetime.fromisoformat(T))
    cid, task = _seized(walker, "seize")
    assert walker.add(cid, task, "coercive_decision", payload("coercive_decision")).status_code == 201
    assert walker.add(cid, task, "advance_disposal", payload("advance_disposal")).status_code == 201
    _onsite(walker, cid, "seize")
    docs = _documents(walker, cid)
    assert "seal_strip" not in docs and "disposal_announcement" not in docs
    confirmation = docs["disposal_confirmation"]
    assert CASE_NUMBERED.match(confirmation["number"]), confirmation
    text = _text(walker, confirmation, tmp_path)
    assert f"以{docs['coercive_decision']['title']}（{docs['coercive_decision']['number']}）" in text
    assert "变卖所得款项人民币壹仟伍佰陆拾元整（¥1,560.00）" in text and "本人（单位）同意对上述物品先行处置" in text
    made = [k.code for k in documents.made_on({"advance_disposal"}, {"advance_disposal": disposal_announced()})]
    assert made == ["disposal_announcement"] and documents.kind("disposal_announcement").numbered


@pytest.mark.article("市场监督管理行政处罚程序规定", 41)
def test_shichang_chengxu_41_goods_of_an_unknown_owner_are_disposed_of_only_after_the_announcement(walker, tmp_path,
                                                                                                  clock):
    """第四十一条第三款: 权利人不明确的，可以依法公告，公告期满后仍没有权利人同意或者申请的，可以依法先行处置. The record
    made when the 公告 is published holds its period and no sale; the sale, a later version, is refused inside the
    period — five days from Monday 2 March end on Saturday 7 March, a day off, so on Monday 9 March (第八十条) — and
    accepted after it. The 公告 announces the intended 先行处置 and the period, never the sale that followed."""
    clock.set(dt.datetime.fromisoformat(T))
    cid, task = _seized(walker, "seize")
    assert walker.add(cid, task, "coercive_decision", payload("coercive_decision")).status_code == 201
    announced = disposal_announced()
    assert walker.add(cid, task, "advance_disposal", announced).status_code == 201
    for inside in ("2026-03-07T10:00:00+08:00", "2026-03-09T16:00:00+08:00"):
        sold = walker.add(cid, task, "advance_disposal", {**announced, "disposed_at": inside, "proceeds": "1560.00"})
        errors = sold.get_json()["fields"]["disposed_at"]
        assert sold.status_code == 422 and "公告期满前不得先行处置" in errors[0] and "至 2026-03-09 届满" in errors[0]
        # the walker's agency is a culture team, which does not apply the 规定: its refusal leaves the 规章 out (its own
        # 公告's period binds it all the same); a market agency reads it cited by title
        assert errors[0].endswith("处置时间须在其后") and "规定" not in errors[0], errors
        raw = CATALOGUE["advance_disposal"].validate({**announced, "disposed_at": inside, "proceeds": "1560.00"},
                                                     lambda _sha: True)["disposed_at"][0]
        market = Agency(name="昌黎县市场监督管理局", profile=snapshot("changli-market")).settings.citer().prose(raw)
        assert market.endswith("（《市场监督管理行政处罚程序规定》第四十一条第三款、《市场监督管理行政处罚程序规定》第八十条）")
    unpaid = walker.add(cid, task, "advance_disposal", {**announced, "disposed_at": "2026-03-10T09:00:00+08:00"})
    assert unpaid.status_code == 422 and "须记录所得款项" in str(unpaid.get_json()["fields"]["proceeds"])
    after = {**announced, "disposed_at": "2026-03-10T09:00:00+08:00", "proceeds": "1560.00"}
    for claimant in (None, "appeared"):  # the disposal states that no 权利人 came forward during the period
        claimed = walker.add(cid, task, "advance_disposal", {**after, **({"claimant": claimant} if claimant else {})})
        assert claimed.status_code == 422 and "没有权利人同意或者申请" in str(claimed.get_json()["fields"]["claimant"])
    after["claimant"] = "none"
    assert walker.add(cid, task, "advance_disposal", after).status_code == 201
    _onsite(walker, cid, "seize")
    docs = _documents(walker, cid)
    assert "disposal_confirmation" not in docs
    text = squeeze(_text(walker, docs["disposal_announcement"], tmp_path))
    for part in ("因其权利人不明确", "拟对上述物品以变卖方式先行处置，现予公告", "自本公告发布之日起5日内",
                 "公告期满后仍没有权利人同意或者申请的，本机关将依法以变卖方式先行处置", "公告发布时间：2026年3月2日10时00分",
                 "公告期限：5日", "公告方式：在本机关公告栏和门户网站公告"):
        assert part in text, part
    assert "1,560" not in text and "3月10日" not in text and "处置时间" not in text, text
    assert re.search(r"2026年3月2日$", text), text[-40:]


@pytest.mark.article("行政强制法", 28)
def test_xingzheng_qiangzhi_fa_28_a_disposal_before_the_decision_records_its_proceeds_and_consent():
    """行政强制法 第二十八条: goods sold before the decision are paid back as their proceeds on release, so a sale or
    auction without its proceeds is refused; a 确认书 needs the party's own signature, a 公告 its time and way."""
    assert "行政强制法 第二十八条" in _errors("advance_disposal", "proceeds")
    # the party confirms a sale to come: the proceeds are recorded with the sale, a later version holding its time
    assert _errors("advance_disposal", "proceeds", "disposed_at") == "{}"
    assert _errors("advance_disposal", "proceeds", method="other", method_details="无害化处理") == "{}"
    unsigned = payload("advance_disposal")["signatures"][:1]
    assert "须由当事人签名确认" in _errors("advance_disposal", signatures=unsigned)
    assert "公告的时间和方式" in _errors("advance_disposal", form="announce", signatures=unsigned)
    assert "不得早于决定先行处置的时间" in _errors("advance_disposal", disposed_at="2026-03-01T10:00:00+08:00")
    assert "行政强制法 第二十五条" in _errors("custody_entrustment", kept_until="2026-05-02T10:00:00+08:00")
    assert _errors("advance_disposal") == "{}" and _errors("custody_entrustment") == "{}"


@pytest.mark.article("行政处罚法", 74)
def test_xingzheng_chufa_fa_74_handled_goods_name_their_receiver_proceeds_and_grounds_to_destroy():
    """行政处罚法 第七十四条: confiscated goods are auctioned with the proceeds paid to the treasury, or destroyed where
    the law says so; goods returned or transferred name who took them, and that person signs."""
    auctioned = [_item(disposition="auction", receiver=None, proceeds="800.00")]
    assert "上缴国库（行政处罚法 第七十四条）" in _errors("goods_handling", items=auctioned)
    assert _errors("goods_handling", items=auctioned, to_treasury=True) == "{}"
    assert "第七十四条" in _errors("goods_handling", items=[_item(disposition="destroy")])
    assert "接收人" in _errors("goods_handling", items=[_item(receiver=None)])
    officers_only = payload("goods_handling")["signatures"][:2]
    assert "当事人或在场人员签名" in _errors("goods_handling", signatures=officers_only)


@pytest.mark.article("行政强制法", 27)
def test_xingzheng_qiangzhi_fa_27_a_disposal_within_the_period_is_told_to_the_party(walker, tmp_path, clock):
    """行政强制法 第二十七条: the 处理 comes after the 决定 and within its period (at most sixty days, 第二十五条) — refused
    otherwise with the article; a 处理 other than 解除 makes the 查封（扣押）处理告知书 quoting the 决定书 as issued, and
    the 涉案物品处理记录 of the same step carries the case's 案号."""
    clock.set(dt.datetime.fromisoformat(T))
    cid, task = _seized(walker, "seize")
    walker.do(cid, "t_coercive_onsite", {"coercive_decision": None, "coercive_record": None,
                                         "av_recording": av_recording(walker.upload(b"seize clip 27"))})
    task = walker.task(cid, "t_coercive_outcome")
    disposed = payload("coercive_outcome", outcome="dispose", details="经查，上述财物系违法经营的工具，依法予以没收。",
                       items_returned=False)
    disposed.pop("document_no")  # the 告知书 is the 处理's 文书, numbered by the agency: no 文号 is typed
    early = {**disposed, "decided_at": "2026-03-01T10:00:00+08:00"}
    assert walker.add(cid, task, "coercive_outcome", early).status_code == 201
    refused = walker.complete(cid, task).get_json()
    assert "不得早于查封、扣押决定" in refused["message"] and "第二十七条" in refused["message"], refused
    late = {**disposed, "decided_at": "2026-05-20T10:00:00+08:00"}  # sixty days end on 1 May, a holiday: moved on
    assert walker.add(cid, task, "coercive_outcome", late).status_code == 201
    refused = walker.complete(cid, task).get_json()
    assert "须在查封、扣押期限内作出" in refused["message"] and "第二十七条" in refused["message"], refused
    handled = payload("goods_handling", items=[_item(disposition="confiscate", receiver=None)], grounds="行政处罚决定没收",
                      signatures=payload("goods_handling")["signatures"][:2])
    assert walker.add(cid, task, "goods_handling", handled).status_code == 201
    assert walker.add(cid, task, "coercive_outcome", disposed).status_code == 201
    assert walker.complete(cid, task).status_code == 200
    docs = _documents(walker, cid)
    decision, notice, record = docs["coercive_decision"], docs["coercive_disposal"], docs["goods_handling"]
    assert "coercive_release" not in docs
    assert NUMBER.match(notice["number"]) and notice["title"] == "查封（扣押）处理告知书"
    assert CASE_NUMBERED.match(record["number"]), record
    text = _text(walker, notice, tmp_path)
    assert f"于2026年3月2日以{decision['title']}（{decision['number']}）" in text
    assert "依法予以没收" in text and "本机关已于2026年3月20日依法作出处理" in text
    assert re.search(r"2026年3月20日$", text), text[-40:]
    log = _text(walker, record, tmp_path)
    assert "电脑主机" in log and "没收" in log and f"{decision['title']}（{decision['number']}" in log


def test_a_disposal_notice_prints_the_decision_as_issued_never_a_typed_number(tmp_path):
    """A record made while the 处理 still asked for a typed 文号 keeps it (stored records are not rewritten), but the
    告知书 prints only the 决定书 as issued (its sealed 文号, title and date) and its own number; the typed one never."""
    kind = documents.kind("coercive_disposal")
    context = context_for(kind)
    context["doc"] = {**context["doc"], "outcome": "dispose", "document_no": "抚县文执罚〔2099〕9号"}
    text = squeeze(pdf_text(documents.render(kind.template, context), tmp_path))
    assert "于2026年3月2日以查封（扣押）决定书（抚县文执封扣〔2026〕1号）" in text and "〔2099〕9号" not in text, text
    assert _errors("coercive_outcome", "document_no", outcome="dispose") == "{}"


def test_a_market_agency_titles_the_custody_paper_by_what_was_entrusted():
    """The market set's title names alternatives (场所/设施/财物): the paper bears the one the record chose."""
    kind = documents.kind("custody_entrustment")
    assert kind.title_in("culture") == "委托保管书"
    for target, word in (("place", "场所"), ("facility", "设施"), ("goods", "财物")):
        payloads = {"custody_entrustment": payload("custody_entrustment", target=target)}
        assert kind.printed_title("market", payloads) == f"实施行政强制措施{word}委托保管书"
