"""The demo's certificate requests after the passes: a 合格証明書 in English asked for on paper, a 合格証書 reissue
from the portal, in each prefecture; staff check the paper requester, the applicants pay, the documents issue."""
from __future__ import annotations

import random
from collections import Counter
from typing import Any, Callable

from sqlalchemy import select

from handlers.registry.models import Applicant, Application, CertificateRequest, Passer


def file_requests(engine: Any, rng: random.Random, tenants: tuple[str, ...], clerk: Callable[[str], str]) -> int:
    """Two requests per prefecture for passes picked at random; how many were filed."""
    filed = 0
    for tenant in tenants:
        with engine.reading() as s:
            passes = s.execute(select(Application.application_no, Applicant.name, Applicant.birth_date,
                                      Applicant.pseudonym_id)
                               .join(Passer, Passer.application_id == Application.id)
                               .join(Applicant, Applicant.id == Application.applicant_id)
                               .where(Application.tenant == tenant, Passer.revoked_on.is_(None))
                               .order_by(Application.id)).all()
        if not passes:
            continue
        paper, portal = rng.choice(passes), rng.choice(passes)
        engine.start("certificate_request", tenant, {
            "channel": "paper", "request_kind": "certificate_of_pass", "language": "en", "medium": "paper",
            "copies": 1, "application_id": paper.application_no, "requester_name": paper.name,
            "requester_birth_date": paper.birth_date.isoformat(), "requested_by": clerk(tenant)}, actor=clerk(tenant))
        filed += 1
        if portal.pseudonym_id:
            engine.start("certificate_request", tenant, {
                "channel": "portal", "request_kind": "reissue", "language": "ja", "medium": "electronic",
                "copies": 1, "reason": "lost", "application_id": portal.application_no,
                "pseudonym_id": portal.pseudonym_id, "requested_by": f"portal:{portal.pseudonym_id}"},
                actor=f"portal:{portal.pseudonym_id}")
            filed += 1
    return filed


def pay_fees(engine: Any) -> None:
    """Each request's applicant pays its 納付書 in full."""
    with engine.reading() as s:
        due = s.execute(select(CertificateRequest.request_no, CertificateRequest.fee)
                        .where(CertificateRequest.status == "fee_due")).all()
    for request_no, fee in due:
        engine.correlate("fee_paid", request_no, {"fee_paid_amount": fee}, message_id=f"PAY-{request_no}")


def outcomes(engine: Any) -> dict[str, int]:
    with engine.reading() as s:
        counts = Counter(s.scalars(select(CertificateRequest.status)).all())
    return dict(sorted(counts.items()))
