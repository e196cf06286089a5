"""Staff accounts: the rules for creating them, sign-in with lockout, the login history, rehashing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.identity import Identity, IdentityError, LoginEvent, StaffUser, UserExists, WeakPassword
from engine.identity.passwords import FAST_HASHER, check_password_policy

GOOD = "Sakura-2026-haru"


@pytest.fixture
def identity(clock):  # type: ignore[no-untyped-def]
    return Identity(clock=clock, hasher=FAST_HASHER)


def _user(engine, identity, username="reviewer1-13", tenant="13", roles=("reviewer",)):  # type: ignore[no-untyped-def]
    with engine.transaction() as s, s.begin():
        return identity.create_user(s, username, "佐藤 審査1", tenant, roles, GOOD).id


def _sign_in(engine, identity, username, password):  # type: ignore[no-untyped-def]
    with engine.transaction() as s, s.begin():
        result = identity.sign_in(s, username, password, remote_addr="192.0.2.7")
        return result.outcome, result.locked_until


@pytest.mark.parametrize(("password", "complaint"), [
    ("Short-1a", "12文字以上"), ("alllowercaseletters", "3種類以上"), ("Reviewer1-13-Password", "ユーザー名"),
])
def test_the_password_policy_names_each_rule_broken(password: str, complaint: str) -> None:
    problems = check_password_policy(password, "reviewer1-13")
    assert any(complaint in p for p in problems), problems
    assert check_password_policy(GOOD, "reviewer1-13") == []


def test_create_user_refuses_bad_input_and_duplicates(engine, identity):  # type: ignore[no-untyped-def]
    _user(engine, identity)
    cases = [dict(username="Bad Name"), dict(tenant="48"), dict(roles=("superuser",)), dict(roles=())]
    for over in cases:
        args = dict(username="other-13", tenant="13", roles=("reviewer",)) | over
        with engine.transaction() as s, s.begin(), pytest.raises(IdentityError):
            identity.create_user(s, args["username"], "名前", args["tenant"], args["roles"], GOOD)
    with engine.transaction() as s, s.begin(), pytest.raises(UserExists):
        identity.create_user(s, "REVIEWER1-13", "名前", "13", ["reviewer"], GOOD)
    with engine.transaction() as s, s.begin(), pytest.raises(WeakPassword) as weak:
        identity.create_user(s, "other-13", "名前", "13", ["reviewer"], "weak")
    assert len(weak.value.problems) >= 2
    with engine.transaction() as s:
        assert s.scalars(select(StaffUser.username)).all() == ["reviewer1-13"]


def test_five_failures_lock_the_account_for_fifteen_minutes(engine, identity, clock):  # type: ignore[no-untyped-def]
    _user(engine, identity)
    for _ in range(4):
        assert _sign_in(engine, identity, "reviewer1-13", "wrong")[0] == "bad_password"
    outcome, until = _sign_in(engine, identity, "reviewer1-13", "wrong")
    assert outcome == "bad_password" and until == clock.now + timedelta(minutes=15)
    assert _sign_in(engine, identity, "reviewer1-13", GOOD)[0] == "locked"  # even the right password
    clock.advance(minutes=15)
    assert _sign_in(engine, identity, "reviewer1-13", GOOD)[0] == "success"
    with engine.transaction() as s:
        user = s.scalar(select(StaffUser))
        assert user.failed_attempts == 0 and user.locked_until is None and user.last_login_at is not None


def test_every_attempt_is_in_the_login_history_of_its_prefecture(engine, identity):  # type: ignore[no-untyped-def]
    _user(engine, identity)
    _user(engine, identity, "reviewer1-27", "27")
    _sign_in(engine, identity, "reviewer1-13", GOOD)
    _sign_in(engine, identity, "reviewer1-13", "wrong")
    _sign_in(engine, identity, "reviewer1-27", GOOD)
    assert _sign_in(engine, identity, "nobody", GOOD)[0] == "unknown_user"
    with engine.transaction() as s:
        history = identity.login_history(s, "13")
        assert [(e.username, e.outcome, e.remote_addr) for e in history] == [  # "nobody": every prefecture's, masked
            ("n…", "unknown_user", "192.0.*.*"), ("reviewer1-13", "bad_password", "192.0.2.7"),
            ("reviewer1-13", "success", "192.0.2.7")]
        unknown = s.scalars(select(LoginEvent).where(LoginEvent.tenant.is_(None))).all()
        assert [(e.username, e.outcome) for e in unknown] == [("nobody", "unknown_user")]


def test_an_inactive_account_cannot_sign_in(engine, identity):  # type: ignore[no-untyped-def]
    uid = _user(engine, identity)
    with engine.transaction() as s, s.begin():
        s.get(StaffUser, uid).active = False
    assert _sign_in(engine, identity, "reviewer1-13", GOOD)[0] == "inactive"
    assert _sign_in(engine, identity, "reviewer1-13", "wrong")[0] == "bad_password"  # no hint that it exists


def test_a_seeded_hash_is_upgraded_at_sign_in_and_passwords_change_under_the_policy(engine, clock):  # type: ignore[no-untyped-def]
    from argon2 import PasswordHasher
    seeded = Identity(clock=clock, hasher=FAST_HASHER)
    uid = _user(engine, seeded)
    stronger = Identity(clock=clock, hasher=PasswordHasher(time_cost=2, memory_cost=16384, parallelism=1))
    assert _sign_in(engine, stronger, "reviewer1-13", GOOD)[0] == "success"
    with engine.transaction() as s, s.begin():
        user = s.get(StaffUser, uid)
        assert "m=16384,t=2" in user.password_hash
        with pytest.raises(WeakPassword):
            stronger.set_password(s, user, "short")
        stronger.set_password(s, user, "Momiji-2026-aki")
    assert _sign_in(engine, stronger, "reviewer1-13", GOOD)[0] == "bad_password"
    assert _sign_in(engine, stronger, "reviewer1-13", "Momiji-2026-aki")[0] == "success"
