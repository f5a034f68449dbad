"""The accountability list (责任追究, fushun-culture 第三十五条) as far as the data can show it.

Detected:
- 应记录而未记录 (（一）不制作或不按要求制作执法全过程记录): completed steps that had to be recorded and have
  neither a recording nor the written reason; completed steps missing a record their rules require;
  recordings handed over after the limit (fushun-culture 第三十一条).  Read live from the 案卷评查 rows
  and the A/V register.
- 泄露 (（二）): what the audit trail and the export register show — a party's export containing a
  recording that may not go to a party (secret level, protected persons; naiman-culture 第十二条), a copy for
  another department without the head's approved request (pishan-culture 第十九条、第二十条), a 国家秘密
  recording viewed or downloaded without the head's approval, a recording opened by a user of another
  agency.  The service refuses all of these, so a finding means the service was bypassed.
- 篡改/删除 (（三）): audit chain breaks, records, A/V rows or files whose hashes no longer match, files
  that appeared in the store unregistered — the findings of ``flask liuhen verify`` (audit.verify_chains,
  audit.verify_records, media_access.verify_rows, media_access.verify_files).
- 丢失 (（四）): stored files missing from the store (verify_files).
- 其他 (（五）): a file whose disposal was approved still in the store.

Not detectable from the data: leaks outside the system (copies taken from a screen, paper, word of mouth),
recordings never brought to the system for steps that did not require one, and tampering rewritten
consistently up to the chain head (only an external copy of the head can show that).

Verifying rehashes every file and walks every chain, far too slow for a page: ``flask liuhen verify`` runs
it and stores each agency's findings (``integrity_checks``, sealed by an ``integrity.checked`` audit
entry); the page shows the latest stored result with its time.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import and_, func, select

from handlers import av_rules, clock, merkle
from handlers.audit_actions import Action
from handlers.case_review import china
from webapp.db import db
from webapp.errors import Forbidden, Invalid
from webapp.evidence import access as media_access
from webapp.models import (
    Agency,
    AuditEntry,
    AuditHead,
    Case,
    IntegrityCheck,
    MediaExport,
    MediaItem,
    MediaRequest,
    RenderJob,
    StepReview,
    User,
    Window,
    in_window,
)
from webapp.store import audit, checkpoints, sealed
from webapp.store.keys import keyring
from webapp.store.s3 import STORAGE_ERRORS
from webapp.store.tree import stored_leaves

ARTICLE = "fushun-culture 第三十五条"
CATEGORIES = {
    "应记录而未记录": (f"{ARTICLE}（一）", "不制作或不按要求制作执法全过程记录"),
    "泄露": (f"{ARTICLE}（二）", "违反规定泄露执法记录信息"),
    "篡改/删除": (f"{ARTICLE}（三）", "故意毁损，随意删除、修改执法全过程中文字或音像记录信息"),
    "丢失": (f"{ARTICLE}（四）", "不按规定储存或维护致使执法记录损毁、丢失"),
    "其他": (f"{ARTICLE}（五）", "其他违反执法全过程记录规定"),
}
VERIFY = "完整性校验"
OTHER_SEALED = tuple(t.table for t in sealed.TABLES if t.table != "records" and t.table not in sealed.MEDIA_TABLES)
SEALED_SOURCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("记录哈希校验", ("records",)), ("音像记录元数据校验", sealed.MEDIA_TABLES), ("封存行校验", OTHER_SEALED))
MARKS = "watermarks"  # in each ``integrity.checked`` entry: the sealed tables' watermarks (:class:`sealed.Mark`)
MEDIA_ACTIONS = (Action.MEDIA_VIEWED, Action.MEDIA_DOWNLOADED, Action.MEDIA_EXPORTED, Action.MEDIA_EXPORT_DOWNLOADED)
ITEM_LIMIT = 200
_SHA = re.compile(r"[0-9a-f]{64}")


def basis(category: str, *more: str | None) -> str:
    return "；".join([CATEGORIES[category][0], *(m for m in more if m)])


@dataclass(frozen=True)
class Finding:
    category: str
    agency_id: int | None
    case_id: int | None
    what: str
    detected_by: str
    basis: str
    at: dt.datetime | None = None

    def item(self, checked_at: dt.datetime) -> dict[str, Any]:
        return {"category": self.category, "case_id": self.case_id, "what": self.what,
                "detected_by": self.detected_by, "at": (self.at or checked_at).isoformat(), "basis": self.basis}


# --------------------------------------------------------------------------- the stored check


def _owners(b: audit.Break) -> list[tuple[int | None, int | None]]:
    """(agency, case) of every recording held in a file (the same bytes are stored once for all of them)."""
    sha = _SHA.search(b.where)
    rows = db.session.execute(select(MediaItem.agency_id, MediaItem.case_id).distinct()
                              .where(MediaItem.sha256 == sha.group(0))).all() if sha else []
    return [(agency_id, case_id) for agency_id, case_id in rows] or [(b.agency_id, b.case_id)]


def _from_break(source: str, b: audit.Break) -> list[Finding]:
    if source != "文件库校验":
        return [Finding("篡改/删除", b.agency_id, b.case_id, str(b), f"{source}（{VERIFY}）", basis("篡改/删除"))]
    category = "丢失" if "缺失" in b.problem else "其他" if "销毁" in b.problem else "篡改/删除"
    return [Finding(category, agency_id, case_id, str(b), f"{source}（{VERIFY}）", basis(category))
            for agency_id, case_id in _owners(b)]


def _articles(agency_id: int | None, articles: Callable[..., tuple[str, ...]], *args: Any) -> str:
    """The articles (code form) of the agency's own rules that ``articles`` reads (:mod:`handlers.av_rules`), none where
    its regulation has no such rule: a finding is cited from the agency's regulation, never a county named here."""
    agency = db.session.get(Agency, agency_id) if agency_id is not None else None
    return "、".join(articles(agency.settings, *args)) if agency else ""


