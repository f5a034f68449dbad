"""Who may see, copy and dispose of recordings, and the export package (刻制光盘).

- Viewing or copying needs the case's permission and the confidentiality level's roles; a 国家秘密
  recording needs the head's approval first (naiman-culture 第十二条).
- Copying for another department needs the head's approval (pishan-culture 第十九条、第二十条（二）).
- A party's export leaves out recordings with protected persons or a confidentiality level, and masks
  complainants', informants' and third parties' identities in the case's records (naiman-culture 第十二条).
- Disposal after the retention period needs the head's approval, removes the bytes and keeps the
  metadata and the hash; before the period, or under a long-term hold, it is refused (pishan-culture 第二十条).
Every view, download, export and disposal is an audit entry.
"""
from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Callable
from itertools import islice
from typing import Any, cast

from sqlalchemy import select

from handlers import av_rules, clock
from handlers.audit_actions import Action
from handlers.av_rules import DECISION_KINDS
from handlers.catalogue import AV_RECORDING
from handlers.hashing import sha256_bytes
from handlers.law.model import Rule
from handlers.roles import CASE_READER_ROLES
from webapp import store
from webapp.cases.service import get_case, record_json, require_handler
from webapp.db import db
from webapp.errors import Conflict, Forbidden, Invalid, NotFound
from webapp.evidence import proofs
from webapp.evidence.media import _hold, disposal_of, holds_of, media_item, retention_until, sealed, settings
from webapp.models import (
    Case,
    Document,
    FileDisposal,
    MediaExport,
    MediaItem,
    MediaRequest,
    Record,
    RetentionHold,
    StoredFile,
    User,
    seal,
)
from webapp.store import audit
from webapp.store.audit import Break
from webapp.store.sealed import MEDIA_TABLES, verify_sealed

REQUEST_KINDS = {"disposal": "销毁音像记录", "copy_external": "相关部门调取、复制音像记录",
                 "copy_party": "当事人申请复制音像记录", "view_secret": "查阅涉密音像记录"}
#: the access act of each copy, as the law's ``access`` rules name it (handlers/law/acts.py)
COPY_ACTS = {"party": "复制.当事人", "department": "复制.相关部门"}


# --------------------------------------------------------------------------- viewing and copying


def check_view(user: User, item: MediaItem) -> None:
    """The case's permission and handling it (:func:`handles`), then the confidentiality level's stricter rules."""
    require_handler(user, get_case(item.case_id, user), "查阅或复制本案音像记录")
    level = av_rules.CONFIDENTIALITY[item.confidentiality]
    if level.view_roles is not None and not user.has_any(*level.view_roles):
        raise Forbidden(f"该音像记录密级为“{level.title}”，您的角色无权查阅{_cited(user, av_rules.level_basis, level)}")
    if level.view_needs_approval and not _approved(user, "view_secret", item.id):
        raise Forbidden(f"查阅“{level.title}”音像记录须经本单位负责人批准{_cited(user, av_rules.level_basis, level)}")


def _cited(user: User, articles: Callable[..., tuple[str, ...]], *args: Any) -> str:
    """``（依据 …）`` with the articles of the user's agency that ``articles`` reads from its rules, by real title; empty
    where its regulation has none."""
    own = settings(user.agency_id)
    cited = own.citer().text(articles(own, *args))
    return f"（依据 {cited}）" if cited else ""


def _approved(user: User, kind: str, media_id: int, department: str | None = None) -> MediaRequest | None:
    rows = db.session.scalars(select(MediaRequest).where(
        MediaRequest.agency_id == user.agency_id, MediaRequest.kind == kind, MediaRequest.status == "approved",
        MediaRequest.requested_by == user.id))
    return next((r for r in rows if media_id in (r.media_ids or []) and
                 (department is None or r.department == department)), None)


