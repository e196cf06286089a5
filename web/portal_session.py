"""Who is signed in to the applicant portal: the cookie names a server-side session (engine.identity.
portal_sessions) and its applicant; signing in ends whatever this browser's session held, staff's too."""
from __future__ import annotations

from typing import Any

from flask import current_app, g, session

from engine.identity import portal_sessions
from engine.identity.pseudonyms import PSEUDONYM

from .auth import PORTAL_SID
from .auth import SESSION_ID as STAFF_SID

SESSION_KEY = "portal_pseudonym"
# Pseudonymous IDs as they are issued (engine.identity.pseudonyms), random (the demo's) or derived from the
# provider's subject (portal_oidc.pseudonym_for). Anything else is refused: guessable IDs, and the notices
# table's staff reminders (staff:<tenant>:<who>) and paper applicants' inboxes (paper-<申請受付ID>).


def _engine() -> Any:
    return current_app.extensions["kentei.engine"]


def me() -> str | None:
    """The signed-in applicant's pseudonymous ID, or None: the session must live on the server (not signed
    out, used within the idle timeout) and be that applicant's; a dead one is forgotten."""
    if "portal_me" in g:
        return g.portal_me  # type: ignore[no-any-return]
    value, token = session.get(SESSION_KEY), session.get(PORTAL_SID)
    found = None
    if isinstance(value, str) and PSEUDONYM.fullmatch(value) and isinstance(token, str):
        now, idle = _engine().now(), current_app.permanent_session_lifetime
        with _engine().reading() as s:
            owner, dead, stale = portal_sessions.live(s, token, now, idle)
        if dead or stale:
            with _engine().transaction() as s, s.begin():
                (portal_sessions.end(s, token) if dead else portal_sessions.touch(s, token, now))
        found = value if owner == value else None
    if found is None and (value is not None or token is not None):
        session.pop(SESSION_KEY, None)
        session.pop(PORTAL_SID, None)
    g.portal_me = found
    return found


def begin(pseudonym: str) -> None:
    """A new session for the applicant; what this browser had (an applicant's or staff's) ends on the server."""
    with _engine().transaction() as s, s.begin():
        portal_sessions.end(s, session.get(PORTAL_SID))
        current_app.extensions["kentei.identity"].end_session(s, session.get(STAFF_SID))
        session.clear()
        session.permanent = True
        session[PORTAL_SID] = portal_sessions.start(s, pseudonym, _engine().now(),
                                                    current_app.permanent_session_lifetime)
    session[SESSION_KEY] = pseudonym
    g.portal_me = pseudonym


def end() -> None:
    """Sign-out: the server's record goes, so a copy of the cookie opens nothing any more."""
    with _engine().transaction() as s, s.begin():
        portal_sessions.end(s, session.get(PORTAL_SID))
    session.clear()
