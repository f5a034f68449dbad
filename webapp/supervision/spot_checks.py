"""The 检查台账 (naiman-culture 第十四条): recording spot checks and follow-ups, listing the ledger, its figures.

A check is made by the agency's 法制工作机构 or its head (``CHECKER_ROLES``), never by an officer of
the recording or case it checks: the article has the 执法局 check its officers' conduct, which a
self-check is not.  "Officer of" means the recording's uploader or a person named on it, the case's
creator, or whoever completed one of the case's 承办人 steps.  Every entry is sealed in the agency's
audit chain with its whole content.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from handlers.audit_actions import Action
from handlers.spot_checks import BASIS, CHECKER_BASIS, CHECKER_ROLES, FINDINGS, PROBLEM, SpotCheckInput, explain
from webapp.db import db
from webapp.errors import Conflict, Forbidden, Invalid, NotFound
from webapp.models import Case, CaseTask, MediaItem, SpotCheck, User, in_window
from webapp.paging import PER_PAGE, Page, clamp, id_value, page_number
from webapp.store import audit

RECENT = 20


def record(user: User, data: Mapping[str, Any]) -> SpotCheck:
    """Add one entry to the ledger (a check, or the follow-up of a check that found 存在问题)."""
    if not user.has_any(*CHECKER_ROLES):
        raise Forbidden(f"只有法制审核人员或负责人可以登记抽检（{CHECKER_BASIS}；{BASIS}）")
    try:
        d = SpotCheckInput().load(dict(data))
    except ValidationError as exc:
        raise Invalid(f"检查台账填写有误，未保存：{explain(exc)}", fields=exc.normalized_messages()) from exc
    earlier = _earlier(user, d.get("follow_up_of"))
    media = _media(user, d.get("media_id") or (earlier.media_id if earlier else None))
    case = _case(user, d, media, earlier)
    _independent(user, case, media)
    row = SpotCheck(agency_id=user.agency_id, case_id=case.id, media_id=media.id if media else None,
                    checker_id=user.id, aspects=d["aspects"], finding=d["finding"], note=(d.get("note") or "").strip(),
                    rectification=(d.get("rectification") or "").strip() or None, follow_up_of=d.get("follow_up_of"))
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(f"检查 {d.get('follow_up_of')} 已有复查记录，请对最新的复查记录再行复查") from exc
    audit.append(user.agency_id, Action.SPOT_CHECK_RECORDED, actor_id=user.id, case_id=case.id,
                 detail={**spot_check_json(row), "basis": BASIS})
    return row


def _earlier(user: User, check_id: int | None) -> SpotCheck | None:
    if check_id is None:
        return None
    earlier = db.session.get(SpotCheck, check_id)
    if earlier is None or earlier.agency_id != user.agency_id:
        raise NotFound(f"检查台账中没有编号为 {check_id} 的检查")
    if earlier.finding != PROBLEM:
        raise Invalid(f"检查 {check_id} 的结论为“{earlier.finding}”，无须复查；复查针对结论为“存在问题”的检查（{BASIS}）")
    if db.session.scalar(select(exists().where(SpotCheck.follow_up_of == check_id))):
        raise Conflict(f"检查 {check_id} 已有复查记录，请对最新的复查记录再行复查")
    return earlier


def _media(user: User, media_id: int | None) -> MediaItem | None:
    if media_id is None:
        return None
    item = db.session.get(MediaItem, media_id)
    if item is None or item.agency_id != user.agency_id:
        raise NotFound(f"本机关没有编号为 {media_id} 的音像记录")
    return item


def _case(user: User, d: Mapping[str, Any], media: MediaItem | None, earlier: SpotCheck | None) -> Case:
    """The case checked: the earlier check's, else the recording's, else the one named; they must agree."""
    named = d.get("case_id")
    case_id = earlier.case_id if earlier else media.case_id if media else named
    if named is not None and named != case_id:
        raise Invalid(f"案件编号 {named} 与所抽检的音像记录或被复查的检查所属案件（{case_id}）不一致")
    if earlier and media and earlier.media_id not in (None, media.id):
        raise Invalid(f"复查的对象应与检查 {earlier.id} 相同（音像记录 {earlier.media_id}）")
    case = db.session.get(Case, case_id)
    if case is None or case.agency_id != user.agency_id:
        raise NotFound(f"本机关没有编号为 {case_id} 的案件")
    return case


def _person(user: User) -> str:
    """The user's name without the role in brackets (demo names read ``张明（承办人）``)."""
    return re.split(r"[（(]", user.display_name, maxsplit=1)[0].strip()