def open_content(user: User, media_id: int, download: bool) -> MediaItem:
    """The recording to stream, after the access check; the view or download is audited before any byte is sent."""
    item = media_item(user, media_id)
    check_view(user, item)
    if disposal_of(item.sha256) is not None:
        raise Conflict("该音像记录已按批准销毁，仅保留元数据和哈希值")
    if not store.current().exists(item.sha256):
        raise NotFound("文件库中缺少该音像记录的文件，请运行 flask liuhen verify 核查")
    audit.append(item.agency_id, Action.MEDIA_DOWNLOADED if download else Action.MEDIA_VIEWED, actor_id=user.id,
                 case_id=item.case_id, detail={"media_id": item.id, "sha256": item.sha256})
    db.session.commit()
    return item


def check_file(user: User, sha256: str) -> None:
    """A stored file by its hash (``/files/<sha256>``): a case reader's; a recording's bytes only as the recording
    itself (:func:`check_view`), a 文书's only for those who handle its case."""
    if not user.has_any(*CASE_READER_ROLES):
        raise Forbidden("您的角色无权查阅案件材料")
    items = list(db.session.scalars(select(MediaItem).where(MediaItem.agency_id == user.agency_id,
                                                            MediaItem.sha256 == sha256)))
    if items:
        problems = []
        for item in items:
            try:
                return check_view(user, item)
            except Forbidden as exc:
                problems.append(exc.message)
        raise Forbidden(problems[0])
    case_ids = set(db.session.scalars(select(Document.case_id).where(Document.agency_id == user.agency_id,
                                                                     Document.sha256 == sha256)))
    for case_id in case_ids:
        require_handler(user, get_case(case_id, user), "下载本案文书")


# --------------------------------------------------------------------------- requests and the head's decision


def request(user: User, data: Any) -> MediaRequest:
    if not isinstance(data, dict) or data.get("kind") not in REQUEST_KINDS:
        raise Invalid(f"申请类型只能是：{'、'.join(f'{k}（{v}）' for k, v in REQUEST_KINDS.items())}",
                      fields={"kind": ["未知的申请类型"]})
    reason = str(data.get("reason") or "").strip()
    if len(reason) < 4:
        raise Invalid("请写明申请理由", fields={"reason": ["至少 4 个字"]})
    kind = data["kind"]
    if kind == "disposal":
        sha, case_id, media_ids, department = _disposal_target(user, str(data.get("sha256") or ""))
    else:
        media_ids = [int(m) for m in data.get("media_ids") or []]
        if not media_ids:
            raise Invalid("请选择音像记录", fields={"media_ids": ["至少一项"]})
        items = [media_item(user, m) for m in media_ids]
        case_id, sha = items[0].case_id, None
        department = str(data.get("department") or "").strip() or None
        if kind == "copy_external" and not department:
            raise Invalid("请写明调取部门", fields={"department": ["必填项"]})
    recipient = _recipient(user, data) if kind == "copy_external" else {}
    row = MediaRequest(agency_id=user.agency_id, kind=kind, case_id=case_id, sha256=sha, media_ids=media_ids,
                       department=department, reason=reason, requested_by=user.id, requested_at=clock.now(),
                       status="pending")
    db.session.add(row)
    db.session.flush()
    audit.append(user.agency_id, Action.MEDIA_REQUESTED, actor_id=user.id, case_id=case_id,
                 detail={"request_id": row.id, "kind": kind, "media_ids": media_ids, "sha256": sha,
                         "department": department, "reason": reason, **recipient})
    db.session.commit()
    return row


