"""Viewing, copying and exporting recordings: permissions, approvals, confidentiality, masking, audit."""
from __future__ import annotations

import hashlib
import io
import subprocess
import zipfile

import pytest
from sqlalchemy import select

from tests.support.app import make_agency, profiled
from tests.support.media import MiB, recording, upload
from tests.support.walker import Walker
from webapp.db import db
from webapp.models import AuditEntry


def _actions(app, case_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case_id)
                                       .order_by(AuditEntry.seq)))


def test_viewing_and_downloading_need_the_case_and_are_audited(walker, app, client):
    cid = walker.create_case()["id"]
    item = upload(walker, cid, size=2 * MiB, seed=61)
    res = walker.call("get", f"/api/media/{item['id']}/content", "officer2")
    assert res.status_code == 200 and res.data == b"".join(recording(2 * MiB, seed=61))
    res = walker.call("get", f"/api/media/{item['id']}/content?download=1", "officer1")
    assert res.status_code == 200 and "attachment" in res.headers["Content-Disposition"]
    other = make_agency(app)
    stranger = Walker(client, other.tokens)
    assert stranger.call("get", f"/api/media/{item['id']}/content", "officer1").status_code == 404
    assert stranger.call("get", f"/api/media/cases/{cid}", "officer1").status_code == 403
    actions = _actions(app, cid)
    assert actions.count("media.viewed") == 1 and actions.count("media.downloaded") == 1
    assert "media.uploaded" in actions


def test_a_player_fetches_a_range_of_a_recording(walker):
    cid = walker.create_case()["id"]
    item = upload(walker, cid, size=3 * MiB, seed=60)
    whole = b"".join(recording(3 * MiB, seed=60))
    url, auth = f"/api/media/{item['id']}/content", {"Authorization": f"Bearer {walker.tokens['officer1']}"}
    res = walker.client.get(url, headers={**auth, "Range": f"bytes={2 * MiB}-{2 * MiB + 99}"})
    assert res.status_code == 206 and res.data == whole[2 * MiB:2 * MiB + 100]
    assert res.headers["Content-Range"] == f"bytes {2 * MiB}-{2 * MiB + 99}/{3 * MiB}"
    res = walker.client.get(url, headers={**auth, "If-None-Match": f'"{item["sha256"]}"'})
    assert res.status_code == 304
    res = walker.client.get(url, headers={**auth, "Range": f"bytes={4 * MiB}-"})
    assert res.status_code == 416


def test_confidential_recordings_follow_stricter_rules(walker, app):
    cid = walker.create_case()["id"]
    private = upload(walker, cid, seed=62, confidentiality="privacy")
    secret = upload(walker, cid, seed=63, confidentiality="state_secret")
    assert walker.call("get", f"/api/media/{private['id']}/content", "designer1").status_code == 403
    assert walker.call("get", f"/api/media/{private['id']}/content", "officer2").status_code == 200
    res = walker.call("get", f"/api/media/{secret['id']}/content", "approver1")
    assert res.status_code == 403 and "国家秘密" in res.get_json()["message"] and "负责人批准" in res.get_json()["message"]
    assert walker.call("get", f"/api/media/{secret['id']}/content", "officer1").status_code == 403
    rid = walker.call("post", "/api/media/requests", "approver1",
                      json={"kind": "view_secret", "media_ids": [secret["id"]], "reason": "审查涉密执法过程"}).get_json()["id"]
    assert walker.call("post", f"/api/media/requests/{rid}/decision", "approver1",
                       json={"approve": True}).status_code == 403  # not one's own request
    # another head of the agency approves
    with app.app_context():
        from webapp.models import User

        user = db.session.scalar(select(User).where(User.username == walker_username(walker, app, "legal1")))
        user.roles = ["legal", "approver"]
        db.session.commit()
    assert walker.call("post", f"/api/media/requests/{rid}/decision", "legal1", json={"approve": True}).status_code == 200
    assert walker.call("get", f"/api/media/{secret['id']}/content", "approver1").status_code == 200



