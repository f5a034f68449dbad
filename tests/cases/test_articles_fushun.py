"""The articles of 《抚顺县文化市场综合执法全过程记录实施办法》 that name a record the agency must make at a step, one
test each, through the JSON API (SQLite and PostgreSQL): a Fushun officer who completes the step without it is refused
with the article cited by the regulation's real title.  The shared diagrams carry national law only; the county's
article reaches the refusal through the profile's own ``record`` rule, so each test fails without that rule."""
from __future__ import annotations

import pytest

from tests.support.articles import FILING, cites, court, enforcement, general, preservation, refused
from webapp.loadgen.flows import SHA
from webapp.loadgen.payloads import payload

pytestmark = pytest.mark.xdist_group("articles_fushun")  # its walks are shared per process

CODE = "fushun-culture"
FUSHUN = "《抚顺县文化市场综合执法全过程记录实施办法》"


def _refused(app, client, steps, target, process="general_procedure", code=CODE, records=None):
    return refused(app, client, code, steps, target, process, records)


@pytest.mark.article(CODE, 9)
def test_fushun_culture_9_an_inquiry_without_its_record_is_refused_citing_article_9_in_fushun_only(app, client):
    """fushun-culture 第九条: 行政执法人员要在相关调查笔录中对执法人员数量、姓名、执法证件编号及出示情况进行文字记录 —
    the 询问 is not done without its 询问笔录; Changli's regulation has no such article and its refusal cites none of
    Fushun's."""
    body = _refused(app, client, general(), "t_inquiry")
    assert cites(body, "inquiry_record", f"{FUSHUN}第九条"), body
    other = _refused(app, client, general(), "t_inquiry", code="changli-market")
    assert "inquiry_record" in other["cited"] and FUSHUN not in other["message"]


@pytest.mark.article(CODE, 10)
def test_fushun_culture_10_the_prior_notice_of_rights_is_recorded_or_the_step_is_refused(app, client):
    """fushun-culture 第十条: 对告知行政相对人依法享有的陈述、申辩、申请回避、听证、申请复议、诉讼等权利的方式要进行记录."""
    body = _refused(app, client, general(), "t_notice")
    assert cites(body, "prior_notice", f"{FUSHUN}第十条"), body


@pytest.mark.article(CODE, 13)
def test_fushun_culture_13_evidence_preservation_without_its_record_is_refused(app, client):
    """fushun-culture 第十三条: 在证据可能灭失或事后难以取得的情况下，采取证据保全措施的，要记录以下事项 — the 先行登记保存
    and its 处理决定 are each refused without their record, citing the article."""
    body = _refused(app, client, preservation(), "t_preservation")
    assert cites(body, "evidence_preservation", f"{FUSHUN}第十三条"), body
    body = _refused(app, client, preservation(), "t_preservation_decision")
    assert cites(body, "preservation_decision", f"{FUSHUN}第十三条"), body


@pytest.mark.article(CODE, 15)
def test_fushun_culture_15_the_investigation_report_and_case_review_are_required_citing_article_15(app, client):
    """fushun-culture 第十五条: 制作行政执法文书时应载明制作人、承办机构审核人、文书形成的法律依据、证据材料 — the 调查终结报告
    (and the 承办机构 review that follows) are refused when missing, citing the article."""
    body = _refused(app, client, general(), "t_report")
    assert cites(body, "investigation_report", f"{FUSHUN}第十五条"), body
    assert cites(_refused(app, client, general(), "t_case_review"), "case_review", f"{FUSHUN}第十五条")


@pytest.mark.article(CODE, 16)
def test_fushun_culture_16_a_major_case_needs_the_legal_units_review_on_record(app, client):
    """fushun-culture 第十六条: 法制机构审查文书要载明法制机构审查人员、审查意见和建议."""
    body = _refused(app, client, general(major=True), "t_legal")
    assert cites(body, "legal_review", f"{FUSHUN}第十六条"), body


@pytest.mark.article(CODE, 18)
def test_fushun_culture_18_a_collective_discussion_needs_its_minutes(app, client):
    """fushun-culture 第十八条: 集体讨论要制作集体讨论记录或会议纪要."""
    body = _refused(app, client, general(major=True), "t_collective")
    assert cites(body, "collective_discussion", f"{FUSHUN}第十八条"), body


@pytest.mark.article(CODE, 19)
def test_fushun_culture_19_the_heads_approval_is_recorded_at_filing_and_at_decision(app, client):
    """fushun-culture 第十九条: 负责人审批记录包括负责人签署意见、负责人签名 — the head's 立案 and 决定 approvals are each
    refused without the head's record; Lishui's regulation cites no Fushun article at the same step."""
    body = _refused(app, client, FILING, "t_filing_approval")
    assert cites(body, "filing_approval", f"{FUSHUN}第十九条"), body
    assert cites(_refused(app, client, general(), "t_approval"), "decision_approval", f"{FUSHUN}第十九条")
    other = _refused(app, client, FILING, "t_filing_approval", code="lishui-city")
    assert "filing_approval" in other["cited"] and FUSHUN not in other["message"]


@pytest.mark.article(CODE, 20)
def test_fushun_culture_20_no_decision_without_the_decision_document(app, client):
    """fushun-culture 第二十条: 行政执法决定文书要符合法定格式，充分说明执法处理决定的理由."""
    body = _refused(app, client, general(), "t_decision")
    assert cites(body, "penalty_decision", f"{FUSHUN}第二十条"), body


@pytest.mark.article(CODE, 22)
def test_fushun_culture_22_direct_service_needs_the_signed_service_receipt(app, client):
    """fushun-culture 第二十二条: 直接送达行政执法文书，由送达人、受送达人或符合法定条件的签收人在送达回证上签名或盖章."""
    body = _refused(app, client, general(), "t_direct_receipt")
    assert cites(body, "service_receipt", f"{FUSHUN}第二十二条"), body


