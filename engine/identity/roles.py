"""The staff roles of DOMAIN.md; BPMN candidate groups name them."""
from __future__ import annotations

REVIEWER = "reviewer"  # 審査担当: identity, eligibility, corrections, deletion proposals
SCORER = "scorer"  # 採点担当: marks and attendance
APPROVER = "approver"  # 決裁者: pass decisions, revocations, deletions (never the same person as the doer)
ADMIN = "admin"  # 管理者: deployments, incidents, users
AUDITOR = "auditor"  # 監査: reads logs and history, changes nothing

ROLES: tuple[str, ...] = (REVIEWER, SCORER, APPROVER, ADMIN, AUDITOR)
