"""What a 文书 reports on, judged once (:mod:`handlers.needs`): the gate's refusals and 案卷评查's checks come from here."""
import documents
from handlers.needs import judged

TOLD = documents.kind("appraisal_notice")      # needs expert_opinion.issued_at
ASSIST = documents.kind("seizure_assistance")   # needs coercive_decision.measure=seal|seize


def test_a_record_it_reports_on_must_be_held() -> None:
    [need] = judged(TOLD, {"appraisal_notice": {"notified_at": "2026-03-05T10:00:00+08:00"}}, {})
    assert not need.ok and need.text == "本案尚无“鉴定意见或专家论证意见”记录，不能制作鉴定结果告知书", need


def test_its_act_is_not_dated_before_what_it_reports() -> None:
    held = {"expert_opinion": {"issued_at": "2026-03-04T09:00:00+08:00"}}
    [early] = judged(TOLD, {"appraisal_notice": {"notified_at": "2026-03-03T10:00:00+08:00"}}, held)
    [later] = judged(TOLD, {"appraisal_notice": {"notified_at": "2026-03-04T09:00:00+08:00"}}, held)
    assert (early.ok, early.dated) == (False, True)
    assert early.text == "鉴定结果告知书的日期 2026-03-03 10:00 早于鉴定意见或专家论证意见的出具时间 2026-03-04 09:00"
    assert later.ok and later.text == "鉴定结果告知书：已符合（不早于鉴定意见或专家论证意见的出具时间）"


def test_an_undated_act_is_not_judged_on_its_date() -> None:
    held = {"expert_opinion": {"issued_at": "2026-03-04T09:00:00+08:00"}}
    assert judged(TOLD, {"appraisal_notice": {}}, held) == []


def test_the_record_it_reports_on_must_be_of_its_sort() -> None:
    decided = {"decided_at": "2026-03-02T10:00:00+08:00"}
    [other] = judged(ASSIST, {}, {"coercive_decision": {**decided, "measure": "other"}})
    [seize] = judged(ASSIST, {}, {"coercive_decision": {**decided, "measure": "seize"}})
    assert not other.ok and other.text.endswith("（行政强制措施），不能制作协助扣押通知书"), other.text
    assert seize.ok and seize.text.startswith("协助扣押通知书：本案的"), seize.text


def test_a_market_agency_reads_the_title_its_fan_ben_gives() -> None:
    """The 市场监督管理行政处罚文书格式范本 names the paper by what was commissioned: a 检测 here."""
    held = {"appraisal_commission": {"form": "testing"}}
    [need] = judged(TOLD, {"appraisal_notice": {"notified_at": "2026-03-05T10:00:00+08:00"}}, held, "market")
    assert need.text == "本案尚无“鉴定意见或专家论证意见”记录，不能制作检测结果告知书", need
