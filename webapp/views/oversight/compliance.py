"""Pages and JSON for compliance (机构配置合规检查), overdue items and supervision figures (执法监督).

Self-contained blueprint: HTML pages under ``/oversight/`` (Chinese templates in
``templates/oversight/``) and the same data as JSON under ``/oversight/api/`` for API clients
(bearer token) and tests.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from handlers.compliance import STATUS_TITLES

from webapp.cases import deadlines
from webapp.supervision import figures as supervision
from webapp.views.oversight import supervision as supervision_views
from webapp.engine import profiles as profile_service
from webapp.db import db
from webapp.errors import ServiceError
from webapp.models import Agency
from webapp.supervision.scopes import agency_for

bp = Blueprint("oversight", __name__, url_prefix="/oversight")
COMPLIANCE_ROLES = ("admin", "designer", "approver", "legal")
OVERDUE_SHOWN = 50  # the most overdue on the supervision page; the deadlines page and the JSON list more


def _require(*roles: str) -> None:
    if not any(current_user.has_role(r) for r in roles):
        abort(403)


def _agency() -> Agency:
    return db.session.get(Agency, current_user.agency_id)


@bp.get("/compliance")
@login_required
def compliance_page() -> Any:
    _require(*COMPLIANCE_ROLES)
    agency = _agency()
    report = profile_service.report(agency)
    return render_template("oversight/compliance.html", agency=agency, report=report, titles=STATUS_TITLES,
                           exceptions=profile_service.exceptions(agency.id),
                           versions=profile_service.deployed_versions(agency.id))


@bp.post("/compliance/exceptions")
@login_required
def record_exception() -> Any:
    _require("admin")
    try:
        profile_service.record_exception(current_user, request.form.get("rule_id", ""), request.form.get("reason", ""),
                                         request.form.get("action", "grant"))
        db.session.commit()
        flash("已登记合规例外" if request.form.get("action", "grant") == "grant" else "已撤销合规例外")
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("oversight.compliance_page"))


@bp.get("/deadlines")
@login_required
def deadlines_page() -> Any:
    mine = deadlines.inbox_overdue(current_user)
    queue = deadlines.manager_queue(current_user) if any(
        current_user.has_role(r) for r in deadlines.MANAGER_ROLES) else None
    return render_template("oversight/deadlines.html", mine=mine, queue=queue)


@bp.get("/supervision")
@login_required
def supervision_page() -> Any:
    """One agency's figures (``?agency=``): the user's own, or one assigned to a 司法局 supervisor."""
    agency = agency_for(current_user, request.args.get("agency"))
    figures = supervision.figures(agency.id)
    return render_template("oversight/supervision.html", agency=agency, figures=figures,
                           overdue_rows=deadlines.overdue(agency.id, limit=OVERDUE_SHOWN),
                           **supervision_views.page_extras(figures))


@bp.get("/api/compliance")
@login_required
def compliance_json() -> Any:
    _require(*COMPLIANCE_ROLES)
    return jsonify(profile_service.report(_agency()).to_json())


@bp.get("/api/deadlines")
@login_required
def deadlines_json() -> Any:
    """My overdue items, and (for managers) the agency's overdue queue."""
    out: dict[str, Any] = {"mine": [deadlines.deadline_json(d, t) for d, t in deadlines.inbox_overdue(current_user)]}
    if any(current_user.has_role(r) for r in deadlines.MANAGER_ROLES):
        out["queue"] = [deadlines.deadline_json(d, t) for d, t in deadlines.manager_queue(current_user)]
    return jsonify(out)


@bp.get("/api/supervision")
@login_required
def supervision_json() -> Any:
    try:
        agency = agency_for(current_user, request.args.get("agency"))
    except ServiceError as exc:
        return jsonify(exc.to_json()), exc.status
    return jsonify(supervision.figures(agency.id))