def _approved_requests(kind: str) -> list[MediaRequest]:
    """Requests of ``kind`` the head approved (an approved copy request becomes ``used`` by its export)."""
    return list(db.session.scalars(select(MediaRequest).where(MediaRequest.kind == kind,
                                                             MediaRequest.status.in_(("approved", "used")))))


def _export_leaks() -> Iterator[Finding]:
    requests: dict[int | None, MediaRequest] = {r.id: r for r in _approved_requests("copy_external")}
    for ex in db.session.scalars(select(MediaExport).order_by(MediaExport.id)).yield_per(500):
        if ex.purpose == "department":
            req = requests.get(ex.request_id)
            if req is None or req.department != ex.department or not set(ex.media_ids) <= set(req.media_ids):
                yield Finding("泄露", ex.agency_id, ex.case_id,
                              f"导出包 {ex.id} 为“{ex.department}”复制音像记录，无本单位负责人批准的调取申请",
                              f"导出登记分析（{VERIFY}）", basis("泄露", _articles(
                                  ex.agency_id, av_rules.articles, media_access.COPY_ACTS["department"], "access")), ex.at)
        if ex.purpose != "party":
            continue
        for item in db.session.scalars(select(MediaItem).where(MediaItem.id.in_(ex.media_ids))):
            level = av_rules.CONFIDENTIALITY[item.confidentiality]
            why = (f"密级“{level.title}”" if not level.party_export
                   else "录有举报人、投诉人或第三人" if item.protected_persons else None)
            if why:
                yield Finding("泄露", ex.agency_id, ex.case_id,
                              f"当事人导出包 {ex.id} 含不应提供给当事人的音像记录“{item.file_name}”（{why}）",
                              f"导出登记分析（{VERIFY}）", basis("泄露", _articles(ex.agency_id, av_rules.mask_basis)), ex.at)


