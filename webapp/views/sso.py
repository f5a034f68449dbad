"""Single sign-on through the 政务统一身份认证 (OpenID Connect, Authlib): configured by the issuer's URL, a client id
and secret (``LIUHEN_OIDC_*``); the provider's claims name an existing user — by 执法证号 or username — whose roles
stay those kept here.  The session that follows is the same expiring, revocable ``user_sessions`` row as a
password sign-in; an agency may switch local passwords off (profile ``[sign_in] local_passwords = false``)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import login_user

from webapp import accounts, oidc
from webapp.errors import ServiceError
from webapp.views.auth import home_for
from webapp.views.forms import LoginForm

bp = Blueprint("web_sso", __name__)


@bp.get("/login/sso")
def start() -> Any:
    return oidc.client().authorize_redirect(url_for("web_sso.callback", _external=True))


@bp.get("/login/sso/callback")
def callback() -> Any:
    """The provider's answer: the ID token is checked (signature, issuer, audience, nonce) by Authlib."""
    try:
        token = oidc.client().authorize_access_token()
        user = accounts.sso_user(dict(token.get("userinfo") or {}))
    except oidc.FAILURES as exc:
        return _refused(oidc.failure_text(exc), 401)
    except ServiceError as exc:
        return _refused(exc.message, exc.status)
    session.clear()
    session[accounts.SESSION_KEY] = accounts.start_session(user, "web", request.user_agent.string, method="oidc")
    login_user(user)
    return redirect(home_for(user))


def _refused(message: str, status: int) -> Any:
    return render_template("login.html", form=LoginForm(), error=message), status
