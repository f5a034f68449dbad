"""A small OpenID Connect provider for the single sign-on tests, served on 127.0.0.1: discovery, an authorize
endpoint that signs in whoever the test names (no page), a token endpoint that checks the client's secret and the
code, and the JWKS; ID tokens are RS256-signed JWTs (joserfc, which Authlib itself uses)."""
from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from flask import Flask, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CLIENT_ID, CLIENT_SECRET = "liuhen", "provider-secret"


class Provider:
    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        self.claims: dict[str, Any] = {}  # the person who "signs in" at the next authorize
        self.codes: dict[str, dict[str, Any]] = {}
        self.issuer = ""
        self.tamper = False  # sign the next ID token with another key

    def app(self) -> Flask:
        app = Flask("oidc-provider")
        app.add_url_rule("/.well-known/openid-configuration", view_func=self.discovery)
        app.add_url_rule("/authorize", view_func=self.authorize)
        app.add_url_rule("/token", view_func=self.token, methods=["POST"])
        app.add_url_rule("/jwks", view_func=lambda: jsonify({"keys": [self.key.as_dict(private=False)]}))
        return app

    def discovery(self) -> Any:
        i = self.issuer
        return jsonify({"issuer": i, "authorization_endpoint": f"{i}/authorize", "token_endpoint": f"{i}/token",
                        "jwks_uri": f"{i}/jwks", "response_types_supported": ["code"],
                        "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
                        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]})

    def authorize(self) -> Any:
        if request.args.get("client_id") != CLIENT_ID or request.args.get("response_type") != "code":
            abort(400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"nonce": request.args.get("nonce"), "claims": dict(self.claims)}
        return redirect(f"{request.args['redirect_uri']}?{urlencode({'code': code, 'state': request.args['state']})}")

    def token(self) -> Any:
        auth = request.authorization
        client = (auth.username, auth.password) if auth else (request.form.get("client_id"), request.form.get("client_secret"))
        grant = self.codes.pop(request.form.get("code", ""), None)
        if client != (CLIENT_ID, CLIENT_SECRET) or grant is None:
            return jsonify({"error": "invalid_grant"}), 400
        id_token = self.id_token({"nonce": grant["nonce"], **grant["claims"]})
        return jsonify({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                        "id_token": id_token})

    def id_token(self, claims: dict[str, Any]) -> str:
        """An RS256 ID token for this client, valid five minutes; ``claims`` may override any standard claim."""
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300, **claims}
        key = RSAKey.generate_key(2048, parameters={"kid": "test-key"}) if self.tamper else self.key
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key)

    def device_sign_in(self, **claims: Any) -> str:
        """What a field tablet does at the provider itself (code flow to its own redirect URI): the ID token it gets."""
        self.claims = {"sub": "device-1", **claims}
        back = requests.get(f"{self.issuer}/authorize", params={
            "client_id": CLIENT_ID, "response_type": "code", "state": "s", "nonce": "n",
            "redirect_uri": "http://127.0.0.1:9/device"}, allow_redirects=False, timeout=10)
        code = parse_qs(urlsplit(back.headers["Location"]).query)["code"][0]
        res = requests.post(f"{self.issuer}/token", data={"grant_type": "authorization_code", "code": code},
                            auth=(CLIENT_ID, CLIENT_SECRET), timeout=10)
        return str(res.json()["id_token"])


@contextmanager
def running_provider() -> Iterator[Provider]:
    provider = Provider()
    server = make_server("127.0.0.1", 0, provider.app(), threaded=True)
    provider.issuer = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