def decide(user: User, request_id: int, approve: bool, note: str) -> MediaRequest:
    """The head approves or refuses; an approved disposal is carried out at once."""
    if not user.has_role("approver"):
        raise Forbidden("须由本单位负责人审批（pishan-culture 第十九条、第二十条）")
    row = db.session.get(MediaRequest, request_id, with_for_update=True)
    if row is None or row.agency_id != user.agency_id:
        raise NotFound(f"申请 {request_id} 不存在")
    if row.status != "pending":
        raise Conflict(f"申请已处理（{row.status}）")
    if row.requested_by == user.id:
        raise Forbidden("申请人不能审批自己的申请")
    if approve and row.kind == "disposal":
        _disposal_target(user, row.sha256 or "")
    row.status, row.decided_by, row.decided_at, row.decision_note = (
        "approved" if approve else "refused", user.id, clock.now(), note)
    audit.append(user.agency_id, Action.MEDIA_REQUEST_DECIDED, actor_id=user.id, case_id=row.case_id,
                 detail={"request_id": row.id, "kind": row.kind, "approved": approve, "note": note})
    if approve and row.kind == "disposal":
        _dispose(user, row)
        return row
    db.session.commit()
    return row


# --------------------------------------------------------------------------- disposal


def _disposal_target(user: User, sha: str) -> tuple[str, int | None, list[int], None]:
    """Check that the file may be disposed of now; return what the request concerns."""
    stored = db.session.get(StoredFile, sha) if sha else None
    if stored is None:
        raise NotFound(f"文件 {sha or '（未指定）'} 不存在")
    if disposal_of(sha) is not None:
        raise Conflict("该文件已销毁")
    items = list(db.session.scalars(select(MediaItem).where(MediaItem.sha256 == sha)))
    if any(i.agency_id != user.agency_id for i in items) or (not items and stored.agency_id != user.agency_id):
        raise Forbidden("该文件属于其他机构的记录，不能由本机构销毁")
    own = settings(user.agency_id)
    now, months, citer = clock.now(), own.av_retention_months, own.citer()
    cited = {"hold_basis": citer.text([own.long_term_basis or ""]),
             "retention_basis": citer.text([own.av_retention_basis or ""])}
    citing = _cases_citing(sha)
    evidence = ["evidence"] if "evidence" in own.long_term_triggers and _decided(citing) else []
    for item in items:
        problem = av_rules.disposal_refusal(now, retention_until(item), holds_of(item) + evidence, **cited)
        if problem:
            raise Conflict(f"音像记录“{item.file_name}”：{problem}", retention_until=retention_until(item).isoformat())
    for case_id in citing:
        holds = list(db.session.scalars(select(RetentionHold.trigger).where(RetentionHold.case_id == case_id,
                                                                            RetentionHold.media_id.is_(None))))
        problem = av_rules.disposal_refusal(now, av_rules.retention_until(stored.uploaded_at, months),
                                            holds + evidence, **cited)
        if problem:
            raise Conflict(f"案件 {case_id} 的音像记录引用该文件：{problem}")
    if not items:
        problem = av_rules.disposal_refusal(now, av_rules.retention_until(stored.uploaded_at, months), [], **cited)
        if problem:
            raise Conflict(problem)
    return sha, items[0].case_id if items else None, [i.id for i in items], None


def _decided(case_ids: set[int]) -> bool:
    """Whether a recording cited by these cases is evidence of a decision (作为行政案件证据使用): a case that was
    decided holds it long-term without anyone placing a hold by hand (pishan-culture 第二十条, naiman-culture 第十一条)."""
    return bool(case_ids) and db.session.scalar(select(Record.id).where(
        Record.case_id.in_(case_ids), Record.kind.in_(DECISION_KINDS)).limit(1)) is not None


def _cases_citing(sha: str) -> set[int]:
    """Cases whose 音像记录 records name the file (the spine's ``av_recording`` kind)."""
    rows = db.session.scalars(select(Record).where(Record.kind == AV_RECORDING))
    return {r.case_id for r in rows if sha in (r.payload.get("files") or [])}


