"""Cases: the filterable, paginated list; starting a case; one case's diagram and timeline."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import exists, func, select

from handlers import clock
from handlers.audit_actions import Action, title_of
from handlers.catalogue import CATALOGUE
from handlers.roles import CASE_READER_ROLES
from webapp.cases import electronic, queue
from webapp.cases import service as cases
from webapp.db import db
from webapp.engine.diagrams import PROCEDURES, deployed, procedure_title
from webapp.errors import ServiceError
from webapp.models import AuditEntry, Case, CaseTask, Record, StatusCount, StoredFile, User
from webapp.paging import PER_PAGE, Page, clamp, id_value, key_from, keyset, keyset_rows, page_label, page_number
from webapp.store.downloads import send_stored
from webapp.views.common import role_required
from webapp.views.diagram_files import process_file
from webapp.views.forms import NewCaseForm
from webapp.worker import sealing

bp = Blueprint("web_cases", __name__)

STATUSES = {"open": "办理中", "closed": "已结案"}


def _agency_users() -> dict[int, User]:
    return {u.id: u for u in db.session.scalars(select(User).where(User.agency_id == current_user.agency_id))}


@bp.get("/cases")
@role_required(*CASE_READER_ROLES)
def index() -> Any:
    """All cases of my agency, filtered by status, current stage, officer and overdue."""
    args = request.args
    q = select(Case).where(Case.agency_id == current_user.agency_id)
    if args.get("status") in STATUSES:
        q = q.where(Case.status == args["status"])
    if (officer := id_value(args.get("officer"))) is not None:
        q = q.where(Case.created_by == officer)
    ready = select(CaseTask.pk).where(CaseTask.case_id == Case.id, CaseTask.state == "ready")
    if args.get("stage"):
        q = q.where(exists(ready.where(CaseTask.title == args["stage"])))
    if args.get("overdue") == "1":
        q = q.where(exists(ready.where(CaseTask.due_at < clock.now())))
    page = _page(q, args)
    ids = [c.id for c in page.items]
    open_rows: Iterable[CaseTask] = db.session.scalars(
        select(CaseTask).where(CaseTask.case_id.in_(ids), CaseTask.state == "ready")) if ids else []
    current: dict[int, list[CaseTask]] = {}
    for t in open_rows:
        current.setdefault(t.case_id, []).append(t)
    users = _agency_users()
    stages = queue.stage_titles(current_user.agency_id)
    return render_template(
        "cases.html", page=page,
        current=current, users=users, statuses=STATUSES, stages=stages,
        officers=[u for u in users.values() if u.has_role("officer")],
        form=_new_case_form() if current_user.has_role("officer") else None)


def _total(q: Any, args: Any) -> int:
    """How many cases the list holds: the running counts when only the status narrows it, else counted."""
    if any(args.get(k) for k in ("officer", "stage", "overdue")):
        return db.session.scalar(select(func.count()).select_from(q.order_by(None).subquery())) or 0
    statuses = [args["status"]] if args.get("status") in STATUSES else list(STATUSES)
    return int(db.session.scalar(select(func.coalesce(func.sum(StatusCount.n), 0)).where(
        StatusCount.agency_id == current_user.agency_id, StatusCount.subject == "case",
        StatusCount.status.in_(statuses))) or 0)  # PostgreSQL sums a bigint as numeric


def _page(q: Any, args: Any) -> Page:
    """Newest first, a page after (or before) the case id of ``?after=`` (``?before=``); ``?page=`` alone by position."""
    total, key = _total(q, args), key_from(args)
    if key.given:
        rows = db.session.scalars(keyset(q, (Case.id,), (key.after or key.before,), key, PER_PAGE, descending=True)).all()
        items, earlier, later = keyset_rows(rows, key, PER_PAGE)
        number, pages = (page_label(total) if earlier else 1), clamp(1, total)[1]
    else:
        number, pages = clamp(page_number(), total)
        items = list(db.session.scalars(q.order_by(Case.id.desc()).offset((number - 1) * PER_PAGE).limit(PER_PAGE)))
        earlier, later = number > 1, number < pages
    return Page(items, number, pages, total, items[0].id if earlier and items else None,
                items[-1].id if later and items else None, keyset=True)


def _new_case_form() -> NewCaseForm:
    form = NewCaseForm(process_id="general_procedure")
    form.process_id.choices = [(p, procedure_title(p)) for p in _processes()]
    return form


def _processes() -> list[str]:
    procedures = current_user.agency.settings.procedures or tuple(PROCEDURES)
    return [p for p in procedures if deployed(current_user.agency_id, p) is not None]


@bp.post("/cases")
@role_required("officer")
def create() -> Any:
    form = _new_case_form()
    if not form.validate_on_submit():
        for name, msgs in form.errors.items():
            flash(f"{getattr(form, name).label.text}：{'；'.join(msgs)}", "error")
        return redirect(url_for("web_cases.index"))
    try:
        case = cases.create_case(current_user, form.title.data, form.party_name.data, form.process_id.data,
                                 bool(form.emergency.data))
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("web_cases.index"))
    flash(f"案件 {case.id} 已启动")
    first = db.session.scalar(select(CaseTask).where(CaseTask.case_id == case.id, CaseTask.state == "ready"))
    if first is not None and current_user.has_role(first.role):
        return redirect(url_for("web_tasks.task", case_id=case.id, task_id=first.id))
    return redirect(url_for("web_cases.view", case_id=case.id))


@bp.get("/cases/<int:case_id>")
@login_required
def view(case_id: int) -> Any:
    """The case's diagram (done / current / pending) and its whole timeline (全过程可回溯)."""
    case = cases.get_case(case_id, current_user)
    tasks = list(db.session.scalars(select(CaseTask).where(CaseTask.case_id == case.id).order_by(CaseTask.pk)))
    records = list(db.session.scalars(select(Record).where(Record.case_id == case.id).order_by(Record.id)))
    entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id)
                                      .order_by(AuditEntry.seq)))
    users = _agency_users()
    files = _files(records)
    diagram = {"xml": process_file(case.diagram.sources, case.process_id)[1],
               "completed": sorted({t.spec_name for t in tasks if t.state == "completed"}),
               "current": sorted({t.spec_name for t in tasks if t.state == "ready"})}
    return render_template("case.html", case=case, tasks=tasks, diagram=diagram, files=files,
                           documents=sealing.case_documents(current_user, case.id),
                           pending=sealing.pending_jobs(case), sendings=electronic.sendings(case.id),
                           timeline=_timeline(records, entries, files, users, {t.spec_name: t.title for t in tasks}),
                           users=users, statuses=STATUSES)


