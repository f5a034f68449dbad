"""案卷评查 of one case: every check of its completed steps with the article, as a page and as JSON.

Anyone who may see the case may see its review (the case page links to it); the agency-wide figures stay
on the supervision page for supervisors.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from handlers.case_review import CHECK_TITLES
from webapp.supervision import case_review
from webapp.supervision.accountability import CATEGORIES

bp = Blueprint("review", __name__, url_prefix="/oversight")


@bp.app_context_processor
def _names() -> dict[str, Any]:
    """Titles the supervision page's review figures need (templates/oversight/_review_figures.html)."""
    return {"ACCOUNTABILITY_CATEGORIES": CATEGORIES, "CHECK_TITLES": CHECK_TITLES}


@bp.get("/cases/<int:case_id>/review")
@login_required
def case_review_page(case_id: int) -> Any:
    return render_template("oversight/case_review.html", review=case_review.case_json(current_user, case_id))
