"""Accounts: create, sign in with lockout and login history, change passwords."""
from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from engine.text_rules import bad_character, require_clean

from . import changes
from .models import LoginEvent, StaffSession, StaffUser
from .passwords import (
    DEFAULT_POLICY,
    FAST_HASHER,
    HASHER,
    PUBLISHED,
    PasswordPolicy,
    check_password_policy,
    hash_password,
    is_published,
    made_with,
    needs_rehash,
    verify_password,
)
from .roles import ROLES, SYSTEM_ROLES
from .tokens import digest

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
TENANTS = frozenset(f"{n:02d}" for n in range(1, 48))
SUFFIX = re.compile(r"-(\d{2})$")  # the prefecture suffix of account names: reviewer1-13
SAME_PASSWORD = "今のパスワードとは違うパスワードにしてください。"


class IdentityError(ValueError):
    """An account request the rules refuse; the message says why (for the form or the CLI)."""


class UserExists(IdentityError):
    """The username is taken."""


class WeakPassword(IdentityError):
    """The password breaks the policy; `problems` lists each rule broken."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt, already written to the login history."""

    outcome: str  # success | bad_password | locked | unknown_user | inactive
    user: StaffUser | None
    locked_until: datetime | None = None


@dataclass(frozen=True)
class LiveSession:
    """What a request's session id is worth: `user` when the session is live, and what the caller writes."""

    user: StaffUser | None  # the account, active, of a session seen within the idle timeout
    stale: bool = False  # live, but last seen long enough ago that the caller should touch it
    dead: bool = False  # a record that has ended (idle, or its account deactivated): the caller ends it


@dataclass(frozen=True)
class LoginRow:
    """One line of a prefecture's login history."""

    id: int
    at: datetime
    username: str  # as typed, or masked (an unknown name shown to every prefecture)
    outcome: str
    remote_addr: str | None
    masked: bool = False


def masked_address(address: str | None) -> str | None:
    """An unknown name's address as every prefecture sees it: the network only (203.0.*.*), since the attempt
    may have come from another prefecture's office; a burst from one network still shows."""
    if not address:
        return address
    if ":" in address:
        return ":".join(address.split(":")[:2]) + ":*"
    parts = address.split(".")
    return ".".join(parts[:2] + ["*"] * (len(parts) - 2)) if len(parts) == 4 else "*"


def masked(name: str) -> str:
    """An unknown typed name as every prefecture's admins see it: its first character (people type passwords there)."""
    return name[:1] + "…"


def suffix_tenant(name: str) -> str | None:
    """The prefecture an account name's suffix names (reviewer1-13 → 13), if any."""
    m = SUFFIX.search(name)
    return m.group(1) if m and m.group(1) in TENANTS else None


def _cost(hasher: PasswordHasher) -> tuple[object, ...]:
    return (hasher.type, hasher.time_cost, hasher.memory_cost, hasher.parallelism, hasher.hash_len, hasher.salt_len)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands timestamps back naive; they are UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