def _view_leaks() -> Iterator[Finding]:
    secret = [k for k, level in av_rules.CONFIDENTIALITY.items() if level.view_needs_approval]
    items: dict[int | None, MediaItem] = {
        i.id: i for i in db.session.scalars(select(MediaItem).where(MediaItem.confidentiality.in_(secret)))}
    approved = {(r.requested_by, m) for r in _approved_requests("view_secret") for m in r.media_ids or []}
    entries = select(AuditEntry).where(AuditEntry.action.in_((Action.MEDIA_VIEWED, Action.MEDIA_DOWNLOADED)))
    for e in db.session.scalars(entries).yield_per(1000) if items else ():
        item = items.get((e.detail or {}).get("media_id"))
        if item is not None and (e.actor_id, item.id) not in approved:
            level = av_rules.CONFIDENTIALITY[item.confidentiality]
            yield Finding("泄露", e.agency_id, e.case_id,
                          f"用户 {e.actor_id} 未经负责人批准{'下载' if e.action == Action.MEDIA_DOWNLOADED else '查阅'}"
                          f"“{level.title}”音像记录“{item.file_name}”（审计链第 {e.seq} 条）",
                          f"审计记录分析（{VERIFY}）", basis("泄露", _articles(e.agency_id, av_rules.level_basis, level)), e.at)


def _foreign_actors() -> Iterator[Finding]:
    rows = db.session.execute(select(AuditEntry, User.agency_id).join(User, User.id == AuditEntry.actor_id).where(
        AuditEntry.action.in_(MEDIA_ACTIONS), User.agency_id != AuditEntry.agency_id))
    for e, other in rows:
        yield Finding("泄露", e.agency_id, e.case_id,
                      f"机构 {other} 的用户 {e.actor_id} 取得本机构音像记录（{e.action}，审计链第 {e.seq} 条）",
                      f"审计记录分析（{VERIFY}）", basis("泄露", _articles(e.agency_id, av_rules.articles, av_rules.VIEW_ACT, "access")), e.at)


def _safely(name: str, check: Callable[[], list[audit.Break]]) -> list[audit.Break]:
    """A check that meets data it cannot read reports that as a finding instead of crashing ``verify``."""
    try:
        return check()
    except STORAGE_ERRORS:
        raise
    except Exception as exc:  # noqa: BLE001 - bad data must be named, never a traceback
        db.session.rollback()
        return [audit.Break(name, f"校验无法完成，数据异常：{type(exc).__name__}: {exc}"[:500])]


def _chains(full: bool) -> list[audit.ChainResult]:
    try:
        return audit.verify_all(full)
    except STORAGE_ERRORS:
        raise
    except Exception as exc:  # noqa: BLE001 - as in _safely
        db.session.rollback()
        return [audit.ChainResult(0, [audit.Break("审计链校验", f"校验无法完成，数据异常：{type(exc).__name__}: {exc}"[:500])])]


def _stale_renders() -> Iterator[Finding]:
    """文书 queued longer than ``LIUHEN_RENDER_STALE_MINUTES`` (a crash, a failing template): nothing may wait unseen."""
    minutes = float(current_app.config.get("LIUHEN_RENDER_STALE_MINUTES", 30))
    cutoff = clock.now() - dt.timedelta(minutes=minutes)
    for job in db.session.scalars(select(RenderJob).where(RenderJob.document_id.is_(None),
                                                          RenderJob.requested_at < cutoff).order_by(RenderJob.id)):
        why = f"，最近一次失败：{job.last_error}" if job.last_error else ""
        yield Finding("其他", job.agency_id, job.case_id,
                      f"文书 {job.kind}（任务“{job.task_title}”，排队 {job.id}）自 {china(job.requested_at)} 起排队超过 "
                      f"{minutes:g} 分钟仍未制作（已尝试 {job.attempts} 次{why}）", f"文书排队检查（{VERIFY}）",
                      basis("其他"), job.requested_at)


