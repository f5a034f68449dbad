"""统一身份认证 (OpenID Connect, Authlib), one client for the web sign-in and the API: configured by the issuer's URL,
a client id and secret (``LIUHEN_OIDC_*``); the provider's claims name an existing user (:func:`accounts.sso_user`),
whose roles stay those kept here."""
from __future__ import annotations

from typing import Any

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from authlib.oidc.core import CodeIDToken
from flask import Flask, current_app
from joserfc.errors import JoseError
from requests import RequestException

from webapp import accounts
from webapp.errors import NotFound, Unauthorized
from webapp.models import User

CLIENT = "liuhen.sso"
#: what a failed check at the provider raises: a bad signature, issuer, audience or expiry, or the provider unreachable
FAILURES = (AuthlibBaseError, JoseError, RequestException, ValueError)


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


def client() -> Any:
    """The registered provider client; 404 in Chinese where no provider is configured."""
    found = current_app.extensions.get(CLIENT)
    if found is None:
        raise NotFound("本系统未配置统一身份认证")
    return found


def failure_text(exc: Exception) -> str:
    return f"统一身份认证未通过：{getattr(exc, 'description', None) or exc}"


def id_token_user(id_token: str) -> User:
    """The user named by an ID token a device obtained from the provider itself (its own code flow with PKCE), checked
    as the web callback checks one — signature against the provider's published keys, issuer, audience (this
    client), expiry — so a field tablet signs in with 统一身份认证 and then holds an ordinary Liuhen device token."""
    try:
        claims = client().parse_id_token({"id_token": id_token}, nonce=None, claims_cls=CodeIDToken)
    except FAILURES as exc:
        raise Unauthorized(failure_text(exc)) from exc
    return accounts.sso_user(dict(claims))