def _dispose(user: User, req: MediaRequest) -> None:
    """Record the disposal (a new row), commit, then remove the bytes; verify expects them gone."""
    sha = req.sha256 or ""
    items = list(db.session.scalars(select(MediaItem).where(MediaItem.sha256 == sha)))
    stored = cast(StoredFile, db.session.get(StoredFile, sha))  # decide() found it, via _disposal_target
    until = max([retention_until(i) for i in items] or
                [av_rules.retention_until(stored.uploaded_at, settings(user.agency_id).av_retention_months)])
    row = seal(FileDisposal(agency_id=user.agency_id, sha256=sha, request_id=req.id, requested_by=req.requested_by,
                            approved_by=user.id, retention_until=until, reason=req.reason, disposed_at=clock.now()))
    db.session.add(row)
    db.session.flush()
    audit.append(user.agency_id, Action.FILE_DISPOSED, actor_id=user.id, case_id=req.case_id,
                 detail={"sha256": sha, "media_ids": req.media_ids, "request_id": req.id,
                         **sealed("file_disposals", row)})
    db.session.commit()
    store.current().remove(sha)


# --------------------------------------------------------------------------- export (刻制光盘)


def export(user: User, data: Any) -> MediaExport:
    """Build a package: the files, ``SHA256SUMS``, and a manifest naming producer, extractor, time,
    case and purpose (naiman-culture 第十一条, pishan-culture 第十九条); the package is stored and audited."""
    if not isinstance(data, dict):
        raise Invalid("请求体须为 JSON 对象")
    purpose = data.get("purpose")
    if purpose not in av_rules.EXPORT_PURPOSES:
        raise Invalid(f"用途只能是：{'、'.join(f'{k}（{v}）' for k, v in av_rules.EXPORT_PURPOSES.items())}",
                      fields={"purpose": ["未知的用途"]})
    case = get_case(int(data.get("case_id") or 0), user)
    extractor = str(data.get("extractor") or "").strip()
    if not extractor:
        raise Invalid("请写明提取人", fields={"extractor": ["必填项"]})
    department = str(data.get("department") or "").strip() or None
    items = [media_item(user, int(m)) for m in data.get("media_ids") or []]
    if not items:
        raise Invalid("请选择要导出的音像记录", fields={"media_ids": ["至少一项"]})
    if any(i.case_id != case.id for i in items):
        raise Invalid("只能导出本案件的音像记录", fields={"media_ids": ["含其他案件的记录"]})
    recipient = _recipient(user, data) if purpose == "department" else {}
    req = _export_allowed(user, purpose, items, department)
    included, withheld = _party_filter(user, items) if purpose == "party" else (items, [])
    for item in included:
        check_view(user, item)
        if disposal_of(item.sha256) is not None:
            raise Conflict(f"音像记录“{item.file_name}”已销毁，不能导出")
    now = clock.now()
    manifest = _manifest(user, case, purpose, department, extractor, included, withheld, now) | recipient
    entries = proofs.sealing_entries(case.agency_id, case.id, [i.id for i in included], purpose == "evidence")
    bundle = proofs.bundle(case.agency_id, entries, records_proven=purpose == "evidence")
    sha, size = _package(manifest, included, case, purpose, bundle)
    store.register(sha, size, content_type="application/zip", name=f"案件{case.id}-音像记录-{now:%Y%m%d%H%M%S}.zip",
                   agency_id=case.agency_id, user_id=user.id, at=now)
    row = seal(MediaExport(agency_id=case.agency_id, case_id=case.id, purpose=purpose, department=department,
                           request_id=req.id if req else None, extractor=extractor, producer_id=user.id,
                           media_ids=[i.id for i in included], package_sha256=sha, size=size, manifest=manifest,
                           at=now))
    db.session.add(row)
    db.session.flush()
    if req is not None:
        req.status = "used"
    audit.append(case.agency_id, Action.MEDIA_EXPORTED, actor_id=user.id, case_id=case.id,
                 detail={"export_id": row.id, "purpose": purpose, "package_sha256": sha,
                         "media_ids": row.media_ids, **sealed("media_exports", row)})
    db.session.commit()
    if purpose == "evidence":
        for item in included:
            _hold(user, case.agency_id, case.id, item.id, "evidence", f"刻制光盘作为证据使用（导出 {row.id}）")
    return row