def test_naiman_culture_12_a_restricted_recording_cites_the_agencys_own_rule(walker, app, client):
    """naiman-culture 第十二条: the view restriction cites the agency's secret-records-view rule; an agency whose
    regulation has no such rule is refused all the same, citing only the national law the level names."""
    cid = walker.create_case()["id"]
    bare = upload(walker, cid, seed=1201, confidentiality="state_secret")
    message = walker.call("get", f"/api/media/{bare['id']}/content", "approver1").get_json()["message"]
    assert "负责人批准" in message and "（依据 保守国家秘密法）" in message and "第十二条" not in message
    naiman = profiled(app, "naiman-culture")
    w = Walker(client, naiman.tokens)
    item = upload(w, w.create_case()["id"], seed=1202, confidentiality="state_secret", device_checked=True)
    res = w.call("get", f"/api/media/{item['id']}/content", "approver1")
    assert res.status_code == 403 and "（依据 《奈曼旗文化市场综合执法全过程记录规范》第十二条；保守国家秘密法）" in res.get_json()["message"]
    assert "皮山" not in res.get_json()["message"]

def walker_username(walker, app, key: str) -> str:
    from webapp.accounts import token_hash
    from webapp.models import User, UserSession

    with app.app_context():
        return db.session.scalar(select(User.username).join(UserSession, UserSession.user_id == User.id)
                                 .where(UserSession.secret_hash == token_hash(walker.tokens[key])))


def _unzip(data: bytes, target) -> zipfile.ZipFile:
    zf = zipfile.ZipFile(io.BytesIO(data))
    zf.extractall(target)
    return zf


def test_export_for_the_file_is_verifiable_offline(walker, app, tmp_path):
    cid = walker.create_case()["id"]
    a = upload(walker, cid, size=2 * MiB, seed=64)
    b = upload(walker, cid, size=MiB, seed=65, content_type="image/jpeg")
    res = walker.call("post", "/api/media/exports", "officer1",
                      json={"case_id": cid, "media_ids": [a["id"], b["id"]], "purpose": "evidence", "extractor": "李强"})
    assert res.status_code == 201, res.get_json()
    export = res.get_json()
    manifest = export["manifest"]
    assert manifest["extractor"] == "李强" and manifest["producer"]["name"].startswith("张明")
    assert manifest["case"]["id"] == cid and manifest["purpose"] == "evidence" and manifest["extracted_at"]
    assert [f["sha256"] for f in manifest["files"]] == [a["sha256"], b["sha256"]]
    pkg = walker.call("get", f"/api/media/exports/{export['id']}/package", "officer1")
    assert pkg.status_code == 200 and hashlib.sha256(pkg.data).hexdigest() == export["package_sha256"]
    _unzip(pkg.data, tmp_path)
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True)
    # two recordings, manifest.json, proofs.json, verify_package.py and (evidence) records.json
    assert check.returncode == 0 and check.stdout.count(": OK") == 6, check.stdout
    (tmp_path / manifest["files"][0]["path"]).write_bytes(b"altered")
    assert subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True).returncode == 1
    actions = _actions(app, cid)
    assert "media.exported" in actions and "media.export_downloaded" in actions
    holds = walker.call("get", f"/api/media/cases/{cid}", "officer1").get_json()["holds"]
    assert {h["media_id"] for h in holds if h["trigger"] == "evidence"} == {a["id"], b["id"]}  # 作为证据使用：长期保存


def test_copy_for_another_department_needs_the_heads_approval(walker):
    cid = walker.create_case()["id"]
    item = upload(walker, cid, seed=66)
    ask = {"case_id": cid, "media_ids": [item["id"]], "purpose": "department", "department": "县纪委监委",
           "extractor": "县纪委监委 周九"}
    res = walker.call("post", "/api/media/exports", "officer1", json=ask)
    assert res.status_code == 403 and "负责人批准" in res.get_json()["message"]
    rid = walker.call("post", "/api/media/requests", "officer1",
                      json={"kind": "copy_external", "media_ids": [item["id"]], "department": "县纪委监委",
                            "reason": "核查信访投诉"}).get_json()["id"]
    assert walker.call("post", "/api/media/exports", "officer1", json=ask).status_code == 403  # still pending
    walker.call("post", f"/api/media/requests/{rid}/decision", "approver1", json={"approve": True, "note": "同意"})
    res = walker.call("post", "/api/media/exports", "officer1", json=ask)
    assert res.status_code == 201 and res.get_json()["manifest"]["department"] == "县纪委监委"
    assert walker.call("post", "/api/media/exports", "officer1", json=ask).status_code == 403  # approval used once


