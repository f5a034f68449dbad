"""Supervision figures checked against hand-counted fixtures: A/V coverage, 案卷评查 scores with their defects,
and the accountability list of fushun-culture 第三十五条 (unrecorded steps, late handovers, tampering found by
verify, lost files, leaks seen in the export register)."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from handlers import case_review as review
from handlers import profiles
from handlers.audit_actions import Action
from handlers.law.model import Rule
from handlers.law.schema import binding
from handlers.task_rules import TaskRules
from tests.engine.test_agency_profiles import _weakened, filed, profiled
from tests.support.app import migrated_app, private_database
from tests.support.media import MiB, upload
from tests.support.storage import raw_delete, raw_write, stored_bytes
from tests.support.tamper import tamper
from tests.support.walker import Walker
from webapp import signals
from webapp.db import db
from webapp.engine.compliance import record_exception
from webapp.engine.deployment import deploy
from webapp.evidence.media import sealed
from webapp.loadgen.payloads import OFFICER_SIGS, PARTY_REFUSED, av_recording, payload
from webapp.models import (
    Agency,
    AppendOnlyViolation,
    IntegrityCheck,
    MediaExport,
    Record,
    StepReview,
    StoredFile,
    User,
    seal,
)
from webapp.store import audit
from webapp.supervision import case_review

pytestmark = pytest.mark.xdist_group("figures")  # its module fixture is built once, on one worker

UTC = dt.UTC
START = dt.datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # one hour after the payloads' T (10:00 China time)
INSPECTION = "现场检查（勘验）"
AV_BASIS = "fushun-culture 第十二条"
REPORT_BASIS = "行政处罚法 第五十四条；fushun-culture 第七条"  # the diagram's national article and Fushun's period rule
HANDOVER_BASIS = "fushun-culture 第三十一条"


@pytest.fixture(scope="module")
def app(tmp_path_factory, clock):
    """A database of its own: the tampering these tests do (and the deletions that undo it) stays here."""
    with private_database(tmp_path_factory) as url, migrated_app(url, tmp_path_factory, clock) as app:
        yield app


def _investigated(w: Walker, cid: int, av: dict) -> None:
    w.do(cid, "t_plan", {"investigation_plan": None})
    w.do(cid, "t_inquiry", {"inquiry_record": None})
    w.do(cid, "t_inspection", {"inspection_record": None, **av})


def _weaken_inspection(app, agency) -> None:
    """The admin records an exception to av-on-site and deploys a diagram whose 现场检查 no longer gates A/V."""
    with app.app_context():
        record_exception(db.session.get(User, agency.user_ids["admin1"]), "av-on-site", "试点期间由纸质记录替代，报司法局备案")
        deploy(db.session.get(Agency, agency.id), _weakened(agency.id))
        db.session.commit()
        db.session.remove()


@pytest.fixture()
def four_cases(app, client, clock):
    """Case 1 recorded (handed over 6 h late), case 2 with a written reason, case 3 with neither (diagram deployed
    under a compliance exception), case 4 an emergency whose 补报 came 7 h after its 24 h."""
    before = clock.now()
    clock.set(START)
    agency = profiled(app, "fushun-culture")
    w = Walker(client, agency.tokens)
    c1 = filed(w)
    w.do(c1, "t_plan", {"investigation_plan": None})
    w.do(c1, "t_inquiry", {"inquiry_record": None})
    task = w.task(c1, "t_inspection")
    ended = clock.now() - dt.timedelta(hours=30)
    item = upload(w, c1, size=MiB, seed=701, task_id=task["id"], ended_at=ended.isoformat(),
                  started_at=(ended - dt.timedelta(minutes=30)).isoformat())
    assert item["late"] is True
    w.do(c1, "t_inspection", {"inspection_record": None, "av_recording": av_recording(item["sha256"])})
    c2 = filed(w)
    _investigated(w, c2, {"av_not_suitable": None})
    _weaken_inspection(app, agency)
    c3 = filed(w)
    _investigated(w, c3, {})
    c4 = w.create_case(emergency=True)["id"]
    w.do(c4, "t_emergency", {"emergency_start": None})
    clock.advance(hours=30)  # 补报 due 24 h after the measure began (payload T), done at T + 31 h
    w.do(c4, "t_filing_late", {"case_filing": None})
    yield agency, w, (c1, c2, c3, c4), item
    clock.set(before)  # later tests count from the session's clock, not from this fixture's


def test_av_coverage_scores_and_unrecorded_steps_match_a_hand_count(four_cases):
    agency, w, (c1, c2, c3, c4), item = four_cases
    figures = w.call("get", "/oversight/api/supervision", "approver1").get_json()
    assert figures["av_coverage"] == {
        # cases 1 and 2 ran the shared diagram, whose av_basis is national now (行政处罚法 第四十七条); 第十二条 is Fushun's rule
        "required": 3, "recorded": 1, "reason": 1, "neither": 1, "basis": f"{AV_BASIS}；行政处罚法 第四十七条",
        "by_step": [{"task": INSPECTION, "required": 3, "recorded": 1, "reason": 1, "neither": 1}],
        "neither_items": [{"case_id": c3, "case_title": "星光网吧接纳未成年人上网案", "task": INSPECTION, "basis": AV_BASIS}]}

    # Checks per step: each required record present (+ signed where it has signature fields), on time where the
    # step has a deadline, A/V where it must be recorded, one per recording handed over for it.
    # 1: 立案 1 + 承办机构审核 2 + 负责人审批 2 + 调查措施 1 + 询问 2 + 现场检查 (2 + A/V 1 + late handover 1) = 11/12
    # 2: the same without a recording = 11/11; 3: the same, A/V missing = 10/11; 4: 紧急启动 1 + 补报 (1 + late) = 2/3
    reviews = figures["case_reviews"]
    scores = {c1: 100 * 11 / 12, c2: 100.0, c3: 100 * 10 / 11, c4: 100 * 2 / 3}
    assert (reviews["cases"], reviews["full_marks"], reviews["defects_total"]) == (4, 1, 3)
    assert reviews["average"] == round(sum(scores.values()) / 4, 1) == 87.3
    assert [(x["case_id"], x["score"]) for x in reviews["worst"]] == [(c4, 66.7), (c3, 90.9), (c1, 91.7)]
    (late_task,), (no_av,), (late_av,) = (x["defects"] for x in reviews["worst"])
    assert (late_task["task"], late_task["kind"], late_task["basis"]) == ("补报立案审批表", "on_time", REPORT_BASIS)
    assert "期限 24小时" in late_task["text"] and "2026-03-03 17:00 办结，逾期" in late_task["text"]
    assert (no_av["task"], no_av["kind"], no_av["basis"]) == (INSPECTION, "av", AV_BASIS)
    assert no_av["text"] == "应同步音像记录，既无音像记录也无不适宜音像记录的书面理由"
    assert (late_av["task"], late_av["kind"], late_av["basis"]) == (INSPECTION, "handover", HANDOVER_BASIS)
    assert item["file_name"] in late_av["text"] and "逾期移交" in late_av["text"]

    acc = figures["accountability"]
    assert acc["counts"] == {"应记录而未记录": 2, "泄露": 0, "篡改/删除": 0, "丢失": 0, "其他": 0}
    assert [(i["category"], i["case_id"], i["detected_by"]) for i in acc["items"]] == [
        ("应记录而未记录", c3, "案卷评查（任务办结时登记）"), ("应记录而未记录", c1, "音像记录移交登记")]
    assert acc["items"][0]["basis"] == f"fushun-culture 第三十五条（一）；{AV_BASIS}"
    assert acc["items"][1]["basis"] == f"fushun-culture 第三十五条（一）；{HANDOVER_BASIS}"
    assert figures["integrity_check"]["checked_at"] is None

    html = w.call("get", "/oversight/supervision", "approver1").get_data(as_text=True)
    assert "两者皆无 <strong>1</strong> 个" in html and "平均得分 <strong>87.3</strong> 分" in html
    assert "》第三十五条（一）" in html and "尚未运行完整性校验" in html
    assert "fushun-culture 第" not in html  # articles by the regulation's real title, never its code
    assert f"/oversight/cases/{c4}/review" in html


def test_av_coverage_and_the_accountability_list_follow_the_period(four_cases):
    """Issue 18 point 9: the period filter reaches A/V coverage (the steps completed in it) and the accountability
    list (what happened in it), not only the case figures: nothing in a year before the walks, all of it in a
    range that holds them."""
    _, w, _, _ = four_cases
    figures = w.call("get", "/oversight/api/supervision", "approver1").get_json()
    earlier = w.call("get", "/oversight/api/supervision?from=2020-01-01&to=2020-12-31", "approver1").get_json()
    wide = w.call("get", "/oversight/api/supervision?from=2020-01-01&to=2030-12-31", "approver1").get_json()
    assert figures["av_coverage"]["required"] == 3 and wide["av_coverage"] == figures["av_coverage"]
    assert earlier["av_coverage"]["required"] == 0 and earlier["av_coverage"]["neither_items"] == []
    assert sum(figures["accountability"]["counts"].values()) == 2 and wide["accountability"] == figures["accountability"]
    assert sum(earlier["accountability"]["counts"].values()) == 0 and earlier["accountability"]["items"] == []


def test_case_review_page_lists_every_check_with_its_article(four_cases, app, client):
    agency, w, (c1, _, _, _), item = four_cases
    data = w.call("get", f"/oversight/api/cases/{c1}/review", "officer1").get_json()
    assert (data["score"], data["checks"], data["passed"], data["open_steps"]) == (91.7, 12, 11, 1)
    assert [(s["task"], s["passed"], s["total"]) for s in data["steps"]] == [
        ("填写立案审批表", 1, 1), ("承办机构审核立案", 2, 2), ("负责人审批立案", 2, 2), ("确定调查措施", 1, 1),
        ("询问调查", 2, 2), (INSPECTION, 3, 4)]
    inspection = data["steps"][-1]
    assert [(c["kind"], c["passed"]) for c in inspection["checks"]] == [
        ("present", True), ("signed", True), ("av", True), ("handover", False)]
    assert inspection["av_outcome"] == "recorded" and all("第" in c["basis"] for c in inspection["checks"])
    assert [d["kind"] for d in data["defects"]] == ["handover"]

    page = w.call("get", f"/oversight/cases/{c1}/review", "reviewer1").get_data(as_text=True)
    assert "得分 <strong id=\"review-score\">91.7</strong> 分" in page and "》第三十一条" in page and HANDOVER_BASIS not in page
    assert f"/oversight/cases/{c1}/review" in w.call("get", f"/cases/{c1}", "officer1").get_data(as_text=True)
    other = Walker(client, profiled(app, "fushun-culture").tokens)
    refused = other.call("get", f"/oversight/api/cases/{c1}/review", "approver1")
    assert refused.status_code == 403 and "不属于您所在的机构" in refused.get_json()["message"]


def test_verify_puts_tampering_and_a_lost_file_on_the_accountability_list(four_cases, app):
    agency, w, (c1, c2, _, _), item = four_cases
    store, sha = app.extensions["liuhen.files"], item["sha256"]
    runner = app.test_cli_runner()
    assert runner.invoke(args=["liuhen", "verify"]).exit_code == 0
    clean = w.call("get", "/oversight/api/supervision", "legal1").get_json()
    assert clean["integrity_check"]["problems"] == 0
    assert clean["accountability"]["counts"]["篡改/删除"] == 0
    with app.app_context():
        record_id = db.session.scalars(select(Record.id).where(Record.case_id == c2).order_by(Record.id)).first()
        original = db.session.execute(text("SELECT payload FROM records WHERE id = :id"), {"id": record_id}).scalar()
        tamper("UPDATE records SET payload = :p WHERE id = :id", id=record_id, p='{"facts": "改过的"}')
        db.session.remove()
    content = stored_bytes(store, sha)
    raw_delete(store, sha)
    try:  # a record older than the last verify that passed, altered in place: --full reads every row
        result = runner.invoke(args=["liuhen", "verify", "--full"])
        assert result.exit_code == 1 and f"文件 {sha}: 文件缺失" in result.output
        figures = w.call("get", "/oversight/api/supervision", "legal1").get_json()
    finally:
        raw_write(store, sha, content)
        with app.app_context():
            tamper("UPDATE records SET payload = :p WHERE id = :id", id=record_id,
                   p=original if isinstance(original, str) else json.dumps(original))
            db.session.remove()
    acc = figures["accountability"]
    assert acc["counts"] == {"应记录而未记录": 2, "泄露": 0, "篡改/删除": 1, "丢失": 1, "其他": 0}
    found = {i["category"]: i for i in acc["items"] if i["category"] in ("篡改/删除", "丢失")}
    assert found["篡改/删除"]["case_id"] == c2 and f"记录 id={record_id}" in found["篡改/删除"]["what"]
    assert found["篡改/删除"]["detected_by"] == "记录哈希校验（完整性校验）"
    assert found["篡改/删除"]["basis"] == "fushun-culture 第三十五条（三）"
    assert found["丢失"]["case_id"] == c1 and "文件缺失" in found["丢失"]["what"]
    assert found["丢失"]["basis"] == "fushun-culture 第三十五条（四）"
    assert figures["integrity_check"]["problems"] == 2
    html = w.call("get", "/oversight/supervision", "legal1").get_data(as_text=True)
    assert "最近一次完整性校验" in html and "发现问题 2 项" in html
    with app.app_context():
        checks = list(db.session.scalars(select(IntegrityCheck).where(IntegrityCheck.agency_id == agency.id)
                                         .order_by(IntegrityCheck.id)))
        assert [c.problems for c in checks] == [0, 2]
        assert [b for b in audit.verify_chains() if b.agency_id == agency.id] == []  # the sealing entries chain on
    assert runner.invoke(args=["liuhen", "verify"]).exit_code == 0


def test_a_party_export_that_bypassed_the_filter_is_listed_as_a_leak(app, walker, agency):
    """naiman-culture 第十二条, cited because the agency's rule (party-copy-masked) binds it."""
    with app.app_context():
        row = db.session.get(Agency, agency.id)
        row.profile = {**row.profile, "rules": [r.to_json() for r in profiles.load("naiman-culture").rules
                                                if r.id == "party-copy-masked"]}
        db.session.commit()
    cid = walker.create_case()["id"]
    item = upload(walker, cid, size=MiB, seed=702, protected_persons=True)
    res = walker.call("post", "/api/media/exports", "officer1",
                      json={"case_id": cid, "purpose": "party", "extractor": "王五", "media_ids": [item["id"]]})
    assert res.status_code == 201 and res.get_json()["media_ids"] == []  # the service withholds it
    runner = app.test_cli_runner()
    assert runner.invoke(args=["liuhen", "verify"]).exit_code == 0
    with app.app_context():  # what a write around the service would leave: the recording in a party's package
        officer = db.session.get(User, agency.user_ids["officer1"])
        package = db.session.get(StoredFile, item["sha256"])
        row = seal(MediaExport(agency_id=agency.id, case_id=cid, purpose="party", extractor="王五",
                               producer_id=officer.id, media_ids=[item["id"]], package_sha256=package.sha256,
                               size=package.size, manifest={}, at=START))
        db.session.add(row)
        db.session.flush()
        audit.append(agency.id, Action.MEDIA_EXPORTED, actor_id=officer.id, case_id=cid,
                     detail={"export_id": row.id, **sealed("media_exports", row)})
        db.session.commit()
        export_id = row.id
        db.session.remove()
    try:
        result = runner.invoke(args=["liuhen", "verify"])
        assert result.exit_code == 1 and f"[泄露] 当事人导出包 {export_id} 含不应提供给当事人的音像记录" in result.output
        acc = walker.call("get", "/oversight/api/supervision", "approver1").get_json()["accountability"]
    finally:
        with app.app_context():
            tamper("DELETE FROM media_exports WHERE id = :id", id=export_id)
            db.session.remove()
    assert acc["counts"]["泄露"] == 1
    (leak,) = [i for i in acc["items"] if i["category"] == "泄露"]
    assert leak["case_id"] == cid and "录有举报人、投诉人或第三人" in leak["what"]
    assert leak["basis"] == "fushun-culture 第三十五条（二）；naiman-culture 第十二条"
    result = runner.invoke(args=["liuhen", "verify"])  # removing the forged row is itself a deletion, and caught
    assert result.exit_code == 1 and f"media_exports id={export_id}: 该行已被删除" in result.output


