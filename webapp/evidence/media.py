"""Audio/video evidence: resumable uploads hashed while written, the recordings' metadata, handover
deadlines, gaps and their explanations, long-term holds, and what a case shows of all that.

Access, approvals, disposal and export are in :mod:`webapp.media_access`.  The rules (deadlines,
types, retention) are pure functions in :mod:`handlers.av_rules`; this module applies them to rows.
"""
from __future__ import annotations

import datetime as dt
import os
import uuid
from typing import Any, BinaryIO, cast

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import or_, select

from handlers import av_rules, clock
from handlers.audit_actions import Action
from handlers.records.media import Explanation, Hold, UploadMeta
from handlers.settings import Settings
from webapp import store
from webapp.cases.service import get_case
from webapp.db import db
from webapp.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from webapp.evidence.expiry import expired_message
from webapp.models import (
    Agency,
    Case,
    CaseTask,
    FileDisposal,
    MediaExplanation,
    MediaItem,
    RetentionHold,
    UploadSession,
    User,
    seal,
)
from webapp.store import audit
from webapp.store.files import UPLOAD_DIGESTS

DEFAULT_MAX_MEDIA = 64 * 1024**3


class TooLarge(ServiceError):
    status, code = 413, "too_large"


def settings(agency_id: int) -> Settings:
    agency = db.session.get(Agency, agency_id)
    return agency.settings if agency else Settings()


def max_bytes(agency_id: int) -> int:
    """The installation's limit (``LIUHEN_MAX_MEDIA``), or the profile's ``av_max_bytes`` if smaller."""
    limit = int(current_app.config.get("LIUHEN_MAX_MEDIA") or os.environ.get("LIUHEN_MAX_MEDIA") or DEFAULT_MAX_MEDIA)
    own = settings(agency_id).av_max_bytes
    return min(limit, int(own)) if own else limit


def sealed(table: str, row: Any) -> dict[str, Any]:
    """The audit detail that seals a new append-only row, read back by :func:`verify_rows`."""
    return {"sealed": {"table": table, "id": row.id, "hash": row.row_hash}}


# --------------------------------------------------------------------------- uploads


def start_upload(user: User, data: Any) -> UploadSession:
    if not user.has_role("officer"):
        raise Forbidden("只有执法人员可以移交音像记录")
    if not isinstance(data, dict):
        raise Invalid("请求体须为 JSON 对象")
    if data.get("size") == 0:
        raise Invalid("文件为空（0 字节），不能作为音像记录保存", fields={"size": ["文件为空"]})
    try:
        meta = UploadMeta().load(data)
    except ValidationError as exc:
        raise Invalid("音像记录信息填写有误，未开始上传", fields=exc.normalized_messages()) from exc
    case = get_case(meta["case_id"], user)
    if problem := av_rules.device_check_refusal(settings(case.agency_id), meta):
        raise Invalid(f"{problem}，未开始上传", fields={"device_checked": [problem]})
    limit = max_bytes(case.agency_id)
    if meta["size"] > limit:
        raise TooLarge(f"文件大小 {meta['size']} 字节超过上限 {limit} 字节，未开始上传", limit=limit)
    if meta.get("task_id") and db.session.scalar(
            select(CaseTask).where(CaseTask.case_id == case.id, CaseTask.id == meta["task_id"])) is None:
        raise Invalid(f"案件 {case.id} 中没有任务 {meta['task_id']}", fields={"task_id": ["无此任务"]})
    session = UploadSession(id=uuid.uuid4().hex, agency_id=case.agency_id, case_id=case.id, user_id=user.id,
                            content_type=meta["content_type"], size=meta["size"], received=0,
                            meta=UploadMeta().dump(meta), state="open", created_at=clock.now(),
                            updated_at=clock.now())
    db.session.add(session)
    db.session.commit()
    return session


def _session(user: User, upload_id: str, *, lock: bool = False) -> UploadSession:
    session = db.session.get(UploadSession, upload_id, with_for_update=lock or None, populate_existing=True)
    if session is None or session.agency_id != user.agency_id:
        raise NotFound(f"上传 {upload_id} 不存在")
    if session.user_id != user.id:
        raise Forbidden("只能由发起上传的执法人员续传")
    return session


def upload_json(s: UploadSession) -> dict[str, Any]:
    return {"id": s.id, "case_id": s.case_id, "size": s.size, "received": s.received, "state": s.state,
            "media_id": s.media_id, "content_type": s.content_type}


def upload_status(user: User, upload_id: str) -> dict[str, Any]:
    """Where to resume: the bytes safely received (never more than the partial file holds)."""
    s = _session(user, upload_id)
    if s.state != "open":
        return upload_json(s)
    return {**upload_json(s), "received": min(s.received, store.current().partial(s.id).size())}