@pytest.mark.article(CODE, 23)
def test_fushun_culture_23_mail_service_keeps_the_posting_voucher(app, client):
    """fushun-culture 第二十三条: 邮寄送达行政执法文书要采用挂号信或特快专递方式，留存……付邮凭证等回执."""
    body = _refused(app, client, general(method="mail"), "t_mail_post")
    assert cites(body, "mail_posting", f"{FUSHUN}第二十三条"), body


@pytest.mark.article(CODE, 24)
def test_fushun_culture_24_lodged_service_needs_its_record_and_a_recording_no_written_reason(app, client):
    """fushun-culture 第二十四条: 在送达回证上记明拒收事由和日期……并采用音像记录等方式记录送达过程 — the 留置送达 is refused
    without its record, and with it but only a written reason in place of the recording."""
    body = _refused(app, client, general(method="lodged"), "t_lodged")
    assert cites(body, "lodging_record", f"{FUSHUN}第二十四条"), body
    body = _refused(app, client, general(method="lodged"), "t_lodged",
                    records={"lodging_record": None, "av_not_suitable": None})
    assert list(body["cited"]) == ["av_recording"] and f"{FUSHUN}第二十四条" in body["cited"]["av_recording"], body


@pytest.mark.article(CODE, 25)
def test_fushun_culture_25_entrusted_service_records_the_entrustment(app, client):
    """fushun-culture 第二十五条: 依法采用委托、转交等方式送达行政执法文书的，要记录委托、转交原因."""
    body = _refused(app, client, general(method="entrusted"), "t_entrust")
    assert cites(body, "entrustment_record", f"{FUSHUN}第二十五条"), body


@pytest.mark.article(CODE, 26)
def test_fushun_culture_26_public_notice_is_kept_and_recorded_on_video(app, client):
    """fushun-culture 第二十六条: 公告送达应……留存书面公告，以适当方式进行音像记录 — refused without the notice, and with the
    notice but only a written reason in place of the recording."""
    body = _refused(app, client, general(method="public"), "t_public")
    assert cites(body, "public_notice", f"{FUSHUN}第二十六条"), body
    body = _refused(app, client, general(method="public"), "t_public",
                    records={"public_notice": payload("public_notice", notice_files=[SHA]), "av_not_suitable": None})
    assert list(body["cited"]) == ["av_recording"] and f"{FUSHUN}第二十六条" in body["cited"]["av_recording"], body


@pytest.mark.article(CODE, 27)
def test_fushun_culture_27_performance_and_correction_are_recorded(app, client):
    """fushun-culture 第二十七条: 要对当事人履行行政决定的情况进行文字记录。依法应责令改正的，要按期对改正情况进行核查并进行文字记录."""
    body = _refused(app, client, general(correction=True), "t_performance")
    assert cites(body, "performance_record", f"{FUSHUN}第二十七条"), body
    body = _refused(app, client, general(correction=True), "t_correction")
    assert cites(body, "correction_review", f"{FUSHUN}第二十七条"), body


@pytest.mark.article(CODE, 28)
def test_fushun_culture_28_no_enforcement_without_a_reminder(app, client):
    """fushun-culture 第二十八条: 行政执法机关要在作出强制执行决定前或申请法院强制执行前，按照法定形式制作催告书并送达当事人."""
    body = _refused(app, client, enforcement(), "t_reminder", process="compulsory_enforcement")
    assert cites(body, "enforcement_reminder", f"{FUSHUN}第二十八条"), body


@pytest.mark.article(CODE, 29)
def test_fushun_culture_29_each_enforcement_measure_is_recorded_and_restoration_on_video(app, client):
    """fushun-culture 第二十九条: 采取以下强制执行方式的，要制作相应文书进行文字记录……采取排除妨碍、恢复原状强制执行方式的，
    应同时进行音像记录 — the 强制执行决定 is refused without its document; a 恢复原状 with only a written reason in place of
    the recording is refused."""
    body = _refused(app, client, enforcement(), "t_enforcement_decision", process="compulsory_enforcement")
    assert cites(body, "enforcement_decision", f"{FUSHUN}第二十九条"), body
    body = _refused(app, client, enforcement("restore"), "t_restore", process="compulsory_enforcement",
                    records={"restoration_record": None, "av_not_suitable": None})
    assert list(body["cited"]) == ["av_recording"] and f"{FUSHUN}第二十九条" in body["cited"]["av_recording"], body


@pytest.mark.article(CODE, 30)
def test_fushun_culture_30_the_court_application_is_recorded(app, client):
    """fushun-culture 第三十条: 需申请法院强制执行的，要对申请法院强制执行的相关文书、强制执行结果等全过程进行记录."""
    body = _refused(app, client, court(), "t_court_application", process="compulsory_enforcement")
    assert cites(body, "court_application", f"{FUSHUN}第三十条"), body


@pytest.mark.article(CODE, 36)
def test_fushun_culture_36_the_internal_approval_chain_is_recorded(app, client):
    """fushun-culture 第三十六条: 全程记录内部审批流程，明确承办人、批准人……由承办人提出意见和理由，经审核人审核后，由批准人批准
    — the 承办机构 opinion at 立案 is refused without its record, citing the article; Lishui's refusal does not."""
    body = _refused(app, client, FILING, "t_unit_opinion")
    assert cites(body, "unit_opinion", f"{FUSHUN}第三十六条"), body
    other = _refused(app, client, FILING, "t_unit_opinion", code="lishui-city")
    assert "unit_opinion" in other["cited"] and FUSHUN not in other["message"]