def test_backfill_reviews_steps_completed_without_the_receiver_exactly_as_live(app, client):
    agency = profiled(app, "fushun-culture")
    w = Walker(client, agency.tokens)
    live = filed(w)
    _investigated(w, live, {"av_not_suitable": None})
    signals.task_completed.disconnect(case_review.on_task_completed)
    try:
        old = filed(w)
        _investigated(w, old, {"av_not_suitable": None})
    finally:
        signals.task_completed.connect(case_review.on_task_completed)
    assert w.call("get", f"/oversight/api/cases/{old}/review", "officer1").get_json()["steps"] == []
    result = app.test_cli_runner().invoke(args=["liuhen", "review-backfill"])
    assert result.exit_code == 0 and "已补做案卷评查 6 个" in result.output
    a, b = (w.call("get", f"/oversight/api/cases/{c}/review", "officer1").get_json() for c in (live, old))
    assert (b["score"], b["checks"]) == (a["score"], a["checks"]) == (100.0, 11)
    assert [(s["task"], s["checks"]) for s in b["steps"]] == [(s["task"], s["checks"]) for s in a["steps"]]
    assert "已补做案卷评查 0 个" in app.test_cli_runner().invoke(args=["liuhen", "review-backfill"]).output


def test_review_rows_are_append_only(app, walker):
    cid = filed(walker)
    with app.app_context():
        for sql in ("UPDATE step_reviews SET passed = checks WHERE case_id = :c",
                    "DELETE FROM step_reviews WHERE case_id = :c"):
            with pytest.raises(DatabaseError, match="只能追加"):
                db.session.execute(text(sql), {"c": cid})
            db.session.rollback()
        row = db.session.scalars(select(StepReview).where(StepReview.case_id == cid)).first()
        row.passed = 0
        with pytest.raises(AppendOnlyViolation):
            db.session.commit()
        db.session.rollback()
        db.session.remove()


