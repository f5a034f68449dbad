"""Documents made when tasks complete, numbered without gaps or duplicates, sealed in the record
store and audit chain, versioned when re-rendered, downloadable by the case's agency only."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import subprocess
import threading

import pytest
from sqlalchemy import select

import documents
from handlers.clock import CHINA
from tests.engine.test_procedure_measures import SUB_PATHS, _walker
from tests.support.app import adopt_regulation, make_agency
from tests.support.flows import decided, start
from tests.support.walker import Walker
from webapp.db import db
from webapp.loadgen.flows import decide_and_close, file_case, investigate, report_to_statement, serve
from webapp.loadgen.payloads import T, payload
from webapp.models import Agency, AuditEntry, Document
from webapp.store import audit
from webapp.worker import signing
from webapp.worker.sealing import issue_number

NUMBER = re.compile(r"^测执(\S+)〔(\d{4})〕(\d+)号$")
CASE_NUMBERED = re.compile(r"^测执案〔(\d{4})〕(\d+)号·(\S+?)(\d+)$")


def documents_of(walker: Walker, cid: int, user: str = "officer1") -> list[dict]:
    res = walker.call("get", f"/api/cases/{cid}/documents", user)
    assert res.status_code == 200, res.get_json()
    return res.get_json()


def pdf_text(pdf: bytes, tmp_path) -> str:
    (tmp_path / "d.pdf").write_bytes(pdf)
    return re.sub(r"\s+", "", subprocess.run(["pdftotext", str(tmp_path / "d.pdf"), "-"], check=True,
                                             capture_output=True, text=True).stdout)


def test_a_walked_case_leaves_its_documents_sealed_and_downloadable(app, walker, agency, tmp_path, clock):
    """文号 only on the kinds the official formats number (notices, decisions); 笔录, 审批表 and the 回证 carry the
    case's 案号.  The 回证 prints the 决定书's issued 文号, title and date, not what was typed into the receipt; every
    落款 is the day of its act (2026-03-02 in the records), not the day the PDF was rendered."""
    clock.advance(days=40)  # the documents are rendered weeks after the acts they record
    render_day = f"{clock.now().year}年{clock.now().month}月{clock.now().day}日"
    cid = file_case(walker)
    investigate(walker, cid)
    report_to_statement(walker, cid)
    decide_and_close(walker, cid)
    docs = documents_of(walker, cid)
    kinds = [d["kind"] for d in docs]
    assert kinds == ["case_filing", "inquiry_record", "inspection_record", "av_explanation", "investigation_report",
                     "case_examination", "prior_notice",
                     "statement_record", "statement_review", "decision_approval", "penalty_decision", "service_receipt", "closing_approval",
                     "case_file"]
    case_nos = set()
    for d in docs:
        if documents.kind(d["kind"]).numbered:
            assert NUMBER.match(d["number"]), d["number"]
        else:
            m = CASE_NUMBERED.match(d["number"])
            assert m, d["number"]
            case_nos.add(d["number"].split("·")[0])
        assert d["version"] == 1 and d["sources"]
    assert len(case_nos) == 1  # one 案号 per case
    decision = docs[kinds.index("penalty_decision")]
    issued = f"测执罚〔{clock.now().astimezone(CHINA).year}〕1号"  # numbered in the year it is issued (the shared clock's)
    assert decision["number"] == issued
    res = walker.call("get", decision["url"], "reviewer1")          # anyone of the case's agency
    assert res.status_code == 200 and res.mimetype == "application/pdf"
    assert hashlib.sha256(res.data).hexdigest() == decision["sha256"]
    text = pdf_text(res.data, tmp_path)
    assert issued in text and "行政处罚决定书" in text and "抚顺县星光网吧" in text
    assert "人民币壹万元整（¥10,000.00）" in text
    receipt = pdf_text(walker.call("get", docs[kinds.index("service_receipt")]["url"], "officer1").data, tmp_path)
    assert issued in receipt and "抚文执罚〔2026〕12号" not in receipt and "2026年3月2日" in receipt
    assert f"案号：{case_nos.pop()}" in receipt
    for d in docs[:-1]:
        body = pdf_text(walker.call("get", d["url"], "officer1").data, tmp_path)
        assert render_day not in body, (d["kind"], render_day)
    check_case_file(app, walker, agency, docs, tmp_path)
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.case_id == cid,
                                                              AuditEntry.action == "document.rendered")).all()
        assert {e.detail["sha256"] for e in entries} == {d["sha256"] for d in docs}
        sealed = next(e for e in entries if e.detail["kind"] == "penalty_decision")
        assert [s[1] for s in sealed.detail["sources"]] == ["penalty_decision"]
        assert db.session.scalars(select(AuditEntry).where(AuditEntry.case_id == cid,
                                                           AuditEntry.action == "document.downloaded")).all()
        assert audit.verify_chains() == []


def check_case_file(app, walker, agency, docs, tmp_path) -> None:
    """The 电子案卷 bound at 归档 (fushun-culture 第三十一条): PDF/A-3, cover and 卷内目录 whose page numbers are where each
    文书 really starts, every other 文书 in the order made, the signed originals and a manifest attached; signed."""
    case_file = docs[-1]
    pdf = walker.call("get", case_file["url"], "officer1").data
    path = tmp_path / "case_file.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    meta = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True).stdout
    assert "pdfaid:part" in meta and ">3<" in meta.split("pdfaid:part")[1][:5] or 'pdfaid:part="3"' in meta, meta[:400]
    attached = subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert "manifest.json" in attached and attached.count(".pdf") == len(docs) - 1, attached
    index = re.search(r"(\d+): manifest\.json", attached).group(1)
    subprocess.run(["pdfdetach", "-save", index, "-o", str(tmp_path / "manifest.json"), str(path)], check=True)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [e["number"] for e in manifest["documents"]] == [d["number"] for d in docs[:-1]]
    assert [e["sha256"] for e in manifest["documents"]] == [d["sha256"] for d in docs[:-1]]
    assert manifest["pages"] == pages
    for e in manifest["documents"]:  # each 文书 starts on the page the 卷内目录 gives
        first = subprocess.run(["pdftotext", "-f", str(e["first"]), "-l", str(e["first"]), str(path), "-"],
                               capture_output=True, text=True, check=True).stdout
        assert re.sub(r"\s+", "", e["title"]) in re.sub(r"\s+", "", first), (e, first[:200])
    front = pdf_text(pdf, tmp_path)
    assert "卷内目录" in front and "备考表" in front and "音像记录清单" in front and "抚顺县星光网吧" in front
    with app.app_context():
        sealed, = signing.check(pdf, agency.id)
        assert sealed.ok, sealed
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "document.rendered")
                                   .order_by(AuditEntry.id.desc()).limit(1)).one()
        assert entry.detail["kind"] == "case_file" and [b[1] for b in entry.detail["bound"]] == \
            [d["sha256"] for d in docs[:-1]]



def test_fushun_culture_7_the_filing_forms_basis_line_is_the_rules_of_its_step_for_this_agency(app, walker, agency,
                                                                                               tmp_path):
    """The 立案审批表's 依据 line: the 立案 step's diagram article (行政处罚法 第五十四条) always, fushun-culture 第七条
    only once the agency's regulation binds it by its rule (rec-7-case-filing), by the regulation's real title."""
    def filing_text(cid: int) -> str:
        doc = next(d for d in documents_of(walker, cid) if d["kind"] == "case_filing")
        return pdf_text(walker.call("get", doc["url"], "officer1").data, tmp_path)

    bare = filing_text(file_case(walker))
    assert "依据：《中华人民共和国行政处罚法》第五十四条" in bare and "第七条" not in bare
    adopt_regulation(app, agency.id)
    bound = filing_text(file_case(walker))
    assert "依据：《中华人民共和国行政处罚法》第五十四条；《抚顺县文化市场综合执法全过程记录实施办法》第七条" in bound

def test_another_agency_cannot_list_or_download(app, walker, client):
    cid = file_case(walker)
    doc = documents_of(walker, cid)[0]
    other = Walker(client, make_agency(app).tokens)
    assert other.call("get", doc["url"], "officer1").status_code == 403
    assert other.call("get", f"/api/cases/{cid}/documents", "officer1").status_code == 403
    assert client.get(doc["url"]).status_code == 401


def test_rendering_again_adds_a_version_with_the_same_number(app, walker, tmp_path):
    cid = file_case(walker)
    first = documents_of(walker, cid)[0]
    res = walker.call("post", f"/api/cases/{cid}/documents", "approver1", json={"kind": "case_filing"})
    assert res.status_code == 201, res.get_json()
    second = res.get_json()
    assert (second["number"], second["version"], second["supersedes_id"]) == (first["number"], 2, first["id"])
    old = walker.call("get", first["url"], "officer1")
    assert hashlib.sha256(old.data).hexdigest() == first["sha256"]   # the first version is kept as it was
    assert walker.call("post", f"/api/cases/{cid}/documents", "designer1",
                       json={"kind": "case_filing"}).status_code == 403
    assert walker.call("post", f"/api/cases/{cid}/documents", "officer1",
                       json={"kind": "penalty_decision"}).status_code == 422   # no decision record yet
    with app.app_context():
        doc = db.session.get(Document, first["id"])
        doc.number = "改号"
        try:
            db.session.commit()
            raise AssertionError("a document row was changed")
        except Exception as exc:
            db.session.rollback()
            assert "只能追加" in str(exc)


def test_numbers_follow_on_per_series_and_come_from_the_profile(app, walker, agency, clock):
    first = file_case(walker)
    with app.app_context():
        a = db.session.get(Agency, agency.id)
        a.profile = {**a.profile, "doc_prefix": "抚文执", "documents": {"series": {"case": "案审"}}}
        db.session.commit()
    second = file_case(walker)
    third = file_case(walker)
    numbers = [documents_of(walker, c)[0]["number"] for c in (first, second, third)]
    y = clock.now().astimezone(CHINA).year  # the year of issue (the shared clock's)
    assert numbers == [f"测执案〔{y}〕1号·立1", f"抚文执案审〔{y}〕1号·立1", f"抚文执案审〔{y}〕2号·立1"]


def test_fifty_concurrent_requests_get_fifty_consecutive_numbers(app, agency):
    barrier = threading.Barrier(50)
    got: list[int] = []
    errors: list[BaseException] = []

    def take() -> None:
        try:
            with app.app_context():
                barrier.wait()
                n = issue_number(agency.id, "并发", 2026)
                db.session.commit()
                got.append(n)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=take) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert sorted(got) == list(range(1, 51))


def test_a_rolled_back_number_is_issued_again(app, agency):
    with app.app_context():
        assert issue_number(agency.id, "回滚", 2026) == 1
        db.session.rollback()
        assert issue_number(agency.id, "回滚", 2026) == 1
        assert issue_number(agency.id, "回滚", 2026) == 2
        assert issue_number(agency.id, "回滚", 2027) == 1
        db.session.commit()


def test_concurrent_re_renders_never_duplicate_a_version(app, walker, client, agency):
    cid = file_case(walker)
    results: list[int] = []

    def render() -> None:
        w = Walker(app.test_client(), agency.tokens)
        results.append(w.call("post", f"/api/cases/{cid}/documents", "officer1",
                              json={"kind": "case_filing"}).status_code)

    threads = [threading.Thread(target=render) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(results) <= {201, 409} and 201 in results
    docs = documents_of(walker, cid)
    assert [d["version"] for d in docs] == list(range(1, len(docs) + 1))
    assert len({d["number"] for d in docs}) == 1


def test_a_task_declares_its_documents_or_they_follow_from_its_records():
    from types import SimpleNamespace

    from webapp.worker.sealing import kinds_for_task

    def spec(**props):
        return SimpleNamespace(extensions={"properties": props})

    perf = {"performance_record": SimpleNamespace(payload={"correction_ordered": True})}
    assert [k.code for k in kinds_for_task(spec(), perf)] == ["correction_notice"]
    perf["performance_record"].payload["correction_ordered"] = False
    assert kinds_for_task(spec(), perf) == []
    hearing = {"hearing_record": SimpleNamespace(payload={})}
    assert [k.code for k in kinds_for_task(spec(), hearing)] == ["hearing_notice", "hearing_record"]
    assert [k.code for k in kinds_for_task(spec(documents="hearing_record"), hearing)] == ["hearing_record"]
    assert kinds_for_task(spec(documents=""), hearing) == []


def test_a_diagram_naming_an_unknown_document_is_refused(ctx):
    import pytest

    from handlers.diagrams import DiagramError, parse
    from webapp.engine.diagrams import base_sources

    sources = base_sources()
    bpmn = sources["general_procedure.bpmn"].decode()
    marker = '<spiffworkflow:property name="records" value="penalty_decision" />'
    assert marker in bpmn
    bad = bpmn.replace(marker, marker + '<spiffworkflow:property name="documents" value="penalty_decision, 罚单" />')
    with pytest.raises(DiagramError, match="未知的文书种类 '罚单'"):
        parse({**sources, "general_procedure.bpmn": bad.encode()}, "general_procedure")
    good = bpmn.replace(marker, marker + '<spiffworkflow:property name="documents" value="penalty_decision" />')
    parse({**sources, "general_procedure.bpmn": good.encode()}, "general_procedure")


def test_the_reminder_quotes_the_issued_decision_and_asks_for_it_only_where_the_case_has_none(walker, tmp_path, clock):
    """The 催告书 names the decision it enforces (行政强制法 第三十五条) as issued — title, 文号, date from the case's
    sealed 决定书 — never as typed; only an enforcement begun on its own (the decision made in another case) must
    name it in the record, and is refused in Chinese without it."""
    alone = start(walker, "compulsory_enforcement")
    task = walker.task(alone, "t_reminder")
    untyped = {k: v for k, v in payload("enforcement_reminder").items() if k != "decision_document"}
    res = walker.add(alone, task, "enforcement_reminder", untyped)
    assert res.status_code == 422 and "本案没有行政处罚决定书" in res.get_json()["fields"]["decision_document"][0]
    assert walker.add(alone, task, "enforcement_reminder", payload("enforcement_reminder")).status_code == 201

    clock.set(dt.datetime.fromisoformat(T))
    cid, decision = decided(walker)
    serve(walker, cid)
    walker.do(cid, "t_performance", {"performance_record": payload("performance_record", status="none")})
    clock.advance(days=30)  # 行政处罚法 第六十七条: the fifteen days to pay are over
    walker.do(cid, "t_reminder", {"enforcement_reminder": {**untyped, "party": payload("penalty_decision")["party"]}})
    reminder = next(d for d in documents_of(walker, cid) if d["kind"] == "enforcement_reminder")
    text = pdf_text(walker.call("get", reminder["url"], "officer1").data, tmp_path)
    assert f"行政处罚决定书（{decision['number']}，2026年3月2日）已依法送达" in text
    assert "抚文执罚〔2026〕12号" not in text  # the samples' typed 文号 of the decision, never printed


@pytest.mark.parametrize("key", [("coercive_measure", "扣押, approved beforehand, released"),
                                 ("evidence_preservation", "approved, decided within seven working days")],
                         ids=["解除行政强制措施决定书", "解除先行登记保存通知书"])
def test_a_release_names_the_measure_it_lifts_as_issued_and_is_dated_the_day_of_the_act(app, client, agency, tmp_path,
                                                                                         key):
    """The 解除 decision of a 扣押 prints the 查封（扣押）决定书's issued 文号 (not the 文号 typed in the records), its
    清单 and the day of the release; the 解除先行登记保存通知书 (the culture set's own kind for a release) the issued
    通知书's 文号 and the day decided, and no 处理决定书 beside it."""
    measure, steps, _end = SUB_PATHS[key]
    w = _walker(client, agency, key[1])
    w.checking = False
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": payload("investigation_plan", measures=[measure])})
    for name, records in steps:
        w.do(cid, name, records)
    docs = {d["kind"]: d for d in documents_of(w, cid)}
    quoted, made, day = (("coercive_decision", "coercive_release", "2026年3月20日") if measure == "coercive"
                         else ("evidence_preservation", "preservation_release", "2026年3月9日"))
    assert {quoted, made} <= set(docs) and "preservation_decision" not in docs, sorted(docs)
    release = docs[made]
    assert NUMBER.match(release["number"]) and NUMBER.match(docs[quoted]["number"])
    text = pdf_text(w.call("get", release["url"], "officer1").data, tmp_path)
    assert f"（{docs[quoted]['number']}）" in text and docs[quoted]["title"] in text
    assert "电脑主机" in text and day in text[-40:], text[-80:]  # the 清单's goods; 落款 = the day of the act
    assert "抚文执" not in text  # the samples' typed 文号 never reaches paper