def _independent(user: User, case: Case, media: MediaItem | None) -> None:
    items = [media] if media else list(db.session.scalars(select(MediaItem).where(MediaItem.case_id == case.id)))
    own = any(m.uploaded_by == user.id or _person(user) in {m.recorded_by, *(m.officers or [])} for m in items)
    own = own or case.created_by == user.id or bool(db.session.scalar(select(exists().where(
        CaseTask.case_id == case.id, CaseTask.role == "officer", CaseTask.completed_by == user.id))))
    if own:
        what = f"音像记录 {media.id}" if media else f"案件 {case.id}"
        raise Forbidden(f"您是{what}的执法人员，不能抽检本人的执法记录，请由其他检查人员检查（{BASIS}：由执法局对执法人员进行抽检）")


def ledger(agency_id: int, filters: Mapping[str, Any] | None = None) -> Any:
    """The ledger's query, newest first, narrowed by 结论, 检查人, 案件 and 待整改 (open rectifications only)."""
    f = filters or {}
    checker = aliased(User)
    q = (select(SpotCheck, checker.display_name, Case.title).join(checker, checker.id == SpotCheck.checker_id)
         .join(Case, Case.id == SpotCheck.case_id).where(SpotCheck.agency_id == agency_id)
         .order_by(SpotCheck.at.desc(), SpotCheck.id.desc()))
    if f.get("finding") in FINDINGS:
        q = q.where(SpotCheck.finding == f["finding"])
    if (checker_id := id_value(f.get("checker"))) is not None:
        q = q.where(SpotCheck.checker_id == checker_id)
    if (case_id := id_value(f.get("case_id"))) is not None:
        q = q.where(SpotCheck.case_id == case_id)
    if f.get("open") in ("1", True):
        q = q.where(SpotCheck.finding == PROBLEM, ~_followed_up())
    return q


def _followed_up() -> Any:
    later = aliased(SpotCheck)
    return exists().where(later.follow_up_of == SpotCheck.id)


def spot_check_json(row: SpotCheck, checker: str | None = None, case_title: str | None = None,
                    followed_up_by: int | None = None) -> dict[str, Any]:
    out = {"id": row.id, "case_id": row.case_id, "media_id": row.media_id, "checker_id": row.checker_id,
           "at": row.at.isoformat(), "aspects": list(row.aspects), "finding": row.finding, "note": row.note,
           "rectification": row.rectification, "follow_up_of": row.follow_up_of}
    if checker is not None:
        out.update(checker=checker, case_title=case_title, followed_up_by=followed_up_by)
    return out


def rows_json(rows: list[tuple[SpotCheck, str, str]]) -> list[dict[str, Any]]:
    """Ledger rows with the checker's name, the case's title and the follow-up that answered each, if any."""
    ids = [r.id for r, _, _ in rows]
    answers = dict(db.session.execute(select(SpotCheck.follow_up_of, SpotCheck.id)
                                      .where(SpotCheck.follow_up_of.in_(ids))).all()) if ids else {}
    return [spot_check_json(r, name, title, answers.get(r.id)) for r, name, title in rows]


def figures(agency_id: int, window: tuple[dt.datetime, dt.datetime] | None = None) -> dict[str, Any]:
    """The ledger's summary for the supervision page: entries by finding, open rectifications, the newest entries;
    with a ``window``, of the checks made in it (the supervision page's period)."""
    made = (SpotCheck.agency_id == agency_id, *in_window(SpotCheck.at, window))
    by = dict(db.session.execute(select(SpotCheck.finding, func.count()).where(*made)
                                 .group_by(SpotCheck.finding)).all())
    open_ = db.session.scalar(select(func.count()).select_from(SpotCheck).where(
        *made, SpotCheck.finding == PROBLEM, ~_followed_up())) or 0
    recent = db.session.execute(ledger(agency_id).where(*made).limit(RECENT)).all()
    return {"total": sum(by.values()), "by_finding": {f: by.get(f, 0) for f in FINDINGS},
            "open_rectifications": open_, "basis": BASIS, "recent": rows_json([tuple(r) for r in recent])}


def ledger_page(agency_id: int, args: Mapping[str, str]) -> Page:
    """One page (the request's ``page``) of the ledger, newest first, as JSON-ready rows."""
    q = ledger(agency_id, args)
    total = db.session.scalar(select(func.count()).select_from(q.order_by(None).subquery())) or 0
    n, pages = clamp(page_number(), total)
    rows = [tuple(r) for r in db.session.execute(q.limit(PER_PAGE).offset((n - 1) * PER_PAGE))]
    return Page(rows_json(rows), n, pages, total)
