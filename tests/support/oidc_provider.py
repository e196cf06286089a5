"""A small, real OpenID Connect provider for the tests: on a free localhost port, in a thread.

It stands where マイナポータル's identity confirmation would: discovery (/.well-known/openid-configuration),
/authorize (the authorization code flow; it consents at once for `subject`, as if the person had held
their card to the reader), /token (client secret, single-use codes, PKCE S256 required) and /jwks
(an RSA key generated for this provider). ID tokens are RS256, signed with that key.

A test makes it misbehave on purpose: `claims` overrides claims of the next ID tokens (a wrong nonce,
audience, issuer, expiry), `sign_with` signs them with another key (same `kid`, so a refetch of the
JWKS cannot help), `unsigned` sends an `alg: none` token, `deny` answers the authorization request
with `error=access_denied`. `authorizations` and `token_requests` keep what it received.
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from typing import Any
from urllib.parse import unquote, urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server


def rsa_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"}, private=True)


class OidcProvider:
    """The provider; `issuer` is its URL (the discovery document is under it). `stop()` when done."""

    def __init__(self, client_id: str, client_secret: str, redirect_uris: list[str], subject: str = "taro") -> None:
        self.client_id, self.client_secret, self.redirect_uris = client_id, client_secret, list(redirect_uris)
        self.subject = subject
        self.key = rsa_key("test-key-1")
        self.claims: dict[str, Any] = {}
        self.sign_with: RSAKey | None = None
        self.unsigned = False
        self.deny = False
        self.authorizations: list[dict[str, str]] = []
        self.token_requests: list[dict[str, str]] = []
        self._codes: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()
        self.httpd = make_server("127.0.0.1", 0, self._app(), threaded=True)
        self.issuer = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    # -- the endpoints ---------------------------------------------------------------------------
    def _app(self) -> Flask:
        app = Flask("oidc_provider")

        @app.get("/.well-known/openid-configuration")
        def discovery() -> Any:
            return jsonify({
                "issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"], "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"], "scopes_supported": ["openid"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            })

        @app.get("/jwks")
        def jwks() -> Any:
            return jsonify({"keys": [self.key.as_dict(private=False)]})

        @app.get("/authorize")
        def authorize() -> Any:
            args = request.args.to_dict()
            self.authorizations.append(args)
            if args.get("client_id") != self.client_id or args.get("redirect_uri") not in self.redirect_uris:
                return "unknown client or redirect_uri", 400  # never redirect to a URI nobody registered
            back = args["redirect_uri"]
            if self.deny:
                return redirect(f"{back}?{urlencode({'error': 'access_denied', 'state': args.get('state', '')})}")
            problem = self._authorization_problem(args)
            if problem:
                return redirect(f"{back}?{urlencode({'error': 'invalid_request', 'error_description': problem, 'state': args.get('state', '')})}")
            code = secrets.token_urlsafe(24)
            with self._lock:
                self._codes[code] = {"sub": self.subject, "nonce": args.get("nonce", ""), "redirect_uri": back,
                                     "challenge": args["code_challenge"]}
            return redirect(f"{back}?{urlencode({'code': code, 'state': args.get('state', '')})}")

        @app.post("/token")
        def token() -> Any:
            form = request.form.to_dict()
            self.token_requests.append(form)
            client = self._client(form)
            if client != self.client_id:
                return jsonify({"error": "invalid_client"}), 401
            with self._lock:
                grant = self._codes.pop(form.get("code", ""), None)  # single use
            if form.get("grant_type") != "authorization_code" or grant is None \
                    or form.get("redirect_uri") != grant["redirect_uri"]:
                return jsonify({"error": "invalid_grant"}), 400
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if not verifier or digest != grant["challenge"]:
                return jsonify({"error": "invalid_grant", "error_description": "PKCE verification failed"}), 400
            return jsonify({"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 300,
                            "id_token": self.id_token(grant["sub"], grant["nonce"])})

        return app

    @staticmethod
    def _authorization_problem(args: dict[str, str]) -> str | None:
        if args.get("response_type") != "code":
            return "response_type must be code"
        if "openid" not in (args.get("scope") or "").split():
            return "scope must include openid"
        if not args.get("code_challenge") or args.get("code_challenge_method") != "S256":
            return "PKCE with S256 is required"
        return None

    def _client(self, form: dict[str, str]) -> str | None:
        """The authenticated client id (HTTP Basic, else client_secret_post), or None."""
        auth = request.authorization
        if auth is not None and auth.type == "basic":
            who, secret = unquote(auth.username or ""), unquote(auth.password or "")
        else:
            who, secret = form.get("client_id", ""), form.get("client_secret", "")
        ok = secrets.compare_digest(who, self.client_id) and secrets.compare_digest(secret, self.client_secret)
        return who if ok else None

    # -- ID tokens -----------------------------------------------------------------------------
    def id_token(self, sub: str, nonce: str) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": sub, "aud": self.client_id, "iat": now, "exp": now + 300,
                  "auth_time": now, "nonce": nonce, **self.claims}
        if self.unsigned:
            def part(value: dict[str, Any]) -> str:
                return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
            return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."
        key = self.sign_with or self.key
        return jwt.encode({"alg": "RS256", "kid": self.key.kid, "typ": "JWT"}, claims, key)
