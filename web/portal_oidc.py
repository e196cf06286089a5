"""The portal's sign-in through an OpenID Connect provider (and the demo sign-in's helpers), as マイナポータル's identity confirmation would sit in
front of it (KENTEI_PORTAL_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET), with Authlib's Flask client.

The authorization code flow with PKCE (S256). Authlib keeps the state, the nonce and the code verifier in the
session between the redirect and the callback, refuses a callback whose state it did not issue (or issued and
already used), and checks the ID token: its signature against the provider's JWKS (only the algorithms the
provider's discovery document names; never `none`), `iss` (the configured issuer, which the discovery document
must name exactly), `aud` (our client id), `exp`/`iat` and the nonce. Anything else is a 400 with a sentence,
and nobody is signed in; the reason goes to the log.

The pseudonymous ID is derived, never stored in a table of its own: PSN- and the first 128 bits (32 letters a–p, engine.identity.pseudonyms)
of HMAC-SHA256(key, issuer + "|" + subject). The same person at the same provider always gets the same ID, so
their applications and notices are theirs again at the next sign-in; another provider's subject gives another
ID. The key (KENTEI_PORTAL_PSEUDONYM_KEY, else a random key in a 0600 file beside the keyring, created once)
makes the IDs unguessable: knowing someone's subject (which the provider may give other services too) is not
enough to compute their ID, and 128 bits cannot be guessed or collide (a collision is expected only after about
2^64 people). The truncation keeps the ID short enough for "portal:<ID>" as the actor the engine records
(64 characters). Keep the key with the keyring and back it up: without it, applicants' IDs change and their
applications are no longer found at sign-in.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from typing import Any

import requests
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.flask_client import OAuth, OAuthError
from flask import abort, current_app, render_template, request, session, url_for
from flask_babel import gettext as _
from joserfc.errors import JoseError
from sqlalchemy import func, select

from engine.identity import pseudonyms
from handlers.registry.models import Applicant

from .portal import bp, engine, sign_in
from .portal_session import PSEUDONYM, SESSION_KEY
from .security import kept_secret

CLIENT = "portal_oidc"  # Authlib's name for our client: its sign-ins in progress are session["_state_portal_oidc_…"]
KEY_FILE = "portal_pseudonym.key"
_clients_lock = threading.Lock()


def configured() -> bool:
    settings = engine().settings
    return bool(settings.portal_oidc_issuer and settings.portal_oidc_client_id)


def new_pseudonym() -> str:
    """A new random pseudonymous ID (128 bits from `secrets`): the demo's new applicant."""
    return pseudonyms.new()


def demo_applicants(listed: int = 5) -> list[str]:
    """The newest applicants' pseudonymous IDs, for the demo's sign-in page only (the demo's IDs are random)."""
    with engine().reading() as s:
        rows = s.execute(select(Applicant.pseudonym_id).where(Applicant.pseudonym_id.like("PSN-%"))
                         .group_by(Applicant.pseudonym_id).order_by(func.max(Applicant.id).desc()).limit(10 * listed))
        return [p for (p,) in rows if PSEUDONYM.fullmatch(p)][:listed]


def pseudonym_for(issuer: str, subject: str) -> str:
    """The applicant's pseudonymous ID for the provider's subject (see the module's docstring)."""
    return pseudonyms.from_bits(hmac.new(_key(), f"{issuer}|{subject}".encode(), hashlib.sha256).digest())


def _key() -> bytes:
    settings = engine().settings
    if settings.portal_pseudonym_key:
        return settings.portal_pseudonym_key.encode()
    return kept_secret(settings.keyring_path.parent / KEY_FILE, lambda: secrets.token_hex(32)).encode()


def _client() -> Any:
    """Authlib's client for the configured provider, one per app and configuration (discovery read once)."""
    settings = engine().settings
    config = (settings.portal_oidc_issuer, settings.portal_oidc_client_id, settings.portal_oidc_client_secret)
    with _clients_lock:
        clients = current_app.extensions.setdefault("kentei.portal_oidc", {})
        if config not in clients:
            oauth = OAuth(current_app._get_current_object())  # type: ignore[attr-defined]
            clients[config] = oauth.register(
                CLIENT, client_id=config[1], client_secret=config[2] or None,
                server_metadata_url=f"{config[0].rstrip('/')}/.well-known/openid-configuration",
                client_kwargs={"scope": "openid", "code_challenge_method": "S256", "default_timeout": 10,
                               "token_endpoint_auth_method": "client_secret_basic" if config[2] else "none"})
        return clients[config]


class WrongIssuer(Exception):
    """The provider's discovery document names another issuer than the one configured (a mix-up, or a typo)."""


def _issuer(client: Any) -> str:
    """The configured issuer, once the provider's discovery document has named it exactly."""
    named, issuer = client.load_server_metadata().get("issuer"), engine().settings.portal_oidc_issuer
    if named != issuer:
        raise WrongIssuer(f"the discovery document names the issuer {named!r}, not {issuer!r}")
    return str(issuer)


def _refused(message: str, reason: str, status: int = 400) -> Any:
    current_app.logger.warning("portal: OpenID Connect sign-in refused: %s", reason)
    session.pop(SESSION_KEY, None)
    title = _("ただいまログインできません") if status == 503 else _("ログインできませんでした")
    return render_template("portal_error.html", title=title, message=message), status


def _unavailable(reason: str) -> Any:
    return _refused(_("本人確認サービスに接続できませんでした。時間をおいてもう一度お試しください。"), reason, 503)


@bp.get("/login/oidc")
def oidc_login() -> Any:
    """Off to the provider; it comes back to oidc_callback."""
    if not configured():
        abort(404)
    client = _client()
    try:
        _issuer(client)
        return client.authorize_redirect(url_for("portal.oidc_callback", _external=True))
    except (requests.RequestException, ValueError) as exc:  # ValueError: a discovery document that is no JSON
        return _unavailable(f"the provider's discovery document could not be read: {exc}")
    except WrongIssuer as exc:
        return _unavailable(str(exc))


@bp.get("/login/oidc/callback")
def oidc_callback() -> Any:
    if not configured():
        abort(404)
    client = _client()
    state = request.args.get("state") or ""
    if request.args.get("error"):  # the person cancelled, or the provider could not confirm them
        client.framework.clear_state_data(session, state)
        return _refused(_("本人確認が完了しませんでした。ログインするには、もう一度本人確認をしてください。"),
                        f"the provider answered {request.args.get('error')!r} "
                        f"({request.args.get('error_description') or 'no description'})")
    try:
        issuer = _issuer(client)
        token = client.authorize_access_token()  # state, code + verifier, ID token: signature, iss, aud, exp, nonce
        subject = (token.get("userinfo") or {}).get("sub")
        if "id_token" not in token or not isinstance(subject, str) or not subject:
            raise OAuthError(description="the token response carries no ID token with a subject")
    except MismatchingStateError:
        return _refused(_("ログインの手続きを確認できませんでした。期限が切れたか、別の画面で始めた手続きです。"
                          "もう一度ログインしてください。"),
                        f"a callback with a state this session did not issue or already used ({len(state)} characters)")
    except requests.RequestException as exc:
        return _unavailable(f"the provider could not be reached: {exc}")
    except WrongIssuer as exc:
        return _unavailable(str(exc))
    except (OAuthError, JoseError, ValueError) as exc:  # the token endpoint refused, or the ID token did not check out
        return _refused(_("本人確認の結果を確かめられなかったため、ログインしませんでした。もう一度ログインしてください。"),
                        f"{type(exc).__name__}: {exc}")
    return sign_in(pseudonym_for(issuer, subject))