def put_chunk(user: User, upload_id: str, offset: int, stream: BinaryIO) -> dict[str, Any]:
    """Append one chunk at ``offset``.  A retried chunk with the same bytes is accepted once; a gap or
    a different chunk at a received offset is a conflict that tells the client where to resume."""
    partial = store.current().partial(upload_id)
    _open(_session(user, upload_id), "不能再追加")  # before the lock too: a closed upload leaves no lock file
    with partial.locked():
        s = _open(_session(user, upload_id, lock=True), "不能再追加")
        received = min(s.received, partial.size())
        if offset < received:
            if partial.same_bytes(offset, stream):
                db.session.rollback()
                return {**upload_json(s), "received": received, "repeated": True}
            raise Conflict(f"第 {offset} 字节起的内容与已接收的不同；请从第 {received} 字节续传", received=received)
        if offset > received:
            raise Conflict(f"应从第 {received} 字节续传，收到的分段从第 {offset} 字节开始", received=received)
        digest = UPLOAD_DIGESTS.take(s.id, received, partial)
        try:
            written = partial.append(received, stream, digest, s.size)
        except ValueError as exc:
            raise TooLarge(f"{exc}，该分段未保存", received=received) from exc
        if received < av_rules.MAGIC_BYTES_NEEDED and (problem := _type_problem(s, partial, received + written)):
            s.state = "refused"
            db.session.commit()
            partial.discard()
            raise Invalid(f"{problem}，已拒收", fields={"content_type": [problem]})
        s.received, s.updated_at = received + written, clock.now()
        db.session.commit()
        UPLOAD_DIGESTS.keep(s.id, s.received, digest)
        return upload_json(s)


def _open(s: UploadSession, what: str) -> UploadSession:
    """The upload if it still takes bytes; else a conflict saying why not and what the officer should do."""
    if s.state == "open":
        return s
    if s.state == "expired":
        raise Conflict(expired_message(s), state=s.state)
    if s.state == "refused":
        raise Conflict(f"上传 {s.id} 已因文件内容与声明的类型不符被拒收，{what}；请重新发起上传", state=s.state)
    raise Conflict(f"上传 {s.id} 已完成，{what}", state=s.state)


def _type_problem(s: UploadSession, partial: Any, received: int) -> str | None:
    if received < min(av_rules.MAGIC_BYTES_NEEDED, s.size):
        return None
    return av_rules.type_mismatch(s.content_type, partial.head(av_rules.MAGIC_BYTES_NEEDED))


def finish_upload(user: User, upload_id: str) -> tuple[MediaItem, bool]:
    """Seal the upload: hash, move into the store (same bytes once), metadata row, handover verdict.

    Returns the recording and whether it was already there (the same bytes handed over again for the case).
    """
    partial = store.current().partial(upload_id)
    if (item := _finished(_session(user, upload_id))) is not None:  # before the lock: leave no lock file
        return item, True
    with partial.locked():
        s = _session(user, upload_id, lock=True)
        if (item := _finished(s)) is not None:
            return item, True
        if s.received != s.size or partial.size() < s.size:
            raise Conflict(f"尚未传完：已收到 {min(s.received, partial.size())} / {s.size} 字节，请续传",
                           received=min(s.received, partial.size()))
        problem = av_rules.type_mismatch(s.content_type, partial.head(av_rules.MAGIC_BYTES_NEEDED))
        if problem:
            raise Invalid(problem, fields={"content_type": [problem]})
        sha = UPLOAD_DIGESTS.take(s.id, s.size, partial).hexdigest()
        store.current().adopt(partial, sha)
        item, repeated = _register(user, s, sha)
        s.state, s.media_id, s.updated_at = "done", item.id, clock.now()
        db.session.commit()
        UPLOAD_DIGESTS.drop(s.id)
        partial.discard()
        return item, repeated


def _finished(s: UploadSession) -> MediaItem | None:
    """The recording of an upload already finished (a retried finish); a conflict if the upload is closed."""
    if s.state == "done":
        db.session.rollback()
        return db.session.get(MediaItem, s.media_id)
    _open(s, "不能完成")
    return None


def _register(user: User, s: UploadSession, sha: str) -> tuple[MediaItem, bool]:
    meta = UploadMeta().load(s.meta)
    store.register(sha, s.size, content_type=s.content_type, name=_name(s, meta), agency_id=s.agency_id,
                   user_id=user.id)
    existing = db.session.scalar(select(MediaItem).where(MediaItem.case_id == s.case_id, MediaItem.sha256 == sha))
    if existing is not None:
        return existing, True
    item = _new_item(user, s, sha, meta)
    db.session.add(item)
    db.session.flush()
    audit.append(s.agency_id, Action.MEDIA_UPLOADED, actor_id=user.id, case_id=s.case_id,
                 detail={"media_id": item.id, "sha256": sha, "size": s.size, "file_name": item.file_name,
                         "late": item.late, "handover_due_at": item.handover_due_at.isoformat(),
                         "device_checked": bool(meta.get("device_checked")), **sealed("media_items", item)})
    return item, False


