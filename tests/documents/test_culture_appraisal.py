"""The culture set's 格式16 鉴定书 (文化市场综合行政执法文书格式, contents list: 格式15 物品清单, 格式16 鉴定书, 格式17 案件调查终结
审批表) is the 鉴定机构's paper — made, signed and sealed by the 鉴定人 and the 鉴定机构 — not the agency's: the agency records
the 鉴定意见 it received (issuer, date, matter, conclusion, the uploaded scan) and files that in its place.  At 归档 the
电子案卷 lists it with the SHA-256 of each uploaded file, and its manifest names them (SQLite and PostgreSQL)."""
from __future__ import annotations

import json
import re
import subprocess

import documents
from tests.support.walker import Walker
from webapp.loadgen.flows import decide_and_close, file_case, report_to_statement
from webapp.loadgen.payloads import payload

SCAN = b"%PDF-1.4\n% scan of the appraisal report signed by two appraisers\n"
SECOND = b"%PDF-1.4\n% scan of a second appraisal report\n"


def _text(path) -> str:
    return re.sub(r"\s+", "", subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                                             text=True).stdout)


def test_the_uploaded_appraisal_opinion_is_filed_in_the_case_file_in_place_of_the_appraisal_report(walker: Walker,
                                                                                                    tmp_path):
    cid = file_case(walker)
    sha = walker.upload(SCAN, "鉴定意见书.pdf")
    walker.do(cid, "t_plan", {"investigation_plan": None})
    walker.do(cid, "t_inquiry", {"inquiry_record": None, "expert_opinion": payload("expert_opinion", files=[sha])})
    walker.do(cid, "t_inspection", {"inspection_record": None, "av_not_suitable": None})
    report_to_statement(walker, cid)
    decide_and_close(walker, cid)
    docs = walker.call("get", f"/api/cases/{cid}/documents", "officer1").get_json()
    assert "鉴定书" not in [d["title"] for d in docs]  # the agency makes no 鉴定书 of its own
    bound = next(d for d in docs if d["kind"] == "case_file")
    path = tmp_path / "case_file.pdf"
    path.write_bytes(walker.call("get", bound["url"], "officer1").data)
    text = _text(path)
    assert "鉴定意见（鉴定机构出具的鉴定书）" in text and "辽宁省文化市场技术鉴定中心" in text, text[:600]
    assert "主机记录显示三名未成年人身份证号于当晚登录" in text and sha[:32] in text
    attached = subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    index = re.search(r"(\d+): manifest\.json", attached).group(1)
    subprocess.run(["pdfdetach", "-save", index, "-o", str(tmp_path / "m.json"), str(path)], check=True)
    manifest = json.loads((tmp_path / "m.json").read_text())
    assert [a["files"] for a in manifest["appraisals"]] == [[sha]], manifest["appraisals"]
    assert manifest["appraisals"][0]["issuer"] == "辽宁省文化市场技术鉴定中心"
    scan = re.search(r"(\d+): (鉴定意见-01-鉴定意见书\.pdf)", attached)
    assert scan, attached  # the uploaded original itself, not only its hash
    subprocess.run(["pdfdetach", "-save", scan.group(1), "-o", str(tmp_path / "scan.pdf"), str(path)], check=True)
    assert (tmp_path / "scan.pdf").read_bytes() == SCAN


def _attached(path) -> dict[str, str]:
    """The PDF's attached files: name → index for pdfdetach."""
    listing = subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return {m.group(2): m.group(1) for m in re.finditer(r"(\d+): (.+)", listing)}


