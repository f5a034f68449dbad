"""The task page: the forms of the records the task requires (generated from the catalogue), the A/V
record or the written reason recording was not suitable, and 办结 through the gate.

Saving and completing go through :mod:`webapp.cases` (``submit_record`` validates, ``complete_task``
runs the gate); this module only turns the page's form into those calls and their refusals back
into messages beside the fields they concern.  A refused page is re-drawn from what was submitted.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from handlers import clock
from handlers.audit_actions import Action
from handlers.catalogue import AV_NOT_SUITABLE, AV_RECORDING, CATALOGUE
from handlers.roles import ROLES, TASK_ROLES
from webapp import store
from webapp.cases import references
from webapp.cases import service as cases
from webapp.db import db
from webapp.errors import GateRefused, Invalid, ServiceError
from webapp.evidence import access as media_access
from webapp.models import MediaItem, Record, StoredFile, User
from webapp.paging import id_value
from webapp.store import audit
from webapp.store.downloads import send_stored
from webapp.views import record_forms
from webapp.views.common import cite, role_required

bp = Blueprint("web_tasks", __name__)
AV_CHOICES = {"recording": AV_RECORDING, "not_suitable": AV_NOT_SUITABLE}


@bp.route("/cases/<int:case_id>/tasks/<task_id>", methods=["GET", "POST"])
@role_required(*TASK_ROLES)
def task(case_id: int, task_id: str) -> Any:
    view = cases.task_view(current_user, case_id, task_id)
    if request.method == "GET":
        return _page(view, _stored_values(view), {}, {}, 200)
    if not _may_work(view):
        abort(403)
    form = request.form
    errors = _save_sections(view, form)
    if errors:
        return _page(view, form, errors, {}, 422, "有记录填写有误，未保存（见各栏红字）。其余内容已保留，请修改后重新提交。")
    if form.get("action") != "complete":
        flash("已保存")
        return redirect(url_for("web_tasks.task", case_id=case_id, task_id=task_id))
    try:
        cases.complete_task(current_user, case_id, task_id)
    except GateRefused as exc:
        view = cases.task_view(current_user, case_id, task_id)
        return _page(view, form, {}, {m["record"]: m for m in exc.extra.get("missing", [])}, 422,
                     "任务尚不能办结：缺少或不合格的记录已在对应栏目标出。")
    flash(f"任务“{view['title']}”已办结")
    return redirect(url_for("web_cases.view", case_id=case_id))


def _may_work(view: Mapping[str, Any]) -> bool:
    return view["state"] == "READY" and bool(view["role"]) and current_user.has_role(view["role"])


def _kinds(view: Mapping[str, Any], av_choice: str | None) -> list[str]:
    """The sections a save reads: the required records, the chosen A/V one, and the records the page offers
    (each saved only when something was typed in it)."""
    kinds = list(view["requires"]["records"])
    extra = AV_CHOICES.get(av_choice or "")
    if view["requires"]["av"] != "none" and extra and extra not in kinds:
        kinds.append(extra)
    return kinds + [k for k in view["offered"] if k not in kinds]


def _latest(view: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["kind"]: r["payload"] for r in view["records"]}


def _save_sections(view: Mapping[str, Any], form: Any) -> dict[str, dict[str, list[str]]]:
    """Submit every section that was filled in and differs from its stored version; errors by kind."""
    latest = _latest(view)
    errors: dict[str, dict[str, list[str]]] = {}
    for kind in _kinds(view, form.get("av_choice")):
        if not record_forms.touched(kind, form):
            continue
        payload = record_forms.payload_of(kind, form)
        if kind in latest and record_forms.same_record(kind, payload, latest[kind]):
            continue
        try:
            cases.submit_record(current_user, view["case_id"], view["id"], kind, payload)
        except Invalid as exc:
            errors[kind] = record_forms.error_paths(kind, exc.extra.get("fields", {})) or {
                record_forms.prefix(kind): [exc.message]}
    return errors


def _stored_values(view: Mapping[str, Any]) -> dict[str, Any]:
    """The stored records' values; a section with none starts from what the case and the officer already know."""
    values: dict[str, Any] = {}
    latest = _latest(view)
    for kind, payload in latest.items():
        if kind in CATALOGUE:
            values.update(record_forms.form_values(kind, payload))
    known = _known(view["case_id"])
    for kind in _kinds(view, "recording") + _kinds(view, "not_suitable"):
        if kind not in latest and kind in CATALOGUE and (given := record_forms.prefill(kind, known)):
            values.update(given)
            values[f"{record_forms.prefix(kind)}.__prefilled"] = json.dumps(given, ensure_ascii=False)
    values["av_choice"] = _default_av_choice(view)
    return values


def _known(case_id: int) -> record_forms.Known:
    """The party as the newest record of the case names it (else the case's party name), the signed-in officer
    with their 执法证号 (when the roster has one), the present minute in local time, and the 文书 the newest
    送达安排 chose."""
    records = list(reversed(case_file(case_id)["records"]))
    party: Mapping[str, Any] = next((r.payload["party"] for r in records if isinstance(r.payload.get("party"), dict)),
                                    {}) or {"name": cases.get_case(case_id, current_user).party_name}
    served = next((r.payload.get("document_id") for r in records if r.kind == "service_plan"), None)
    officer = (current_user.display_name, current_user.badge_no) if current_user.badge_no else None
    return record_forms.Known(party, officer, clock.local(clock.now()).strftime("%Y-%m-%dT%H:%M"), served)


def _default_av_choice(view: Mapping[str, Any]) -> str:
    kinds = [r["kind"] for r in view["records"]]
    if AV_NOT_SUITABLE in kinds and (AV_RECORDING not in kinds or kinds[::-1].index(AV_NOT_SUITABLE)
                                     < kinds[::-1].index(AV_RECORDING)):
        return "not_suitable"
    if AV_RECORDING in kinds or view["requires"]["av"] == "required":
        return "recording"
    return "none"


