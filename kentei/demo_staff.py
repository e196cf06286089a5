"""Demo staff accounts: one set per demo prefecture, each person with their own account and role."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.identity import Identity, StaffUser
from engine.identity.passwords import FAST_HASHER

DEMO_PASSWORD = "Kentei-demo-2026"  # printed by `kentei demo`; documented in the README
PREFECTURES = {"13": "東京都", "27": "大阪府", "01": "北海道"}
PEOPLE = {  # role → the family names of that role's staff in every demo prefecture
    "reviewer": ("佐藤", "鈴木", "高橋"),
    "scorer": ("田中", "伊藤", "渡辺"),
    "approver": ("山本", "中村", "小林"),
    "admin": ("加藤",),
    "auditor": ("吉田",),
    "analyst": ("松本",),  # 業務設計担当: the modeler and Camunda Modeler's deploy, no personal data
    "payment": ("山田",),  # the payment gateway's account: its token sends fee_paid
}
ROLE_JA = {"reviewer": "審査", "scorer": "採点", "approver": "決裁", "admin": "管理", "auditor": "監査",
           "analyst": "業務設計", "payment": "収納連携"}


def demo_username(role: str, number: int, tenant: str) -> str:
    """e.g. reviewer1-13: the account the demo's simulated staff work as."""
    return f"{role}{number}-{tenant}"


def seed_staff(engine: Any, tenants: tuple[str, ...]) -> list[str]:
    """Create the demo accounts that do not exist yet; the usernames created.

    Hashed with cheap argon2 parameters so seeding takes no time; the first sign-in rehashes
    each with the web app's parameters.
    """
    identity = Identity(clock=engine.now, hasher=FAST_HASHER)
    created = []
    with engine.transaction() as session, session.begin():
        existing = set(session.scalars(select(StaffUser.username)))
        for tenant in tenants:
            for role, names in PEOPLE.items():
                for number, family in enumerate(names, start=1):
                    username = demo_username(role, number, tenant)
                    if username in existing:
                        continue
                    display = f"{family} {ROLE_JA[role]}{number}（{PREFECTURES.get(tenant, tenant)}）"
                    identity.create_user(session, username, display, tenant, [role], DEMO_PASSWORD, actor="demo")
                    created.append(username)
    return created
