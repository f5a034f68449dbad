"""Pages and JSON for compliance (机构配置合规检查), overdue items and supervision figures (执法监督).

Self-contained blueprint: HTML pages under ``/oversight/`` (Chinese templates in
``templates/oversight/``) and the same data as JSON under ``/oversight/api/`` for API clients
(bearer token) and tests.
"""
from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from handlers.compliance import STATUS_TITLES
from handlers.roles import COMPLIANCE_ROLES
from webapp.cases import deadline_pages, deadlines
from webapp.db import db
from webapp.engine import compliance as compliance_service
from webapp.engine import law_matrix
from webapp.engine.diagrams import deployed_versions
from webapp.errors import ServiceError
from webapp.models import Agency
from webapp.paging import PER_PAGE, Key, key_from
from webapp.supervision import ledger
from webapp.supervision import rollups as supervision
from webapp.supervision.figures import OVERDUE_LISTED
from webapp.supervision.scopes import agency_for
from webapp.views.oversight import supervision as supervision_views

bp = Blueprint("oversight", __name__, url_prefix="/oversight")
OVERDUE_SHOWN = 50  # the most overdue on the supervision page; the deadlines page and the JSON page through all


def _require(*roles: str) -> None:
    if not current_user.has_any(*roles):
        abort(403)


def _agency() -> Agency:
    return cast(Agency, db.session.get(Agency, current_user.agency_id))  # a user's agency exists (foreign key)


@bp.get("/compliance")
@login_required
def compliance_page() -> Any:
    _require(*COMPLIANCE_ROLES)
    agency = _agency()
    report = compliance_service.report(agency)
    return render_template("oversight/compliance.html", agency=agency, report=report, titles=STATUS_TITLES,
                           exceptions=compliance_service.exceptions(agency.id),
                           versions=deployed_versions(agency.id))


@bp.get("/law")
@login_required
def law_page() -> Any:
    """法律依据矩阵: every article of the agency's regulation and the national laws, with rules, tasks, tests."""
    _require(*COMPLIANCE_ROLES)
    agency = _agency()
    try:
        result = law_matrix.of_agency(agency)
    except ServiceError as exc:
        return render_template("oversight/law.html", agency=agency, matrix=None, error=exc.message), 200
    return render_template("oversight/law.html", agency=agency, matrix=result, error=None)


@bp.post("/compliance/exceptions")
@login_required
def record_exception() -> Any:
    _require("admin")
    try:
        form = request.form
        compliance_service.record_exception(current_user, form.get("rule_id", ""), form.get("reason", ""),
                                            form.get("action", "grant"))
        db.session.commit()
        flash("已登记合规例外" if request.form.get("action", "grant") == "grant" else "已撤销合规例外")
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("oversight.compliance_page"))


@bp.get("/deadlines")
@login_required
def deadlines_page() -> Any:
    """Overdue and about-to-end items, a page of each list; ``?list=`` with ``?after=`` / ``?before=`` pages one list
    by key (:mod:`webapp.cases.deadline_pages`), so the page costs the same however many items are late."""
    names = deadline_pages.visible(current_user)
    only = request.args.get("list")
    key = key_from(request.args) if only in names else Key()
    names = (only,) if only in names else names
    return render_template("oversight/deadlines.html", only=only if only in names else None, per_page=PER_PAGE,
                           pages=[deadline_pages.page(current_user, n, key, PER_PAGE) for n in names],
                           open_total=deadline_pages.open_count(current_user.agency_id))


@bp.get("/supervision")
@login_required
def supervision_page() -> Any:
    """One agency's figures (``?agency=``): the user's own, or one assigned to a 司法局 supervisor."""
    agency = agency_for(current_user, request.args.get("agency"))
    window = ledger.window_of(request.args)
    overdue = deadlines.overdue(agency.id, limit=OVERDUE_LISTED, window=window)  # the figures' list; its head shown
    figures = supervision.figures(agency.id, window, overdue)
    return render_template("oversight/supervision.html", agency=agency, figures=figures,
                           overdue_rows=overdue[:OVERDUE_SHOWN],
                           **supervision_views.page_extras(figures))