def _cause(s: UploadSession, meta: dict[str, Any]) -> str:
    """The 案由 the recording is filed under: as given, else the case's title (an upload's case exists)."""
    return str(meta.get("cause") or cast(Case, db.session.get(Case, s.case_id)).title)


def _name(s: UploadSession, meta: dict[str, Any]) -> str:
    return av_rules.file_name(meta["recorded_by"], _cause(s, meta), s.content_type)


def _new_item(user: User, s: UploadSession, sha: str, meta: dict[str, Any]) -> MediaItem:
    prof, now = settings(s.agency_id), clock.now()
    handover = av_rules.handover_deadline(meta["ended_at"], prof, returned_at=meta.get("returned_at"),
                                          remote_reason=meta.get("remote_reason"))
    cause = _cause(s, meta)
    item = MediaItem(
        agency_id=s.agency_id, case_id=s.case_id, task_id=meta.get("task_id"), sha256=sha, size=s.size,
        content_type=s.content_type, media_kind=av_rules.media_kind(s.content_type), file_name=_name(s, meta),
        cause=cause, recorded_by=meta["recorded_by"], officers=list(meta["officers"]), device_id=meta["device_id"],
        started_at=meta["started_at"], ended_at=meta["ended_at"], place=meta["place"],
        confidentiality=meta.get("confidentiality") or "none", protected_persons=bool(meta.get("protected_persons")),
        interruptions=s.meta.get("interruptions") or [], incomplete=bool(meta.get("incomplete")),
        remote_reason=meta.get("remote_reason"), returned_at=meta.get("returned_at"),
        handover_due_at=handover.due_at, handover_rule=handover.rule + (f"（{'、'.join(handover.basis)}）" if handover.basis else ""),
        late=handover.late(now), retention_months=prof.av_retention_months, uploaded_by=user.id,
        uploaded_at=now)
    return seal(item)


# --------------------------------------------------------------------------- gaps and holds


def media_item(user: User, media_id: int) -> MediaItem:
    item = db.session.get(MediaItem, media_id)
    if item is None or item.agency_id != user.agency_id:
        raise NotFound(f"音像记录 {media_id} 不存在")
    get_case(item.case_id, user)
    return item


def add_explanation(user: User, media_id: int, data: Any) -> MediaExplanation:
    item = media_item(user, media_id)
    try:
        body = Explanation().load(data if isinstance(data, dict) else {})
    except ValidationError as exc:
        raise Invalid("工作情况说明填写有误，未保存", fields=exc.normalized_messages()) from exc
    voice = body.get("voice_sha256")
    if voice and not store.current().exists(voice):
        raise Invalid("语音说明文件不在记录库中，请先上传", fields={"voice_sha256": ["文件不存在"]})
    row = seal(MediaExplanation(agency_id=item.agency_id, case_id=item.case_id, media_id=item.id, form=body["form"],
                                text=body["text"], voice_sha256=voice, author_id=user.id, at=clock.now()))
    db.session.add(row)
    db.session.flush()
    audit.append(item.agency_id, Action.MEDIA_EXPLAINED, actor_id=user.id, case_id=item.case_id,
                 detail={"media_id": item.id, "form": row.form, **sealed("media_explanations", row)})
    db.session.commit()
    return row


def add_hold(user: User, case_id: int, media_id: int | None, data: Any) -> RetentionHold:
    """Mark a recording (or every recording of a case) for long-term retention (pishan-culture 第二十条)."""
    case = get_case(case_id, user)
    if media_id is not None and media_item(user, media_id).case_id != case.id:
        raise NotFound(f"案件 {case.id} 中没有音像记录 {media_id}")
    try:
        body = Hold().load(data if isinstance(data, dict) else {})
    except ValidationError as exc:
        raise Invalid("长期保存情形填写有误，未保存", fields=exc.normalized_messages()) from exc
    return _hold(user, case.agency_id, case.id, media_id, body["trigger"], body["note"])


def _hold(user: User, agency_id: int, case_id: int, media_id: int | None, trigger: str, note: str) -> RetentionHold:
    row = seal(RetentionHold(agency_id=agency_id, case_id=case_id, media_id=media_id, trigger=trigger, note=note,
                             author_id=user.id, at=clock.now()))
    db.session.add(row)
    db.session.flush()
    audit.append(agency_id, Action.MEDIA_HELD, actor_id=user.id, case_id=case_id,
                 detail={"media_id": media_id, "trigger": trigger, **sealed("media_holds", row)})
    db.session.commit()
    return row