@dataclass
class Verification:
    """One run of the checks: the findings, each chain's result, each sealed table's check, and the watermarks the
    run leaves for the next incremental one."""

    findings: list[Finding]
    chains: list[audit.ChainResult]
    tables: list[sealed.TableCheck]
    marks: dict[str, sealed.Mark]


def last_marks() -> dict[str, sealed.Mark]:
    """The sealed tables' watermarks in the newest ``integrity.checked`` entry that carries them — only if that entry
    is genuine (its hash and its MAC under the signing key check out), else none: the next check is then full."""
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == Action.INTEGRITY_CHECKED)
                                 .order_by(AuditEntry.id.desc()).execution_options(yield_per=100))
    with entries:
        for e in entries:
            marks = e.detail.get(MARKS) if isinstance(e.detail, dict) else None
            if not isinstance(marks, dict):
                continue
            if audit.entry_hash(e) != e.hash or e.mac is None or not keyring().mac_ok(e.hash, e.mac):
                return {}
            return {t: m for t, raw in marks.items() if t in sealed.NAMES and (m := sealed.Mark.parse(raw)) is not None}
    return {}


def _tables(name: str, tables: tuple[str, ...], since: dict[str, sealed.Mark] | None) -> list[sealed.TableCheck]:
    """As :func:`_safely`: a check that cannot read its data is a finding (and sets no watermark)."""
    try:
        return sealed.check_tables(tables, since)
    except STORAGE_ERRORS:
        raise
    except Exception as exc:  # noqa: BLE001 - bad data must be named, never a traceback
        db.session.rollback()
        return [sealed.TableCheck(name, [audit.Break(name, f"校验无法完成，数据异常：{type(exc).__name__}: {exc}"[:500])])]


def _advance(before: dict[str, sealed.Mark], chains: list[audit.ChainResult],
             tables: list[sealed.TableCheck]) -> dict[str, sealed.Mark]:
    """A table's watermark moves only when its check and every chain's check found nothing: a watermark always comes
    from a verify that passed; otherwise the one before is carried on, and the next check starts from there again."""
    marks = dict(before)
    if any(r.breaks for r in chains):
        return marks
    marks.update({c.table: c.mark for c in tables if c.table in sealed.NAMES and not c.breaks})
    return marks


def find_problems(full: bool = False) -> Verification:
    """Every integrity break and every leak the data shows, across all agencies (the expensive part).

    By default each sealed table is checked from the watermark of the last verify that passed (see
    :func:`sealed.check_table`); ``full`` reads every row and every chain from the start."""
    before = last_marks()
    chains = _chains(full)
    found = [f for r in chains for b in r.breaks for f in _from_break("审计链校验", b)]
    tables: list[sealed.TableCheck] = []
    for name, names in SEALED_SOURCES:
        checked = _tables(name, names, None if full else before)
        tables += checked
        found += [f for c in checked for b in c.breaks for f in _from_break(name, b)]
    # the files of the rows read are rehashed, every other file only looked up (its bytes rehashed by --full)
    rehash = None if full or not before else {h for c in tables for h in c.files}
    found += [f for b in _safely("文件库校验", lambda: media_access.verify_files(rehash))
              for f in _from_break("文件库校验", b)]
    found += [*_stale_renders(), *_export_leaks(), *_view_leaks(), *_foreign_actors()]
    return Verification(found, chains, tables, _advance(before, chains, tables))


def _anchor(chains: list[audit.ChainResult]) -> None:
    """Sign a checkpoint of every chain that verified clean; a damaged chain gets none (fails closed)."""
    for r in chains:
        if r.agency_id and not r.breaks:
            checkpoints.checkpoint_now(r.agency_id, r.size, r.head, r.frontier)
            audit.repair_frontier(r)