def _export_allowed(user: User, purpose: str, items: list[MediaItem], department: str | None) -> MediaRequest | None:
    """A copy for another department always needs the head's approved request; a party's copy needs one where
    the agency's law has an ``access`` rule on it (changli-market 第二十一条: 经行政机关负责人同意，可复制使用)."""
    if purpose == "department" and not department:
        raise Invalid("请写明调取部门", fields={"department": ["必填项"]})
    if not user.has_role("officer") and not user.has_role("approver"):
        raise Forbidden("只有执法人员或负责人可以导出音像记录")
    rules = _access_rules(user, purpose)
    if purpose != "department" and not rules:
        return None
    kind = "copy_external" if purpose == "department" else "copy_party"
    req = _approved(user, kind, items[0].id, department if purpose == "department" else None)
    if req is None or not all(i.id in req.media_ids for i in items):
        cited = settings(user.agency_id).citer().text(r.basis for r in rules)
        raise Forbidden(f"{av_rules.EXPORT_PURPOSES[purpose]}须经本单位负责人同意" + (f"（依据：{cited}）" if cited else "")
                        + f"；请先提交“{REQUEST_KINDS[kind]}”申请（{kind}）并经负责人批准")
    return req


def _access_rules(user: User, purpose: str) -> list[Rule]:
    act = COPY_ACTS.get(purpose)
    return [r for r in settings(user.agency_id).law() if r.kind == "access" and act and r.governs("", (), act)]


def _recipient(user: User, data: dict[str, Any]) -> dict[str, str]:
    """Who receives a copy for another body, checked against the agency's confidentiality (profile)."""
    kind = str(data.get("recipient_kind") or "") or None
    reference = str(data.get("case_reference") or "").strip() or None
    if kind is not None and kind not in av_rules.STATE_ORGANS:
        options = "、".join(f"{k}（{v}）" for k, v in av_rules.STATE_ORGANS.items())
        raise Invalid(f"调阅机关类别只能是：{options}", fields={"recipient_kind": ["未知的机关类别"]})
    if problem := av_rules.external_copy_refusal(settings(user.agency_id), kind, reference):
        raise Forbidden(problem, fields={"case_reference" if kind else "recipient_kind": [problem]})
    return {k: v for k, v in (("recipient_kind", kind), ("case_reference", reference)) if v}


def _party_filter(user: User, items: list[MediaItem]) -> tuple[list[MediaItem], list[dict[str, Any]]]:
    """What a party may receive (naiman-culture 第十二条): no secrets, nothing showing protected persons."""
    included, withheld = [], []
    for item in items:
        level = av_rules.CONFIDENTIALITY[item.confidentiality]
        if not level.party_export:
            withheld.append({"media_id": item.id,
                             "reason": f"涉及{level.title}{_cited(user, av_rules.level_basis, level)}"})
        elif item.protected_persons:
            withheld.append({"media_id": item.id,
                             "reason": f"录有举报人、投诉人或第三人{_cited(user, av_rules.mask_basis)}"})
        else:
            included.append(item)
    return included, withheld


def _manifest(user: User, case: Case, purpose: str, department: str | None, extractor: str,
              items: list[MediaItem], withheld: list[dict[str, Any]], now: Any) -> dict[str, Any]:
    return {
        "format": "liuhen-export/1",
        "case": {"id": case.id, "title": case.title, "party_name": case.party_name},
        "purpose": purpose, "purpose_title": av_rules.EXPORT_PURPOSES[purpose], "department": department,
        "producer": {"id": user.id, "name": user.display_name}, "extractor": extractor,
        "extracted_at": now.isoformat(),
        "basis": ["naiman-culture 第十一条", "pishan-culture 第十九条"],
        "files": [{"path": _arcname(n, i), "media_id": i.id, "sha256": i.sha256, "size": i.size,
                   "file_name": i.file_name, "content_type": i.content_type, "recorded_by": i.recorded_by,
                   "officers": i.officers, "device_id": i.device_id, "started_at": i.started_at.isoformat(),
                   "ended_at": i.ended_at.isoformat(), "place": i.place, "late": i.late,
                   "interruptions": i.interruptions, "metadata_hash": i.row_hash}
                  for n, i in enumerate(items, 1)],
        "withheld": withheld,
        "verify": "unzip 包.zip -d 目录 && cd 目录 && sha256sum -c SHA256SUMS",
    }