class Identity:
    """Account rules over a SQLAlchemy session the caller owns (and commits, failures included)."""

    def __init__(self, clock: Callable[[], datetime] = _utc_now, policy: PasswordPolicy = DEFAULT_POLICY,
                 max_failures: int = 5, lockout: timedelta = timedelta(minutes=15),
                 hasher: PasswordHasher = HASHER, seed_hashers: tuple[PasswordHasher, ...] = (FAST_HASHER,)) -> None:
        """`hasher` hashes passwords; a sign-in rehashes one made with other parameters (e.g. the demo's
        `seed_hashers`). Every sign-in attempt verifies one hash at each of these costs (`_verify`)."""
        self.clock, self.policy, self.max_failures, self.lockout = clock, policy, max_failures, lockout
        self.hasher = hasher
        self.costs: list[PasswordHasher] = [hasher]
        for seed in seed_hashers:
            if all(_cost(seed) != _cost(h) for h in self.costs):
                self.costs.append(seed)
        self._dummies: list[str] | None = None

    def _dummy_hashes(self) -> list[str]:
        """A hash of a password nobody has at each cost (made on the first attempt, whatever its name)."""
        if self._dummies is None:
            self._dummies = [hash_password(secrets.token_urlsafe(16), h) for h in self.costs]
        return self._dummies

    def _verify(self, stored: str | None, password: str) -> bool:
        """Whether `password` matches the stored hash (None: no such account), with the same argon2 work
        whatever the account, its state or its hash's cost: one verification at each of `costs`, the stored
        hash at its own cost and a dummy at the others. (A hash with yet other parameters, left by an older
        policy, is verified besides, until the account's next sign-in rehashes it.)"""
        own = next((i for i, h in enumerate(self.costs) if stored is not None and made_with(stored, h)), None)
        matched = False
        for i, dummy in enumerate(self._dummy_hashes()):
            if i == own and stored is not None:
                matched = verify_password(stored, password, self.costs[i])
            else:
                verify_password(dummy, password, self.costs[i])
        if stored is not None and own is None:
            matched = verify_password(stored, password, self.hasher)
        return matched

    def create_user(self, session: Session, username: str, display_name: str, tenant: str,
                    roles: Iterable[str], password: str, actor: str = "cli",
                    refuse_published: bool = False) -> StaffUser:
        """A new account, recorded as created by `actor`; IdentityError (or a subclass) names what is wrong.
        With `refuse_published` (an admin's form) a published password (the demo's) is refused too."""
        username = username.strip().lower()
        if not USERNAME.match(username):
            raise IdentityError("ユーザー名は英小文字・数字・._- の3〜64文字で、英数字で始めてください。")
        if tenant not in TENANTS:
            raise IdentityError("都道府県コードは01〜47の2桁です。")
        wanted = sorted(set(roles))
        if not wanted or any(r not in ROLES for r in wanted):
            raise IdentityError(f"役割は {', '.join(ROLES)} から1つ以上選んでください。")
        _system_roles_by_cli(wanted, actor)
        if not display_name.strip():
            raise IdentityError("氏名を入力してください。")
        require_clean(display_name, IdentityError("氏名に使えない文字（制御文字や文字の向きを変える記号）が含まれています。"))
        problems = check_password_policy(password, username, self.policy)
        if refuse_published and is_published(password):
            problems.append(PUBLISHED)
        if problems:
            raise WeakPassword(problems)
        if session.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None:
            raise UserExists(f"ユーザー名 {username} は使われています。")
        now = self.clock()
        user = StaffUser(username=username, display_name=display_name.strip(), tenant=tenant, roles=",".join(wanted),
                         password_hash=hash_password(password, self.hasher), active=True, failed_attempts=0,
                         password_changed_at=now, created_at=now)
        session.add(user)
        session.flush()
        changes.record(session, now, tenant, actor, username, "created", None, user.roles)
        return user

    def sign_in(self, session: Session, username: str, password: str, remote_addr: str | None = None) -> SignIn:
        """Check a password; every attempt is logged, `max_failures` in a row lock the account for `lockout`.
        Every attempt does the same argon2 work first, so its time tells nothing of the name or the account."""
        now = self.clock()
        name = (username or "").strip().lower()[:64]
        if any(bad_character(c) for c in name):  # no account has such a name (nor may a database see a NUL)
            name = "".join(c for c in name if not bad_character(c))[:63] + "?"
        user = None if name.endswith("?") else session.scalar(select(StaffUser).where(StaffUser.username == name))
        matched = self._verify(user.password_hash if user is not None else None, password)
        if user is None:
            return self._log(session, SignIn("unknown_user", None), name, remote_addr, now)
        locked_until = _aware(user.locked_until)
        if locked_until is not None and locked_until > now:
            return self._log(session, SignIn("locked", user, locked_until), name, remote_addr, now)
        if not matched:
            user.failed_attempts += 1
            if user.failed_attempts >= self.max_failures:
                user.locked_until, user.failed_attempts = now + self.lockout, 0
            return self._log(session, SignIn("bad_password", user, _aware(user.locked_until)), name, remote_addr, now)
        if not user.active:
            return self._log(session, SignIn("inactive", user), name, remote_addr, now)
        user.failed_attempts, user.locked_until, user.last_login_at = 0, None, now
        if needs_rehash(user.password_hash, self.hasher):
            user.password_hash = hash_password(password, self.hasher)
        return self._log(session, SignIn("success", user), name, remote_addr, now)

    def set_password(self, session: Session, user: StaffUser, password: str, actor: str | None = None) -> None:
        """Change a password under the policy, to neither the current one nor a published one (recorded, by the
        user unless `actor` says otherwise). Every session of the account ends: the caller starts a new one
        for the browser that changed it."""
        problems = check_password_policy(password, user.username, self.policy)
        if is_published(password):
            problems.append(PUBLISHED)
        if not problems and verify_password(user.password_hash, password):
            problems.append(SAME_PASSWORD)
        if problems:
            raise WeakPassword(problems)
        now = self.clock()
        user.password_hash, user.password_changed_at = hash_password(password, self.hasher), now
        user.failed_attempts, user.locked_until = 0, None
        self.end_sessions(session, user.id)
        session.flush()
        changes.record(session, now, user.tenant, actor or user.username, user.username, "password")

    def change_user(self, session: Session, user: StaffUser, roles: Iterable[str] | None = None,
                    active: bool | None = None, actor: str = "cli") -> None:
        """New roles and/or (de)activation, each change recorded with `actor`; an inactive account cannot
        sign in and its tokens stop working."""
        now = self.clock()
        if roles is not None:
            wanted = sorted(set(roles))
            if not wanted or any(r not in ROLES for r in wanted):
                raise IdentityError(f"役割は {', '.join(ROLES)} から1つ以上選んでください。")
            _system_roles_by_cli((set(wanted) ^ user.role_set) & SYSTEM_ROLES, actor)
            if ",".join(wanted) != user.roles:
                changes.record(session, now, user.tenant, actor, user.username, "roles", user.roles, ",".join(wanted))
                user.roles = ",".join(wanted)
        if active is not None and active != user.active:
            changes.record(session, now, user.tenant, actor, user.username, "activated" if active else "deactivated")
            user.active = active
            if active:
                user.failed_attempts, user.locked_until = 0, None
            else:
                self.end_sessions(session, user.id)
        session.flush()

    def start_session(self, session: Session, user: StaffUser, idle: timedelta) -> str:
        """A new session of `user` (after a sign-in or a password change): the id for its cookie. Sessions
        anyone left idle for longer than `idle` are deleted on the way."""
        now = self.clock()
        session.execute(delete(StaffSession).where(StaffSession.last_seen_at < now - idle))
        token = secrets.token_urlsafe(32)
        session.add(StaffSession(user_id=user.id, token_hash=digest(token), created_at=now, last_seen_at=now))
        session.flush()
        return token

    def live_session(self, session: Session, token: str | None, idle: timedelta,
                     touch: timedelta = timedelta(minutes=1)) -> LiveSession:
        """The account of a session id, if the session exists, was seen within `idle` and its account is
        active. It only reads (on SQLite a read takes no write lock): the caller touches a session last seen
        `touch` ago or more (`touch_session`) and ends a dead one (`end_session`)."""
        if not token:
            return LiveSession(None)
        row = session.scalar(select(StaffSession).where(StaffSession.token_hash == digest(token)))
        if row is None:
            return LiveSession(None)
        since = self.clock() - _aware(row.last_seen_at)  # type: ignore[operator]
        user = session.get(StaffUser, row.user_id)
        if since > idle or user is None or not user.active:
            return LiveSession(None, dead=True)
        return LiveSession(user, stale=since >= touch)

    def touch_session(self, session: Session, token: str) -> None:
        """The session was used now (the idle timeout counts from here)."""
        session.execute(update(StaffSession).where(StaffSession.token_hash == digest(token))
                        .values(last_seen_at=self.clock()))

    def end_session(self, session: Session, token: str | None) -> None:
        """Sign-out (or a dead session found): the record goes, so no copy of its cookie opens anything."""
        if token:
            session.execute(delete(StaffSession).where(StaffSession.token_hash == digest(token)))

    def end_sessions(self, session: Session, user_id: int) -> None:
        """Every session of one account ends (a password change, deactivation)."""
        session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))

    def login_history(self, session: Session, tenant: str, limit: int = 100) -> list[LoginRow]:
        """One prefecture's sign-in attempts, newest first: its accounts', those with unknown names that end
        in its suffix ("-13"), and those with unknown names without a prefecture suffix, which every
        prefecture sees with the name masked (`masked`). No row is linked to an account."""
        def newest(*where: Any) -> list[LoginEvent]:
            return list(session.scalars(select(LoginEvent).where(*where)
                                        .order_by(LoginEvent.at.desc(), LoginEvent.id.desc()).limit(limit)))
        rows = [LoginRow(e.id, _aware(e.at), e.username, e.outcome, e.remote_addr)  # type: ignore[arg-type]
                for e in newest(LoginEvent.tenant == tenant)]
        rows += [LoginRow(e.id, _aware(e.at), masked(e.username), e.outcome, masked_address(e.remote_addr),
                          True)  # type: ignore[arg-type]
                 for e in newest(LoginEvent.tenant.is_(None), LoginEvent.user_id.is_(None))]
        rows.sort(key=lambda r: (r.at, r.id), reverse=True)
        return rows[:limit]

    def _log(self, session: Session, result: SignIn, name: str, remote_addr: str | None, now: datetime) -> SignIn:
        user = result.user
        session.add(LoginEvent(user_id=user.id if user else None, username=name,
                               tenant=user.tenant if user else suffix_tenant(name),
                               at=now, outcome=result.outcome, remote_addr=remote_addr))
        session.flush()
        return result


def _system_roles_by_cli(roles: Iterable[str], actor: str) -> None:
    """A system-wide role (運用担当) is given or taken only on the operator's command line."""
    system = sorted(set(roles) & SYSTEM_ROLES)
    if system and actor != "cli":
        raise IdentityError(f"役割 {', '.join(system)} は全国共通の役割で、運用担当がコマンドで付与します。")
