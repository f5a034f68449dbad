"""Sign-in and sign-out with a session cookie (Flask-Login) backed by a ``user_sessions`` row (idle timeout,
absolute lifetime, revocable); the user's own password change, required first when the password is due."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from handlers.roles import TASK_ROLES
from webapp import accounts
from webapp.db import db
from webapp.errors import ServiceError
from webapp.views.forms import CsrfOnly, LoginForm, PasswordForm

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
@accounts.limiter.limit(accounts.login_limit, methods=["POST"], deduct_when=accounts.login_failed)
@accounts.limiter.limit(accounts.account_limit, key_func=accounts.account_key, methods=["POST"],
                        deduct_when=accounts.login_failed)
def login() -> Any:
    form = LoginForm()
    error, status = None, 200
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.username.data, form.password.data)
        except ServiceError as exc:
            error, status = exc.message, exc.status
        else:
            session.clear()
            session[accounts.SESSION_KEY] = accounts.start_session(user, "web", request.user_agent.string)
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
    return render_template("login.html", form=form, error=error), status


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
        if (row := accounts.current_session()) is not None:
            accounts.end_session(row, "logout")
            db.session.commit()
        logout_user()
        session.clear()
        flash("您已退出登录")
    return redirect(url_for("web_auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> Any:
    """The user's own password: the old one, then a new one meeting the policy; then sign in again everywhere."""
    form = PasswordForm()
    error = None
    if form.validate_on_submit():
        if form.new_password.data != form.confirm.data:
            error = "两次输入的新密码不一致"
        else:
            try:
                accounts.change_password(current_user, form.old_password.data, form.new_password.data)
            except ServiceError as exc:
                error = exc.message
            else:
                logout_user()
                session.clear()
                flash("密码已修改，请用新密码登录")
                return redirect(url_for("web_auth.login"))
    due = accounts.password_due(current_user)
    return render_template("password.html", form=form, error=error, due=due), 422 if error else 200


@bp.get("/account/sessions")
@login_required
def sessions() -> Any:
    return render_template("sessions.html", sessions=accounts.sessions_of(current_user),
                           current=accounts.current_session())


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int) -> Any:
    """End one device: the owner's own, or (the administrator) one of a user of the agency."""
    if CsrfOnly().validate_on_submit():
        row = accounts.revoke(current_user, session_id)
        flash("已注销该登录设备")
        if row.user_id != current_user.id:
            return redirect(url_for("web_admin.edit_user", user_id=row.user_id))
    return redirect(url_for("web_auth.sessions"))


#: what a signed-in user whose password is due may still open
BEFORE_PASSWORD = ("web_auth.password", "web_auth.logout", "static")


def require_password_change() -> Any:
    """Pages wait until a due password is changed (first sign-in, after a reset, expired)."""
    if request.path.startswith(("/api/", "/oversight/api/")) or request.endpoint in BEFORE_PASSWORD:
        return None
    if current_user.is_authenticated and accounts.password_due(current_user):
        flash("请先修改密码")
        return redirect(url_for("web_auth.password"))
    return None