def verify_and_record(full: bool = False) -> Verification:
    """Run the checks, anchor the clean chains, and store each agency's findings (installation-wide ones go to every
    agency) with the watermarks the next incremental check starts from."""
    run, now = find_problems(full), clock.now()
    _anchor(run.chains)
    marks = {t: m.to_json() for t, m in sorted(run.marks.items())}
    for agency_id in db.session.scalars(select(Agency.id).order_by(Agency.id)):
        mine = [f for f in run.findings if f.agency_id in (agency_id, None)]
        row = IntegrityCheck(agency_id=agency_id, at=now, problems=len(mine), findings=[f.item(now) for f in mine])
        db.session.add(row)
        db.session.flush()
        detail: dict[str, Any] = {"check_id": row.id, "problems": len(mine),
                                  "by_category": dict(Counter(f.category for f in mine))}
        audit.append(agency_id, Action.INTEGRITY_CHECKED, detail={**detail, MARKS: marks} if marks else detail)
    return run


def latest_check(agency_id: int) -> IntegrityCheck | None:
    return db.session.scalar(select(IntegrityCheck).where(IntegrityCheck.agency_id == agency_id)
                             .order_by(IntegrityCheck.id.desc()).limit(1))


# --------------------------------------------------------------------------- live from the data


def _unrecorded(agency_id: int, limit: int, window: Window | None = None) -> tuple[int, list[dict[str, Any]]]:
    mine = and_(StepReview.agency_id == agency_id, *in_window(StepReview.completed_at, window))
    neither = db.session.scalar(select(func.count()).select_from(StepReview).where(
        mine, StepReview.av_outcome == "neither")) or 0
    missing = db.session.scalar(select(func.coalesce(func.sum(StepReview.missing_records), 0)).where(
        mine, StepReview.missing_records > 0)) or 0
    handed = and_(MediaItem.agency_id == agency_id, MediaItem.late.is_(True), *in_window(MediaItem.uploaded_at, window))
    late = db.session.scalar(select(func.count()).select_from(MediaItem).where(handed)) or 0
    items: list[dict[str, Any]] = []
    newest = (StepReview.completed_at.desc(), StepReview.id.desc())
    # each condition on its own index (an OR of the two made SQLite read every step of the agency)
    flagged = {i for cond in (StepReview.av_outcome == "neither", StepReview.missing_records > 0)
               for i in db.session.scalars(select(StepReview.id).where(mine, cond).order_by(*newest).limit(limit))}
    steps = db.session.execute(select(StepReview, Case.title).join(Case, Case.id == StepReview.case_id)
                               .where(StepReview.id.in_(flagged)).order_by(*newest).limit(limit))
    for s, title in steps:
        items += [_step_item(s, title, c) for c in s.items if not c["passed"] and c["kind"] in ("av", "present")]
    for m in db.session.scalars(select(MediaItem).where(handed)
                                .order_by(MediaItem.uploaded_at.desc(), MediaItem.id.desc()).limit(limit)):
        items.append({"category": "应记录而未记录", "case_id": m.case_id,
                      "what": f"音像记录“{m.file_name}”逾期移交：应于 {china(m.handover_due_at)} 前移交"
                              f"（{av_rules.handover_period(m.handover_rule)}），{china(m.uploaded_at)} 才移交",
                      "detected_by": "音像记录移交登记", "at": m.uploaded_at.isoformat(),
                      "basis": basis("应记录而未记录", "fushun-culture 第三十一条")})
    return neither + missing + late, items


def _step_item(s: StepReview, case_title: str, check: dict[str, Any]) -> dict[str, Any]:
    return {"category": "应记录而未记录", "case_id": s.case_id, "what": f"案件“{case_title}”的“{s.title}”：{check['text']}",
            "detected_by": "案卷评查（任务办结时登记）", "at": s.completed_at.isoformat(),
            "basis": basis("应记录而未记录", check["basis"])}