def _arcname(n: int, item: MediaItem) -> str:
    return f"media/{n:03d}-{item.file_name}"


README = """留痕 音像记录导出包

校验（离线，无需本系统）：
  1. sha256sum 包.zip          —— 与系统审计记录中的 package_sha256 比对
  2. unzip 包.zip -d 目录 && cd 目录 && sha256sum -c SHA256SUMS
     —— 逐一核对音像文件、manifest.json、proofs.json、records.json（如有）的 SHA-256
  3. python3 verify_package.py 包.zip（或解压后的目录）
     —— 只用 Python 3 标准库：核对上述哈希；核对 proofs.json 中检查点的 Ed25519 签名；
        按条目内容重算每条封存审计条目的哈希，并以默克尔包含证明（RFC 6962）算到检查点的根哈希；
        核对每个音像文件的 SHA-256 和元数据哈希、（作为证据导出时）每条记录的哈希与封存的一致。
     检查点中的公钥须与执法机关公布的公钥或上级司法局见证的检查点副本一致，签名才证明来源。
manifest.json 载明制作人、提取人、提取时间、案件和用途（naiman-culture 第十一条、pishan-culture 第十九条）。
当事人导出包的 records.json 已遮蔽举报人等信息（naiman-culture 第十二条），其内容因此不能与封存的哈希比对。
"""


def _package(manifest: dict[str, Any], items: list[MediaItem], case: Case, purpose: str,
             bundle: dict[str, Any]) -> tuple[str, int]:
    """Write the zip (stored, not compressed: recordings do not shrink) and put it in the file store."""
    sums: list[str] = []
    # the six fields of an ISO 8601 date and time
    stamp = cast("tuple[int, int, int, int, int, int]",
                 tuple(int(x) for x in manifest["extracted_at"][:19].replace("T", "-").replace(":", "-").split("-")))
    with tempfile.TemporaryFile(dir=store.current().spool) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
            for entry, item in zip(manifest["files"], items, strict=False):
                info = zipfile.ZipInfo(entry["path"], date_time=stamp)
                with store.current().open(item.sha256) as src, zf.open(info, "w", force_zip64=True) as dst:
                    while piece := src.read(1 << 20):
                        dst.write(piece)
                sums.append(f"{item.sha256}  {entry['path']}")
            extras = {"manifest.json": json.dumps(manifest, ensure_ascii=False, indent=2).encode(),
                      "proofs.json": json.dumps(bundle, ensure_ascii=False, indent=2).encode(),
                      "verify_package.py": proofs.VERIFIER.read_bytes()}
            if purpose in ("party", "evidence"):
                records = _party_records(case) if purpose == "party" else _case_records(case)
                extras["records.json"] = json.dumps(records, ensure_ascii=False, indent=2).encode()
            for name, body in extras.items():
                zf.writestr(zipfile.ZipInfo(name, date_time=stamp), body)
                sums.append(f"{sha256_bytes(body)}  {name}")
            zf.writestr(zipfile.ZipInfo("SHA256SUMS", date_time=stamp), "\n".join(sums) + "\n")
            zf.writestr(zipfile.ZipInfo("README.txt", date_time=stamp), README)
        tmp.seek(0)
        return store.current().put(tmp)


def _case_records(case: Case) -> list[dict[str, Any]]:
    """The case's records as sealed (evidence for a court: each proven by ``proofs.json``)."""
    rows = db.session.scalars(select(Record).where(Record.case_id == case.id).order_by(Record.id))
    return [record_json(r) for r in rows]