@bp.get("/documents/<int:document_id>.pdf")
@login_required
def document_pdf(document_id: int) -> Any:
    """A sealed 文书 for anyone of the case's agency; the hash is checked and the download audited."""
    doc = sealing.open_document(current_user, document_id)
    name = f"{doc.number}{doc.title}" + (f"（第{doc.version}版）" if doc.version > 1 else "") + ".pdf"
    return send_stored(doc.sha256, mimetype="application/pdf", download_name=name)


def _files(records: list[Record]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in records:
        rk = CATALOGUE.get(r.kind)
        for sha in (rk.hashes(r.payload) if rk else ()):
            out.append({"sha256": sha, "record": r})
    stored = {f.sha256: f for f in db.session.scalars(
        select(StoredFile).where(StoredFile.sha256.in_([o["sha256"] for o in out])))} if out else {}
    return [{**o, "file": stored.get(o["sha256"])} for o in out]


def _timeline(records: list[Record], entries: list[AuditEntry], files: list[dict[str, Any]],
              users: dict[int, User], task_titles: dict[str, str]) -> list[dict[str, Any]]:
    """Each item: what happened in Chinese (``detail``) and the hash that seals it (``hash``, shown as code)."""
    def who(uid: int | None) -> str:
        return users[uid].display_name if uid in users else ("系统" if uid is None else f"用户{uid}")

    sealed = {e.detail.get("record_id"): e for e in entries if e.action == Action.RECORD_ADDED}
    items = [{"at": r.created_at, "type": "记录", "css": "record", "seq": sealed[r.id].seq if r.id in sealed else 0,
              "title": f"添加记录：{CATALOGUE[r.kind].title if r.kind in CATALOGUE else r.kind}（第 {r.version} 版）",
              "who": who(r.author_id), "record": r,
              "detail": f"任务：{task_titles.get(r.task_name, r.task_name)}"
                        + (f"；审计链第 {sealed[r.id].seq} 条" if r.id in sealed else "") + "；记录哈希",
              "hash": f"{r.content_hash[:12]}…"}
             for r in records]
    items += [{"at": f["record"].created_at, "type": "音像", "css": "av", "seq": sealed[f["record"].id].seq + 0.5
               if f["record"].id in sealed else 0.5,
               "title": f["file"].original_name if f["file"] else f["sha256"][:12],
               "who": who(f["record"].author_id), "detail": "SHA-256", "hash": f["sha256"], "sha256": f["sha256"]}
              for f in files]
    items += [{"at": e.at, "type": "文书" if e.action.startswith("document.") else "审计", "css": "audit",
               "title": title_of(e.action), "who": who(e.actor_id),
               "detail": _audit_detail(e, task_titles), "hash": f"{e.hash[:12]}…", "seq": e.seq}
              for e in entries if e.action != Action.RECORD_ADDED]
    return sorted(items, key=lambda i: (i["at"], i.get("seq", 0)))


#: the audit details a timeline shows, by their Chinese names, each with how its value reads
_DETAILS: tuple[tuple[str, str], ...] = (("title", "案由"), ("task", "任务"), ("kind", "记录"), ("version", "版本"),
                                        ("name", "名称"), ("process_id", "程序"), ("diagram_version", "流程图版本"))


def _audit_detail(e: AuditEntry, task_titles: dict[str, str]) -> str:
    d = e.detail or {}
    readable = {"task": lambda v: task_titles.get(v, v), "process_id": procedure_title,
                "kind": lambda v: CATALOGUE[v].title if v in CATALOGUE else v}
    parts = [f"{label}：{readable.get(key, str)(d[key])}" for key, label in _DETAILS if key in d]
    return "；".join([*parts, f"审计链第 {e.seq} 条；哈希"])
