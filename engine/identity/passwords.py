"""Password policy and argon2 hashing (argon2-cffi)."""
from __future__ import annotations

import string
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

HASHER = PasswordHasher()  # argon2id with the library's defaults (RFC 9106 low-memory profile)
# For seeding demo and test accounts only: a sign-in rehashes them with HASHER's parameters. Until then a
# sign-in still costs the same as any other (Identity verifies one hash at each of these costs every time).
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)

# Passwords nobody may choose: published ones (the README's demo password) and a few of the most often
# leaked ones that the policy would let through. Compared case-insensitively.
PUBLISHED_PASSWORDS = frozenset(p.casefold() for p in (
    "Kentei-demo-2026",  # kentei.demo_staff.DEMO_PASSWORD, printed by `kentei demo` and in the README
    "Password123!", "Password@123", "Password1234", "Password12345", "P@ssw0rd1234", "P@ssword1234",
    "Passw0rd!234", "Qwerty123456", "Qwerty@12345", "Welcome@1234", "Welcome12345", "Admin@123456",
    "Abcd@1234567", "Aa123456789!", "1qaz2wsx3edc", "1qaz@WSX3edc", "Changeme1234", "Letmein12345",
))
PUBLISHED = "このパスワードは公開されている（デモ用や漏えいしたもの）ため使えません。"


@dataclass(frozen=True)
class PasswordPolicy:
    """At least `min_length` characters from at least `min_classes` of: lower, upper, digits, symbols."""

    min_length: int = 12
    min_classes: int = 3
    max_length: int = 128


DEFAULT_POLICY = PasswordPolicy()


def check_password_policy(password: str, username: str = "", policy: PasswordPolicy = DEFAULT_POLICY) -> list[str]:
    """The policy's complaints about `password` (empty when it is acceptable), in Japanese for the form."""
    problems = []
    if len(password) < policy.min_length:
        problems.append(f"パスワードは{policy.min_length}文字以上にしてください。")
    if len(password) > policy.max_length:
        problems.append(f"パスワードは{policy.max_length}文字以下にしてください。")
    classes = sum(any(c in group for c in password) for group in
                  (string.ascii_lowercase, string.ascii_uppercase, string.digits))
    classes += any(not c.isalnum() for c in password)
    if classes < policy.min_classes:
        problems.append(f"英小文字・英大文字・数字・記号のうち{policy.min_classes}種類以上を使ってください。")
    if username and username.lower() in password.lower():
        problems.append("パスワードにユーザー名を含めないでください。")
    return problems


def is_published(password: str) -> bool:
    """Whether `password` is one of PUBLISHED_PASSWORDS (whatever its letter case)."""
    return password.strip().casefold() in PUBLISHED_PASSWORDS


def hash_password(password: str, hasher: PasswordHasher = HASHER) -> str:
    """An argon2id hash of `password`."""
    return hasher.hash(password)


def verify_password(stored: str, password: str, hasher: PasswordHasher = HASHER) -> bool:
    """Whether `password` matches the stored hash (False for a malformed hash, never an exception)."""
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def made_with(stored: str, hasher: PasswordHasher) -> bool:
    """Whether the stored hash has exactly the hasher's parameters (so verifying it costs what the hasher's do)."""
    return not needs_rehash(stored, hasher)


def needs_rehash(stored: str, hasher: PasswordHasher = HASHER) -> bool:
    """Whether the hash was made with other parameters than the hasher's (e.g. a demo account's)."""
    try:
        return hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True
