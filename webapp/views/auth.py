"""Sign-in and sign-out with a session cookie (Flask-Login); passwords checked against Werkzeug hashes."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from handlers.audit_actions import Action
from handlers.roles import TASK_ROLES
from webapp.accounts import authenticate
from webapp.db import db
from webapp.errors import Unauthorized
from webapp.store import audit
from webapp.views.forms import CsrfOnly, LoginForm

bp = Blueprint("web_auth", __name__)


def home_for(user: Any) -> str:
    """Where a user lands: the task inbox for officers and managers, else their own workspace."""
    if user.has_any(*TASK_ROLES):
        return url_for("web_inbox.inbox")
    if user.has_role("designer"):
        return url_for("web_designer.index")
    if user.has_role("admin"):
        return url_for("web_admin.users")
    if user.has_role("judicial"):
        return url_for("oversight.supervision_page")
    return url_for("web_cases.index")


@bp.get("/")
def root() -> Any:
    if not current_user.is_authenticated:
        return redirect(url_for("web_auth.login"))
    return redirect(home_for(current_user))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data)
        except Unauthorized as exc:
            error = exc.message
        else:
            login_user(user)
            audit.append(user.agency_id, Action.USER_SIGNED_IN, actor_id=user.id, detail={"via": "web"})
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
    return render_template("login.html", form=form, error=error), (401 if error else 200)


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (no scheme, no host) may follow sign-in: no open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


@bp.post("/logout")
@login_required
def logout() -> Any:
    if CsrfOnly().validate_on_submit():
        logout_user()
        flash("您已退出登录")
    return redirect(url_for("web_auth.login"))
