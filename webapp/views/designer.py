"""The process designer: bpmn-js Modeler in the browser, saving checked versions and deploying them.

Saving goes through :func:`webapp.diagram_store.save_version`, which parses the files with
SpiffWorkflow, runs :mod:`handlers.diagrams`' checks, the law's proof and the dry run
(:mod:`webapp.engine.proving`); a refusal comes back as a list of problems each naming its element
(and, for the law, its article by real title), which the page highlights.  A saved version is immutable; deploying it
makes the agency's *new* cases use it, while running cases keep the version they started on.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from handlers.catalogue import STAGES
from handlers.diagrams import DiagramError
from handlers.law.acts import ACTS, BASE_ACTS
from handlers.roles import LANE_ROLES, ROLES, TASK_ROLES
from handlers.task_rules import AV_RULES
from webapp.db import db
from webapp.engine import deployment
from webapp.engine import diagrams as diagram_store
from webapp.engine.diagrams import PROCEDURES
from webapp.engine.proving import ComplianceRefused
from webapp.errors import Invalid
from webapp.models import Case, DiagramVersion, User
from webapp.views.common import cite, role_required
from webapp.views.diagram_files import process_file
from webapp.views.forms import CsrfOnly

bp = Blueprint("web_designer", __name__, url_prefix="/designer")
SPIFF_MODDLE = Path(__file__).resolve().parent.parent / "static" / "js" / "spiffworkflow-moddle.json"
_ELEMENT_ID = re.compile(r"（([A-Za-z_][\w.\-]*)）$")


def _visible(version: DiagramVersion | None) -> DiagramVersion:
    """A version this designer may open: the shipped base ones and their own agency's."""
    if version is None or version.agency_id not in (None, current_user.agency_id):
        abort(404)
    return version


def _versions(process_id: str) -> list[DiagramVersion]:
    return list(db.session.scalars(select(DiagramVersion).where(
        DiagramVersion.process_id == process_id,
        or_(DiagramVersion.agency_id.is_(None), DiagramVersion.agency_id == current_user.agency_id))
        .order_by(DiagramVersion.created_at.desc(), DiagramVersion.id.desc())))


def _process_ids() -> list[str]:
    own = db.session.scalars(select(DiagramVersion.process_id).where(
        or_(DiagramVersion.agency_id.is_(None), DiagramVersion.agency_id == current_user.agency_id)).distinct())
    return sorted(set(own) | set(PROCEDURES))


@bp.get("")
@role_required("designer")
def index() -> Any:
    """Every procedure, its deployed version and its saved versions."""
    rows = []
    for pid in _process_ids():
        versions = _versions(pid)
        current = diagram_store.deployed(current_user.agency_id, pid)
        counts = dict(db.session.execute(select(Case.diagram_version_id, func.count()).where(
            Case.agency_id == current_user.agency_id, Case.process_id == pid, Case.status == "open")
            .group_by(Case.diagram_version_id)).all())
        rows.append({"process_id": pid, "versions": versions, "deployed": current, "running": counts})
    users = {u.id: u.display_name for u in db.session.scalars(select(User).where(
        User.agency_id == current_user.agency_id))}
    return render_template("designer_index.html", rows=rows, users=users, csrf_form=CsrfOnly())


@bp.get("/<process_id>")
@role_required("designer")
def edit(process_id: str) -> Any:
    """The modeler, opened on the chosen version (default: the newest this agency can see)."""
    versions = _versions(process_id)
    if not versions:
        abort(404)
    chosen = request.args.get("version", type=int)
    version = _visible(db.session.get(DiagramVersion, chosen)) if chosen else versions[0]
    if version.process_id != process_id:
        abort(404)
    file_name, xml = process_file(version.sources, process_id)
    catalogue = [{"code": k.code, "title": k.title, "basis": _cited(k.basis), "stage": stage.__name__.rsplit(".", 1)[-1]}
                 for stage in STAGES for k in stage.KINDS]
    return render_template(
        "designer.html", process_id=process_id, version=version, versions=versions, file_name=file_name,
        deployed=diagram_store.deployed(current_user.agency_id, process_id), csrf_form=CsrfOnly(),
        designer_data={"xml": xml, "catalogue": catalogue, "av_rules": list(AV_RULES),
                       "roles": {r: ROLES[r] for r in TASK_ROLES}, "lane_roles": LANE_ROLES,
                       "moddle": json.loads(SPIFF_MODDLE.read_text(encoding="utf-8")),
                       "acts": ACTS, "base_acts": BASE_ACTS, "process_id": process_id,
                       "save_url": url_for("web_designer.save", process_id=process_id),
                       "law_url": url_for("web_designer.law", process_id=process_id),
                       "base_version_id": version.id})


