"""Who is calling: HTTP Basic with a staff account (the sign-in page's password check, lockout and login
history) or Bearer with an API token; g.viewer is then the account's prefecture and roles.

A missing or unparsable Authorization (Camunda Modeler sends the literal "undefined" before credentials are
entered) is a JSON 401, never a redirect: the Modeler shows its credential fields only on a 401. A Basic
sign-in is checked with argon2 and logged once, then remembered for REMEMBER seconds by a keyed digest of
the header, so a worker polling every 300 ms costs neither an argon2 run nor a login-history row per call;
the account is still read at every call, so deactivation and lockout take effect at once.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import threading
import time
from typing import Any

from flask import current_app, g, request

from engine.db.session import utc
from engine.identity import StaffUser
from engine.identity.tokens import holder
from engine.inbox import Viewer

from .core import RestError, error_body

REMEMBER = 60.0  # seconds a verified Basic credential is trusted without argon2
_remembered: dict[bytes, tuple[int, float]] = {}
_lock = threading.Lock()


def _engine() -> Any:
    return current_app.extensions["kentei.engine"]


def _identity() -> Any:
    return current_app.extensions["kentei.identity"]


def authenticate() -> Any:
    """Set g.viewer and g.rest_user from the Authorization header, or answer 401."""
    header = request.headers.get("Authorization", "").strip()
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        user = _bearer(value.strip())
    elif scheme.lower() == "basic" and value.strip():
        user = _basic(value.strip())
    else:
        return error_body(401, "AuthenticationException",
                          "Authentication required: HTTP Basic with a kentei staff account, or Bearer with an API token")
    if user is None:
        return error_body(401, "AuthenticationException", "The credentials are wrong, the account is locked or "
                                                          "deactivated, or the token is unknown or revoked")
    g.viewer = Viewer(user.username, user.tenant, user.role_set)
    g.rest_user = user.username
    return None


class Caller:
    """A copy of the account's fields, usable after its session closed."""

    def __init__(self, user: StaffUser) -> None:
        self.id, self.username, self.tenant, self.role_set = user.id, user.username, user.tenant, user.role_set


def _bearer(token: str) -> Caller | None:
    engine = _engine()
    with engine.transaction() as s, s.begin():
        user = holder(s, token, engine.now())
        return Caller(user) if user is not None else None


def _basic(value: str) -> Caller | None:
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    if not sep or not username or len(username) > 64 or len(password) > 128:
        return None
    key = hmac.new(current_app.secret_key.encode(), value.encode(), hashlib.sha256).digest()  # type: ignore[union-attr]
    now = time.monotonic()
    with _lock:
        known = _remembered.get(key)
    engine = _engine()
    if known is not None and known[1] > now:
        with engine.reading() as s:
            user = s.get(StaffUser, known[0])
            locked = user is not None and user.locked_until is not None and utc(user.locked_until) > engine.now()
            if user is not None and user.active and not locked:
                return Caller(user)
        with _lock:
            _remembered.pop(key, None)
    with engine.transaction() as s, s.begin():
        result = _identity().sign_in(s, username, password, request.remote_addr)
        if result.outcome != "success":
            return None
        caller = Caller(result.user)
    with _lock:
        if len(_remembered) > 10_000:
            _remembered.clear()
        _remembered[key] = (caller.id, now + REMEMBER)
    return caller


def forget_all() -> None:
    """Drop every remembered Basic credential (tests, a password change in this process)."""
    with _lock:
        _remembered.clear()


def viewer() -> Viewer:
    """The caller (set by authenticate)."""
    return g.viewer  # type: ignore[no-any-return]


def require(*roles: str) -> Viewer:
    """The caller, if they have one of `roles`; else a 403 AuthorizationException."""
    v = viewer()
    if not set(roles) & set(v.roles):
        raise RestError(403, f"The user '{v.user}' needs one of the roles {', '.join(sorted(roles))} for this",
                        "AuthorizationException", userId=v.user, missingAuthorizations=[])
    return v


def may_read_data(v: Viewer | None = None) -> bool:
    """Whether the caller may read personal data (variables, names): anyone but an analyst alone."""
    roles = set((v or viewer()).roles)
    return bool(roles - {"analyst"})


def may_read_instances(v: Viewer | None = None) -> bool:
    """Whether the caller may read process instances and their history (personal data): not an analyst, and
    not an outside worker's account alone (a worker reads the variables of the tasks it fetched, nothing else)."""
    roles = set((v or viewer()).roles)
    return bool(roles - {"analyst", "worker"})


def tenants(requested: list[str] | None, without_tenant: bool = False) -> set[str]:
    """The tenants a list may show: the caller's prefecture and shared definitions (""), narrowed by
    tenantIdIn / withoutTenantId (which can only narrow, never widen)."""
    from engine.db.models import SHARED
    own = {viewer().tenant, SHARED}
    if without_tenant:
        return own & {SHARED}
    if requested:
        return own & set(requested)
    return own