def _section(view: Mapping[str, Any], kind: str, values: Any, errors: dict[str, list[str]],
             missing: Mapping[str, Any] | None, documents: Mapping[str, str]) -> dict[str, Any]:
    rk = CATALOGUE[kind]
    is_av = kind in (AV_RECORDING, AV_NOT_SUITABLE) and kind not in view["requires"]["records"]
    basis = (view["requires"]["av_cited"] if is_av else [cite(rk.basis)] if kind in view["offered"]
             else view["requires"]["cited"])
    if missing and missing.get("problem") == "invalid" and missing.get("record") == kind:
        errors = {**record_forms.error_paths(kind, missing.get("errors", {})), **errors}
    return {"kind": kind, "title": rk.title, "basis": [b for b in basis if b and b != "—"], "av": is_av,
            "open": bool(errors) or any(r["kind"] == kind for r in view["records"]),
            "prefilled": values.get(f"{record_forms.prefix(kind)}.__prefilled", ""),
            "widgets": record_forms.widgets(kind, values, errors, documents),
            "top_errors": record_forms.unplaced(kind, errors),
            "missing": missing, "stored": any(r["kind"] == kind for r in view["records"])}


def _page(view: Mapping[str, Any], values: Any, errors: dict[str, dict[str, list[str]]],
          missing: dict[str, Any], status: int, alert: str | None = None) -> Any:
    case = cases.get_case(view["case_id"], current_user)
    documents = references.choices(case.id)
    sections = [_section(view, k, values, errors.get(k, {}), missing.get(k), documents)
                for k in view["requires"]["records"]]
    av_sections = []
    if view["requires"]["av"] != "none":
        choices = [AV_RECORDING] if view["requires"]["recording"] == "mandatory" else list(AV_CHOICES.values())
        av_sections = [_section(view, k, values, errors.get(k, {}),
                                missing.get(k) if k != AV_RECORDING else None, documents) for k in choices]
    av_choice = values.get("av_choice") or _default_av_choice(view)
    offered = [_section(view, k, values, errors.get(k, {}), None, documents) for k in view["offered"]]
    return render_template(
        "task.html", view=view, case=case, sections=sections, av_sections=av_sections, av_choice=av_choice,
        offered=offered,
        av_missing=missing.get(AV_RECORDING) if AV_RECORDING not in view["requires"]["records"] else None,
        may_work=_may_work(view), role_title=ROLES.get(view["role"] or "", view["role"]), alert=alert,
        roster=roster(case.agency_id),
        case_file=case_file(case.id), missing_now=view["missing"]), status


def roster(agency_id: int) -> list[User]:
    """Officers of the agency holding a 执法证 valid today (an expired one cannot be named: 行政处罚法 第四十二条)."""
    today = clock.local(clock.now()).date()
    users = db.session.scalars(select(User).where(User.agency_id == agency_id, User.active.is_(True),
                                                  User.badge_no.is_not(None)).order_by(User.display_name))
    return [u for u in users if u.has_role("officer") and (u.badge_valid_until is None or u.badge_valid_until >= today)]


def case_file(case_id: int) -> dict[str, Any]:
    """The case so far, for a manager deciding on it: every record (newest version of each), the files its records
    name, and the recordings handed over (by time, with who recorded them and for how long)."""
    records = list(db.session.scalars(select(Record).where(Record.case_id == case_id).order_by(Record.id)))
    current: dict[tuple[str, str], Record] = {}
    for r in records:
        current[(r.task_id, r.kind)] = r
    shas = list(dict.fromkeys(h for r in current.values() if r.kind in CATALOGUE
                              for h in CATALOGUE[r.kind].hashes(r.payload)))
    files = {f.sha256: f for f in db.session.scalars(select(StoredFile).where(StoredFile.sha256.in_(shas)))} \
        if shas else {}
    recordings = list(db.session.scalars(select(MediaItem).where(MediaItem.case_id == case_id)
                                         .order_by(MediaItem.started_at, MediaItem.id)))
    return {"records": sorted(current.values(), key=lambda r: r.id), "files": [files[h] for h in shas if h in files],
            "versions": len(records), "recordings": recordings}


@bp.post("/files")
@login_required
def upload() -> Any:
    """Store an A/V file for a record; the page shows progress and puts the SHA-256 into the form."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return jsonify({"error": "invalid", "message": "请选择要上传的文件"}), 422
    try:
        sha, size = cases.store_upload(current_user, upload.stream, upload.filename, upload.mimetype)
    except ServiceError as exc:
        return jsonify(exc.to_json()), exc.status
    return jsonify({"sha256": sha, "size": size, "name": upload.filename}), 201


@bp.get("/files/<sha256>")
@login_required
def download(sha256: str) -> Any:
    """A stored file of my agency; every access is sealed in the audit chain."""
    stored = db.session.get(StoredFile, sha256)
    if stored is None or stored.agency_id != current_user.agency_id:
        abort(404)
    if not store.current().exists(sha256):
        abort(404)
    media_access.check_file(current_user, sha256)
    case_id = id_value(request.args.get("case"))
    case = cases.get_case(case_id, current_user) if case_id else None
    audit.append(current_user.agency_id, Action.FILE_ACCESSED, actor_id=current_user.id,
                 case_id=case.id if case else None, detail={"sha256": sha256, "name": stored.original_name})
    db.session.commit()
    return send_stored(sha256, mimetype=stored.content_type, download_name=stored.original_name,
                       as_attachment=request.args.get("inline") != "1", max_age=0 if current_app.debug else 3600)
