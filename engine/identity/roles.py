"""The staff roles of DOMAIN.md; BPMN candidate groups name them."""
from __future__ import annotations

REVIEWER = "reviewer"  # 審査担当: identity, eligibility, corrections, deletion proposals
SCORER = "scorer"  # 採点担当: marks and attendance
APPROVER = "approver"  # 決裁者: pass decisions, revocations, deletions (never the same person as the doer)
ADMIN = "admin"  # 管理者: deployments, incidents, users
AUDITOR = "auditor"  # 監査: reads logs and history, changes nothing
PAYMENT = "payment"  # 収納連携: the payment gateway's account, sends fee_paid messages through the API, sees no task
OPERATOR = "operator"  # 運用担当 (system-wide): deploys the shared definitions every prefecture runs
ANALYST = "analyst"  # 業務設計担当: deploys and validates diagrams, reads definitions, decisions and statistics;
#                      never personal data (no variables, no names)
WORKER = "worker"  # 外部ワーカー: an outside program's account that serves external tasks (fetchAndLock) of its
#                    prefecture's topics listed in KENTEI_EXTERNAL_TOPICS; sees no user task

ROLES: tuple[str, ...] = (REVIEWER, SCORER, APPROVER, ADMIN, AUDITOR, PAYMENT, OPERATOR, ANALYST, WORKER)
# granted only by the operator's own command line (kentei user-add / user-roles), never by a prefecture's admin
SYSTEM_ROLES: frozenset[str] = frozenset({OPERATOR})