def test_a_partys_export_leaves_out_protected_recordings_and_masks_identities(walker, app, tmp_path):
    from webapp.loadgen.flows import file_case
    from webapp.loadgen.payloads import payload

    cid = file_case(walker)
    walker.do(cid, "t_plan", {"investigation_plan": None})
    inquiry = walker.task(cid, "t_inquiry")
    data = payload("inquiry_record")
    data["interviewee"] = {"name": "赵六", "kind": "citizen", "id_number": "210421199001011232",
                           "address": "抚顺县某村", "phone": "13800000000"}
    data["interviewee_role"] = "witness"
    assert walker.add(cid, inquiry, "inquiry_record", data).status_code == 201
    plain = upload(walker, cid, seed=67)
    protected = upload(walker, cid, seed=68, protected_persons=True)
    private = upload(walker, cid, seed=69, confidentiality="privacy")
    res = walker.call("post", "/api/media/exports", "officer1",
                      json={"case_id": cid, "media_ids": [plain["id"], protected["id"], private["id"]],
                            "purpose": "party", "extractor": "当事人 王五"})
    assert res.status_code == 201, res.get_json()
    manifest = res.get_json()["manifest"]
    assert [f["media_id"] for f in manifest["files"]] == [plain["id"]]
    assert {w["media_id"] for w in manifest["withheld"]} == {protected["id"], private["id"]}
    pkg = walker.call("get", f"/api/media/exports/{res.get_json()['id']}/package", "officer1").data
    _unzip(pkg, tmp_path)
    records = (tmp_path / "records.json").read_text()
    assert "赵六" not in records and "13800000000" not in records and "＊＊＊" in records
    assert "抚顺县星光网吧" in records  # the party's own data stays
    assert subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True).returncode == 0


def test_a_chunk_uploaded_recording_satisfies_an_av_required_task(walker):
    from webapp.loadgen.flows import file_case, investigate

    cid = file_case(walker)
    item = upload(walker, cid, seed=70)
    investigate(walker, cid, item["sha256"])  # t_inspection: av=required, av_recording names the file by hash
    assert [t["name"] for t in walker.ready(cid)] == ["t_report"]


def test_changli_market_21_a_partys_copy_needs_the_heads_consent(app, client):
    """changli-market 第二十一条: 当事人申请复制……经行政机关负责人同意，可复制使用 (an ``access`` rule of its profile)."""
    w = Walker(client, profiled(app, "changli-market").tokens)
    cid = w.create_case()["id"]
    item = upload(w, cid, seed=271)  # bytes no other test uploads: a shared file is no one agency's to dispose of
    ask = {"case_id": cid, "media_ids": [item["id"]], "purpose": "party", "extractor": "当事人 王五"}
    res = w.call("post", "/api/media/exports", "officer1", json=ask)
    message = res.get_json()["message"]
    assert res.status_code == 403 and "《昌黎县市场监管局行政执法全过程记录实施办法》第二十一条" in message, message
    rid = w.call("post", "/api/media/requests", "officer1", json={"kind": "copy_party", "media_ids": [item["id"]],
                                                                  "reason": "当事人申请复制现场录像"}).get_json()["id"]
    w.call("post", f"/api/media/requests/{rid}/decision", "approver1", json={"approve": True, "note": "同意"})
    assert w.call("post", "/api/media/exports", "officer1", json=ask).status_code == 201


@pytest.mark.article("fushun-culture", 34)
@pytest.mark.article("lishui-city", 23)
@pytest.mark.article("changli-market", 20)
@pytest.mark.parametrize(("code", "cited"), [
    ("fushun-culture", "《抚顺县文化市场综合执法全过程记录实施办法》第三十四条"),
    ("lishui-city", "《丽水市行政执法全过程记录实施办法》第二十三条"),
    ("changli-market", "《昌黎县市场监管局行政执法全过程记录实施办法》第二十条")])
def test_a_commercial_secret_is_refused_to_a_role_without_the_permission_citing_the_agencys_article(
        app, client, code, cited):
    """fushun-culture 第三十四条 (涉及国家秘密、商业秘密和个人隐私的执法记录信息，要严格按照保密工作的有关规定和权限进行管理),
    lishui-city 第二十三条, changli-market 第二十条: a recording marked 商业秘密 is refused to a role outside its
    permission, citing the agency's own article; an officer of the case sees it."""
    agency = profiled(app, code)
    w = Walker(client, agency.tokens)
    item = upload(w, w.create_case()["id"], seed=3400, confidentiality="commercial_secret", device_checked=True)
    res = w.call("get", f"/api/media/{item['id']}/content", "reviewer1")
    assert res.status_code == 403 and cited in res.get_json()["message"], res.get_json()
    assert w.call("get", f"/api/media/{item['id']}/content", "officer2").status_code == 200