def holds_of(item: MediaItem) -> list[str]:
    return list(db.session.scalars(select(RetentionHold.trigger).where(
        RetentionHold.case_id == item.case_id,
        or_(RetentionHold.media_id.is_(None), RetentionHold.media_id == item.id))))


def retention_until(item: MediaItem) -> dt.datetime:
    return av_rules.retention_until(item.uploaded_at, item.retention_months)


def _explained(item: MediaItem) -> bool:
    return db.session.scalar(select(MediaExplanation.id).where(MediaExplanation.media_id == item.id).limit(1)) \
        is not None


def item_json(item: MediaItem) -> dict[str, Any]:
    gap = bool(item.interruptions) or item.incomplete
    holds = holds_of(item)
    disposal = disposal_of(item.sha256)
    return {
        "id": item.id, "case_id": item.case_id, "task_id": item.task_id, "sha256": item.sha256, "size": item.size,
        "content_type": item.content_type, "media_kind": item.media_kind, "file_name": item.file_name,
        "cause": item.cause, "recorded_by": item.recorded_by, "officers": item.officers, "device_id": item.device_id,
        "started_at": item.started_at.isoformat(), "ended_at": item.ended_at.isoformat(), "place": item.place,
        "confidentiality": item.confidentiality,
        "confidentiality_title": av_rules.CONFIDENTIALITY[item.confidentiality].title,
        "protected_persons": item.protected_persons, "interruptions": item.interruptions,
        "incomplete": item.incomplete, "gap": gap, "gap_explained": _explained(item) if gap else None,
        "remote_reason": item.remote_reason, "returned_at": item.returned_at.isoformat() if item.returned_at else None,
        "handover_due_at": item.handover_due_at.isoformat(), "handover_rule": item.handover_rule,
        "late": item.late, "uploaded_by": item.uploaded_by, "uploaded_at": item.uploaded_at.isoformat(),
        "retention_until": None if holds else retention_until(item).isoformat(),
        "long_term": sorted(set(holds)), "disposed_at": disposal.disposed_at.isoformat() if disposal else None,
        "row_hash": item.row_hash,
    }


def case_media(user: User, case_id: int) -> dict[str, Any]:
    """The case's recordings with what a supervisor must see at once: late handovers and unexplained gaps."""
    case = get_case(case_id, user)
    items = [item_json(i) for i in db.session.scalars(
        select(MediaItem).where(MediaItem.case_id == case.id).order_by(MediaItem.id))]
    flags = [{"media_id": i["id"], "flag": "late",
              "message": f"音像记录“{i['file_name']}”逾期移交：应于 {i['handover_due_at']} 前移交（{i['handover_rule']}）"}
             for i in items if i["late"]]
    flags += [{"media_id": i["id"], "flag": "gap_unexplained" if not i["gap_explained"] else "gap",
               "message": f"音像记录“{i['file_name']}”记录中断或不完整"
                          + ("，尚无工作情况说明（naiman-culture 第十条、pishan-culture 第十九条）"
                             if not i["gap_explained"] else "，已有情况说明")}
              for i in items if i["gap"]]
    explanations = db.session.scalars(select(MediaExplanation).where(MediaExplanation.case_id == case.id)
                                      .order_by(MediaExplanation.id))
    holds = db.session.scalars(select(RetentionHold).where(RetentionHold.case_id == case.id).order_by(RetentionHold.id))
    return {
        "case_id": case.id, "items": items, "flags": flags,
        "explanations": [{"id": e.id, "media_id": e.media_id, "form": e.form, "text": e.text,
                          "voice_sha256": e.voice_sha256, "author_id": e.author_id, "at": e.at.isoformat()}
                         for e in explanations],
        "holds": [{"id": h.id, "media_id": h.media_id, "trigger": h.trigger,
                   "title": av_rules.HOLD_TRIGGERS[h.trigger], "note": h.note, "at": h.at.isoformat()}
                  for h in holds],
    }


def figures(agency_id: int) -> dict[str, Any]:
    """Supervision figures: recordings handed over, late handovers (by officer), gaps, explanations."""
    items = list(db.session.scalars(select(MediaItem).where(MediaItem.agency_id == agency_id)))
    late_by: dict[str, int] = {}
    for i in items:
        if i.late:
            late_by[i.recorded_by] = late_by.get(i.recorded_by, 0) + 1
    gaps = [i for i in items if i.interruptions or i.incomplete]
    return {"recordings": len(items), "bytes": sum(i.size for i in items), "late": sum(late_by.values()),
            "late_by_officer": late_by, "late_cases": sorted({i.case_id for i in items if i.late}),
            "gaps": len(gaps), "gaps_unexplained": sum(1 for i in gaps if not _explained(i))}


def disposal_of(sha256: str) -> FileDisposal | None:
    return db.session.scalar(select(FileDisposal).where(FileDisposal.sha256 == sha256))