def _party_records(case: Case) -> list[dict[str, Any]]:
    """The case's records as the party may see them: protected persons masked (naiman-culture 第十二条)."""
    rows = db.session.scalars(select(Record).where(Record.case_id == case.id).order_by(Record.id))
    return [{**record_json(r), "payload": av_rules.mask_for_party(r.payload), "content_hash": None} for r in rows]


def export_package(user: User, export_id: int) -> MediaExport:
    row = db.session.get(MediaExport, export_id)
    if row is None or row.agency_id != user.agency_id:
        raise NotFound(f"导出包 {export_id} 不存在")
    require_handler(user, get_case(row.case_id, user), "下载本案音像记录导出包")
    audit.append(row.agency_id, Action.MEDIA_EXPORT_DOWNLOADED, actor_id=user.id, case_id=row.case_id,
                 detail={"export_id": row.id, "package_sha256": row.package_sha256})
    db.session.commit()
    return row


def export_json(row: MediaExport) -> dict[str, Any]:
    return {"id": row.id, "case_id": row.case_id, "purpose": row.purpose, "department": row.department,
            "extractor": row.extractor, "producer_id": row.producer_id, "media_ids": row.media_ids,
            "package_sha256": row.package_sha256, "size": row.size, "at": row.at.isoformat(),
            "manifest": row.manifest}


def request_json(r: MediaRequest) -> dict[str, Any]:
    return {"id": r.id, "kind": r.kind, "title": REQUEST_KINDS[r.kind], "case_id": r.case_id, "sha256": r.sha256,
            "media_ids": r.media_ids, "department": r.department, "reason": r.reason,
            "requested_by": r.requested_by, "requested_at": r.requested_at.isoformat(), "status": r.status,
            "decided_by": r.decided_by, "decided_at": r.decided_at.isoformat() if r.decided_at else None,
            "decision_note": r.decision_note}


# --------------------------------------------------------------------------- verify

def verify_rows() -> list[audit.Break]:
    """The A/V tables both ways (:mod:`webapp.store.sealed`): each row matches its seal, each seal has its row."""
    return verify_sealed(MEDIA_TABLES)


def verify_files(rehash: set[str] | None = None) -> list[audit.Break]:
    """Every registered file is in the store (an approved disposal's bytes gone) and nothing unregistered is there;
    its hash is recomputed for every file, or with ``rehash`` (the incremental ``verify``) only for those named —
    the files of the rows new since the last verify that passed.  Bytes overwritten in an old file are then left to
    ``verify --full``, as an old row altered in place is (:func:`webapp.store.sealed.check_table`)."""
    disposed = set(db.session.scalars(select(FileDisposal.sha256)))
    present = None if rehash is None else set(store.current().all_hashes())
    out: list[Break] = []
    for f in db.session.scalars(select(StoredFile)).yield_per(1000):
        if rehash is None or present is None or f.sha256 in rehash:
            actual = store.current().hash_of(f.sha256)
        else:
            actual = f.sha256 if f.sha256 in present else None
        if f.sha256 in disposed:
            if actual is not None:
                out.append(Break(f"文件 {f.sha256}", "已批准销毁的文件仍在文件库中", f.agency_id))
        elif actual is None:
            out.append(Break(f"文件 {f.sha256}", "文件缺失", f.agency_id))
        elif actual != f.sha256:
            out.append(Break(f"文件 {f.sha256}", "文件内容被改动", f.agency_id))
    listed = iter(present if present is not None else store.current().all_hashes())
    while chunk := list(islice(listed, 1000)):  # looked up a thousand at a time: no set of every registered file
        known = set(db.session.scalars(select(StoredFile.sha256).where(StoredFile.sha256.in_(chunk))))
        out.extend(Break(f"文件 {h}", "文件库中有未登记的文件") for h in chunk if h not in known)
    return out