# --------------------------------------------------------------------------- the pure checks


def _facts(records: dict, rules: TaskRules, profile_rules: tuple[Rule, ...] = ()) -> review.StepFacts:
    return review.StepFacts("t_inspection", INSPECTION, rules, profile_rules, records, (), None, START)


def test_a_record_the_profile_adds_and_a_bare_signature_are_defects_with_their_articles():
    rules = TaskRules(("inspection_record",), "none", ("fushun-culture 第十一条",), (), None)
    extra = Rule("sampling-too", "现场检查须附抽样记录", "record", "fushun-culture 第十一条", records=("inspection_record",),
                 requires=("sampling_record",))
    refused = payload("inspection_record", signatures=OFFICER_SIGS + [PARTY_REFUSED])
    result = review.review_step(_facts({"inspection_record": refused}, rules, (extra,)))
    assert [(c.kind, c.passed) for c in result.checks] == [
        ("present", True), ("signed", True), ("present", False), ("signed", False)]
    assert (result.checks[2].text, result.checks[2].basis) == ("抽样取证通知书及物品清单缺失", "fushun-culture 第十一条")
    assert (result.passed, result.missing_records, result.av_outcome) == (2, 1, None)
    bare = payload("inspection_record", signatures=OFFICER_SIGS + [{"signer": "王五", "capacity": "party",
                                                                   "signed": False}])
    (present, signed) = review.review_step(_facts({"inspection_record": bare}, rules)).checks
    assert present.passed and not signed.passed and "未签名且未记录拒签情况" in signed.text
    assert signed.basis == ""  # no signature rule in this agency's law: the defect stands, citing nothing


@pytest.mark.article("fushun-culture", 11)
@pytest.mark.article("lishui-city", 13)
def test_an_unsigned_record_cites_the_agencys_own_signature_article_only():
    """fushun-culture 第十一条 (上述文书均应由行政执法人员、行政相对人及有关人员签字或盖章) and lishui-city 第十三条: the
    案卷评查 defect cites the signature rule of the agency's own regulation, never the other county's; a regulation
    with no such article (naiman-culture) cites none."""
    rules = TaskRules(("inspection_record",), "none", (), (), None)
    bare = payload("inspection_record", signatures=OFFICER_SIGS + [{"signer": "王五", "capacity": "party",
                                                                   "signed": False}])
    cited = {}
    for code in ("fushun-culture", "lishui-city", "naiman-culture"):
        law = tuple(binding(profiles.load(code).rules))
        signed = review.review_step(_facts({"inspection_record": bare}, rules, law)).checks[1]
        assert signed.kind == "signed" and not signed.passed
        cited[code] = signed.basis
    assert cited == {"fushun-culture": "fushun-culture 第十一条", "lishui-city": "lishui-city 第十三条",
                     "naiman-culture": ""}
