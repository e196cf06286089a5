"""Accounts: create, sign in with lockout and login history, change passwords."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import changes
from .models import LoginEvent, StaffUser
from .passwords import (
    DEFAULT_POLICY,
    HASHER,
    PasswordPolicy,
    check_password_policy,
    hash_password,
    needs_rehash,
    verify_password,
)
from .roles import ROLES

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
TENANTS = frozenset(f"{n:02d}" for n in range(1, 48))


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


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands timestamps back naive; they are UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


class Identity:
    """Account rules over a SQLAlchemy session the caller owns (and commits, failures included)."""

    def __init__(self, clock: Callable[[], datetime] = _utc_now, policy: PasswordPolicy = DEFAULT_POLICY,
                 max_failures: int = 5, lockout: timedelta = timedelta(minutes=15),
                 hasher: PasswordHasher = HASHER) -> None:
        """`hasher` hashes passwords; a sign-in rehashes one made with other parameters (e.g. a demo's)."""
        self.clock, self.policy, self.max_failures, self.lockout = clock, policy, max_failures, lockout
        self.hasher = hasher
        self._dummy: str | None = None

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = hash_password("a password nobody has, for timing parity", self.hasher)
        return self._dummy

    def create_user(self, session: Session, username: str, display_name: str, tenant: str,
                    roles: Iterable[str], password: str, actor: str = "cli") -> StaffUser:
        """A new account, recorded as created by `actor`; IdentityError (or a subclass) names what is wrong."""
        username = username.strip().lower()
        if not USERNAME.match(username):
            raise IdentityError("ユーザー名は英小文字・数字・._- の3〜64文字で、英数字で始めてください。")
        if tenant not in TENANTS:
            raise IdentityError("都道府県コードは01〜47の2桁です。")
        wanted = sorted(set(roles))
        if not wanted or any(r not in ROLES for r in wanted):
            raise IdentityError(f"役割は {', '.join(ROLES)} から1つ以上選んでください。")
        if not display_name.strip():
            raise IdentityError("氏名を入力してください。")
        problems = check_password_policy(password, username, self.policy)
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
        """Check a password; every attempt is logged, `max_failures` in a row lock the account for `lockout`."""
        now = self.clock()
        name = (username or "").strip().lower()[:64]
        user = session.scalar(select(StaffUser).where(StaffUser.username == name))
        if user is None:
            verify_password(self._dummy_hash(), password)  # the same work as for a real account
            return self._log(session, SignIn("unknown_user", None), name, remote_addr, now)
        locked_until = _aware(user.locked_until)
        if locked_until is not None and locked_until > now:
            return self._log(session, SignIn("locked", user, locked_until), name, remote_addr, now)
        if not verify_password(user.password_hash, password):
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
        """Change a password under the policy (recorded, by the user unless `actor` says otherwise)."""
        problems = check_password_policy(password, user.username, self.policy)
        if problems:
            raise WeakPassword(problems)
        now = self.clock()
        user.password_hash, user.password_changed_at = hash_password(password, self.hasher), now
        user.failed_attempts, user.locked_until = 0, None
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
            if ",".join(wanted) != user.roles:
                changes.record(session, now, user.tenant, actor, user.username, "roles", user.roles, ",".join(wanted))
                user.roles = ",".join(wanted)
        if active is not None and active != user.active:
            changes.record(session, now, user.tenant, actor, user.username, "activated" if active else "deactivated")
            user.active = active
            if active:
                user.failed_attempts, user.locked_until = 0, None
        session.flush()

    def login_history(self, session: Session, tenant: str, limit: int = 100) -> list[LoginEvent]:
        """One prefecture's sign-in attempts, newest first (unknown names have no prefecture: admins of none)."""
        return list(session.scalars(select(LoginEvent).where(LoginEvent.tenant == tenant)
                                    .order_by(LoginEvent.at.desc(), LoginEvent.id.desc()).limit(limit)))

    def _log(self, session: Session, result: SignIn, name: str, remote_addr: str | None, now: datetime) -> SignIn:
        user = result.user
        session.add(LoginEvent(user_id=user.id if user else None, username=name, tenant=user.tenant if user else None,
                               at=now, outcome=result.outcome, remote_addr=remote_addr))
        session.flush()
        return result