@bp.post("/<process_id>/save")
@role_required("designer")
def save(process_id: str) -> Any:
    """Store the edited file as a new version after SpiffWorkflow and the house checks accept it."""
    data = request.get_json(silent=True) or {}
    base = _visible(db.session.get(DiagramVersion, int(data.get("base_version_id") or 0)))
    xml = data.get("xml")
    if not isinstance(xml, str) or not xml.strip():
        return jsonify({"error": "invalid", "message": "流程图内容为空", "problems": []}), 422
    try:
        version = diagram_store.save_edit(process_id, xml, base, current_user.agency_id, current_user.id)
    except DiagramError as exc:
        db.session.rollback()
        return jsonify({"error": "diagram_invalid", "message": "流程图未通过校验，未保存",
                        "problems": [_problem_json(p) for p in exc.problems]}), 422
    except ComplianceRefused as exc:  # the proof or the dry run: each problem names its element and article
        db.session.rollback()
        return jsonify({**exc.to_json(), "message": "流程图不符合本机构适用的法律规定，未保存（逐条见下）"}), 422
    db.session.commit()
    return jsonify({"version_id": version.id, "version": version.version,
                    "url": url_for("web_designer.edit", process_id=process_id, version=version.id),
                    "deploy_url": url_for("web_designer.deploy", version_id=version.id)}), 201


@bp.post("/<process_id>/law")
@role_required("designer")
def law(process_id: str) -> Any:
    """The rules that bind each task of the unsaved diagram, and whether the proof finds each held: what the
    properties panel shows for the selected task (nothing is stored)."""
    data = request.get_json(silent=True) or {}
    base = _visible(db.session.get(DiagramVersion, int(data.get("base_version_id") or 0)))
    xml = data.get("xml")
    if not isinstance(xml, str):
        return jsonify({"error": "invalid", "message": "请提交流程图内容（xml）"}), 422
    try:
        panel = diagram_store.law_panel(process_id, xml, base, current_user.agency)
    except Invalid as exc:
        return jsonify({"error": "invalid", "message": exc.message}), 422
    return jsonify({"elements": panel})


def _problem_json(p: Any) -> dict[str, Any]:
    match = _ELEMENT_ID.search(p.element)
    element_id = match.group(1) if match else (p.element if re.fullmatch(r"[A-Za-z_][\w.\-]*", p.element) else None)
    return {"element": p.element, "element_id": element_id, "message": p.message}


@bp.post("/versions/<int:version_id>/deploy")
@role_required("designer")
def deploy(version_id: int) -> Any:
    version = _visible(db.session.get(DiagramVersion, version_id))
    if not CsrfOnly().validate_on_submit():
        abort(400)
    try:
        deployment.deploy(current_user.agency, version, current_user.id)
    except ComplianceRefused as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("web_designer.edit", process_id=version.process_id, version=version.id))
    db.session.commit()
    flash(f"已部署 {version.process_id} 第 {version.version} 版：此后新启动的案件使用此版本，办理中的案件仍按原版本办理")
    return redirect(url_for("web_designer.index"))


def _cited(refs: tuple[str, ...] | list[str]) -> list[str]:
    """A record kind's articles by their real titles, those binding the agency only (the tooltip in the designer)."""
    return [c for ref in refs if (c := cite(ref)) != "—"]
