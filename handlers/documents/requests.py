"""The document a certificate request issued (certificate_request.bpmn): the 合格証書 reissued, marked 再交付 with
the day of the reissue, or the 合格証明書 (Japanese or English) dated the day it was issued, not the day it is read.

Only an issued request has one; it is read in its prefecture (staff) or for its applicant (the portal) only.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.registry.certificates import document_kind
from handlers.registry.models import Applicant, Application, CertificateRequest

from . import render
from .errors import ApplicationNotFound, NotIssued
from .facts import load
from .layout import Document, pdf_name

JST = timezone(timedelta(hours=9))


class RequestNotFound(ApplicationNotFound):
    """No certificate request of that number (in that prefecture, or of that applicant)."""


def find(session: Session, request_no: str, *, tenant: str | None = None,
         pseudonym_id: str | None = None) -> CertificateRequest:
    """The request by its 交付申請番号, only in `tenant` and only of `pseudonym_id` when given."""
    query = select(CertificateRequest).where(CertificateRequest.request_no == request_no)
    if tenant is not None:
        query = query.where(CertificateRequest.tenant == tenant)
    if pseudonym_id is not None:
        query = (query.join(Application, Application.id == CertificateRequest.application_id)
                 .join(Applicant, Applicant.id == Application.applicant_id)
                 .where(Applicant.pseudonym_id == pseudonym_id, Application.tenant == CertificateRequest.tenant))
    rows = session.scalars(query.limit(2)).all()
    if len(rows) != 1:
        raise RequestNotFound(f"there is no certificate request {request_no}" + (f" in prefecture {tenant}"
                                                                                 if tenant else ""))
    return rows[0]


def build_request(session: Session, request_no: str, *, tenant: str | None = None,
                  pseudonym_id: str | None = None) -> Document:
    """The PDF the request issued; NotIssued while it is not (yet) issued."""
    request = find(session, request_no, tenant=tenant, pseudonym_id=pseudonym_id)
    if request.status != "issued" or request.issued_at is None or request.application_id is None:
        raise NotIssued(f"certificate request {request_no} has issued nothing (it is {request.status})")
    app = session.get(Application, request.application_id)
    facts = load(session, app.application_no, tenant=request.tenant)
    day = request.issued_at.astimezone(JST).date()
    kind = document_kind(request)
    if kind == "certificate":
        facts = replace(facts, reissued_on=day)
    document = render(facts, kind, day)
    return replace(document, filename=pdf_name(kind, request.request_no))