def test_every_appraisal_opinion_the_case_received_is_filed_each_scan_once(walker: Walker, tmp_path):
    """Two 鉴定意见 (one on the 询问 step, stored twice, and a second one on the 现场检查 step): the 电子案卷 lists both
    opinions and attaches each uploaded scan once, by its SHA-256 — not only the newest record's."""
    cid = file_case(walker)
    first, second = walker.upload(SCAN, "鉴定意见书.pdf"), walker.upload(SECOND, "补充鉴定意见书.pdf")
    opinion = payload("expert_opinion", files=[first])
    again = payload("expert_opinion", files=[second], subject="涉案电脑主机硬盘", conclusion="硬盘记录与上网记录一致。",
                    issued_at="2026-03-05T15:00:00+08:00")
    walker.do(cid, "t_plan", {"investigation_plan": None})
    task = walker.task(cid, "t_inquiry")
    assert walker.add(cid, task, "expert_opinion", opinion).status_code == 201  # stored twice, filed once
    walker.do(cid, "t_inquiry", {"inquiry_record": None, "expert_opinion": opinion})
    walker.do(cid, "t_inspection", {"inspection_record": None, "av_not_suitable": None, "expert_opinion": again})
    report_to_statement(walker, cid)
    decide_and_close(walker, cid)
    bound = next(d for d in walker.call("get", f"/api/cases/{cid}/documents", "officer1").get_json()
                 if d["kind"] == "case_file")
    path = tmp_path / "case_file.pdf"
    path.write_bytes(walker.call("get", bound["url"], "officer1").data)
    text = _text(path)
    assert "主机记录显示三名未成年人身份证号于当晚登录" in text and "硬盘记录与上网记录一致" in text, text[:800]
    attached = _attached(path)
    scans = sorted(name for name in attached if name.startswith("鉴定意见-"))
    assert scans == ["鉴定意见-01-鉴定意见书.pdf", "鉴定意见-02-补充鉴定意见书.pdf"], attached
    for name, content in zip(scans, (SCAN, SECOND), strict=True):
        subprocess.run(["pdfdetach", "-save", attached[name], "-o", str(tmp_path / "scan.pdf"), str(path)], check=True)
        assert (tmp_path / "scan.pdf").read_bytes() == content
    subprocess.run(["pdfdetach", "-save", attached["manifest.json"], "-o", str(tmp_path / "m.json"), str(path)],
                   check=True)
    manifest = json.loads((tmp_path / "m.json").read_text())
    assert [a["files"] for a in manifest["appraisals"]] == [[first], [second]], manifest["appraisals"]


def test_a_case_without_an_appraisal_lists_none_and_an_appended_scan_is_attached_as_it_is(tmp_path):
    """No 鉴定意见, no section; a scan the caller appends (read from the record store) is attached byte for byte."""
    front = {"agency": {"name": "抚顺县文化市场综合行政执法队", "archive_basis": ""}, "case": {"title": "某案", "party_name": "某"},
             "archive_no": "A-1", "case_no": "", "ended_on": "", "archived_on": "", "retention": "", "archivist": "", "cite": lambda refs: "", "records": {}}
    pdf, manifest = documents.assemble_case_file(front, [], [], [documents.Appended("鉴定意见书.pdf", SCAN, "鉴定意见原件")])
    path = tmp_path / "f.pdf"
    path.write_bytes(pdf)
    assert manifest["appraisals"] == [] and "鉴定意见（鉴定机构出具的鉴定书）" not in _text(path)
    attached = subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert "鉴定意见书.pdf" in attached, attached
    index = re.search(r"(\d+): 鉴定意见书\.pdf", attached).group(1)
    subprocess.run(["pdfdetach", "-save", index, "-o", str(tmp_path / "scan.pdf"), str(path)], check=True)
    assert (tmp_path / "scan.pdf").read_bytes() == SCAN


def test_the_case_file_names_its_pages_as_the_agency_s_set_does(tmp_path):
    """市场监督管理行政处罚文书格式范本 items 54–56: 卷宗封面, 卷内文件目录, 卷内备考表; the culture 格式: 案卷封面, 卷内目录, 备考表."""
    texts = {}
    for chosen in ("culture", "market"):
        front = {"agency": {"name": "某局", "archive_basis": "", "format_set": chosen}, "case": {"title": "某案", "party_name": "某"},
                 "archive_no": "A-1", "case_no": "", "ended_on": "", "archived_on": "", "retention": "", "archivist": "",
                 "cite": lambda refs: "", "records": {}}
        (tmp_path / chosen).write_bytes(documents.assemble_case_file(front, [], [])[0])
        texts[chosen] = _text(tmp_path / chosen)
    assert all(n in texts["market"] for n in ("卷宗封面", "卷内文件目录", "卷内备考表")), texts["market"]
    assert all(n in texts["culture"] for n in ("案卷封面", "卷内目录", "备考表")) and "卷宗封面" not in texts["culture"]
