"""Single sign-on through the 政务统一身份认证 (OpenID Connect, Authlib): configured by the issuer's URL, a client id
and secret (``LIUHEN_OIDC_*``); the provider's claims name an existing user — by 执法证号 or username — whose roles
stay those kept here.  The session that follows is the same expiring, revocable ``user_sessions`` row as a
password sign-in; an agency may switch local passwords off (profile ``[sign_in] local_passwords = false``)."""
from __future__ import annotations

from typing import Any

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import login_user
from joserfc.errors import JoseError
from requests import RequestException

from webapp import accounts
from webapp.errors import ServiceError
from webapp.views.auth import home_for
from webapp.views.forms import LoginForm

bp = Blueprint("web_sso", __name__)
CLIENT = "liuhen.sso"


def install(app: Flask) -> None:
    """Register the provider when an issuer is configured; its metadata is fetched at the first sign-in."""
    issuer = app.config.get("LIUHEN_OIDC_ISSUER")
    if not issuer:
        return
    oauth = OAuth(app)
    app.extensions[CLIENT] = oauth.register(
        "sso", client_id=app.config["LIUHEN_OIDC_CLIENT_ID"], client_secret=app.config["LIUHEN_OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid profile"})


def _client() -> Any:
    client = current_app.extensions.get(CLIENT)
    if client is None:
        abort(404)
    return client


@bp.get("/login/sso")
def start() -> Any:
    return _client().authorize_redirect(url_for("web_sso.callback", _external=True))


@bp.get("/login/sso/callback")
def callback() -> Any:
    """The provider's answer: the ID token is checked (signature, issuer, audience, nonce) by Authlib."""
    try:
        token = _client().authorize_access_token()
        user = accounts.sso_user(dict(token.get("userinfo") or {}))
    except (AuthlibBaseError, JoseError, RequestException) as exc:
        return _refused(f"统一身份认证未通过：{getattr(exc, 'description', None) or exc}", 401)
    except ServiceError as exc:
        return _refused(exc.message, exc.status)
    session.clear()
    session[accounts.SESSION_KEY] = accounts.start_session(user, "web", request.user_agent.string, method="oidc")
    login_user(user)
    return redirect(home_for(user))


def _refused(message: str, status: int) -> Any:
    return render_template("login.html", form=LoginForm(), error=message), status