def accountability(agency_id: int, limit: int = ITEM_LIMIT, window: Window | None = None) -> dict[str, Any]:
    """Counts per category and the items, newest first within each category (at most ``limit`` in all); with a
    ``window``, what happened in it (steps completed, recordings handed over, findings dated in it)."""
    unrecorded, items = _unrecorded(agency_id, limit, window)
    counts = {c: 0 for c in CATEGORIES}
    counts["应记录而未记录"] = unrecorded
    check = latest_check(agency_id)
    stored = [f for f in (check.findings if check else []) if _happened_in(f["at"], window)]
    counts.update({c: counts[c] + n for c, n in Counter(f["category"] for f in stored).items()})
    order = list(CATEGORIES)
    items = sorted(items + stored, key=lambda i: i["at"], reverse=True)
    items.sort(key=lambda i: order.index(i["category"]))
    return {"counts": counts, "items": items[:limit]}


def _happened_in(at: str, window: Window | None) -> bool:
    return window is None or window[0] <= dt.datetime.fromisoformat(at) < window[1]


def integrity_status(agency_id: int) -> dict[str, Any]:
    """When the stored findings were made, for the page to say how fresh they are."""
    check = latest_check(agency_id)
    return {"checked_at": check.at.isoformat() if check else None, "problems": check.problems if check else None,
            "command": VERIFY}


# --------------------------------------------------------------------------- recovery


def reanchor(user: User, agency: Agency, reason: str) -> audit.ChainResult:
    """After an incident: seal what a full verify finds, then sign a checkpoint of the chain as it now stands.

    Nothing is deleted or rewritten (the damaged entries stay, strays stay quarantined); the ``audit.reanchored``
    entry lists every break, names the administrator and the reason, and is itself a leaf of the new checkpoint,
    so the recovery leaves a sealed trace and later incremental checks start clean from it.
    """
    if user.agency_id != agency.id or not user.has_role("admin"):
        raise Forbidden("只有本机构管理员可以重新锚定本机构的审计链")
    if len(reason.strip()) < 6:
        raise Invalid("须写明恢复的理由与处置经过（至少 6 个字）", fields={"reason": ["至少 6 个字"]})
    head = db.session.get(AuditHead, agency.id, with_for_update=True)
    if head is None:
        raise Invalid(f"机构 {agency.name} 没有审计链")
    res = audit.verify_chain(agency.id, head.seq, head.hash, full=True)
    entry = audit.append(agency.id, Action.AUDIT_REANCHORED, actor_id=user.id, detail={
        "reason": reason.strip(), "breaks": [str(b) for b in res.breaks], "size": res.size,
        "root": merkle.frontier_root(res.frontier).hex()})
    db.session.flush()
    tree = res.frontier
    for n, leaf in enumerate(stored_leaves(agency.id, res.size + 1, entry.seq), res.size):
        tree = merkle.push(tree, n, leaf)
    checkpoints.checkpoint_now(agency.id, entry.seq, entry.hash, tree, note=f"重新锚定：{reason.strip()}",
                               reanchored=True)
    res.size, res.head, res.frontier = entry.seq, entry.hash, tree
    audit.repair_frontier(res)
    return res


def sign_checkpoint(agency: Agency, since: int | None = None) -> checkpoints.Checkpoint:
    """Verify the agency's chain (incrementally) and sign a checkpoint of it, with a proof from ``since`` if given."""
    head = db.session.get(AuditHead, agency.id)
    if head is None:
        raise Invalid(f"机构 {agency.name} 没有审计链")
    res = audit.verify_chain(agency.id, head.seq, head.hash)
    if res.breaks:
        raise Invalid(f"机构 {agency.name} 的审计链有问题，不签发检查点（请运行 flask liuhen verify）：{res.breaks[0]}")
    cp = checkpoints.checkpoint_now(agency.id, res.size, res.head, res.frontier)
    if since is None or since == (cp.previous or {}).get("size"):
        return cp
    base = checkpoints.load(checkpoints.name(agency.id, since))
    if base is None:
        raise Invalid(f"没有第 {since} 条处的检查点")
    previous = checkpoints.consistency_from(base, cp.size, agency.id)
    return checkpoints.sign(agency.id, cp.size, cp.head, res.frontier, previous, cp.note)
