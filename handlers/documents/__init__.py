"""Documents as PDF: 受検票, 合格通知書, 不合格通知, 合格証書, 合格証明書 (Japanese and English), from the registry.

Library: ReportLab (BSD, maintained since 2000, pure Python with a small C helper, wheels for every platform)
drawing on a canvas, with the IPAex TrueType fonts (Debian fonts-ipaexfont) embedded as subsets. Embedded,
because an official certificate must look the same on every viewer and printer: ReportLab's Japanese CID
fonts (HeiseiMin-W3) are not embedded and show in whatever font the reader's viewer substitutes, and
ReportLab cannot embed the CFF-outlined Noto CJK OpenType fonts. WeasyPrint would embed Noto CJK from
HTML/CSS, but needs Pango and its stack of system libraries; a certificate's fixed layout (a frame,
centred lines, a signatory at the foot) is drawn as directly on a canvas, and the PDFs are reproducible
(no time stamp or random id inside: the same registry rows give the same bytes).

Each kind is one module with `missing(facts, today)` (why the application has no such document, or None)
and `render(facts, today)` (the PDF's bytes). No document ever carries a 個人番号: the registry's vault
reference is never read (facts.py), and every value is checked again before drawing (notify's privacy rule).
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import date
from types import ModuleType

from sqlalchemy.orm import Session

from handlers.notify.errors import PersonalNumberRefused
from handlers.notify.privacy import refuse_my_number

from . import (
    admission_ticket,
    certificate,
    certificate_of_pass_en,
    certificate_of_pass_ja,
    fail_notice,
    pass_notice,
)
from .errors import ApplicationNotFound, DocumentError, FontMissing, NotIssued, UnknownKind
from .facts import Facts, load
from .kinds import KINDS, TITLES
from .layout import Document, pdf_name

RENDERERS: dict[str, ModuleType] = {m.KIND: m for m in (
    admission_ticket, pass_notice, fail_notice, certificate, certificate_of_pass_ja, certificate_of_pass_en)}
assert tuple(RENDERERS) == KINDS, "kinds.py names every renderer, in the lifecycle's order"


def renderer(kind: str) -> ModuleType:
    try:
        return RENDERERS[kind]
    except (KeyError, TypeError):
        raise UnknownKind(f"there is no kind of document {kind!r}; the kinds are {', '.join(KINDS)}") from None


def available(facts: Facts, today: date) -> list[str]:
    """The kinds of document the application has on `today`, in the order of the lifecycle."""
    return [kind for kind, module in RENDERERS.items() if module.missing(facts, today) is None]


def render(facts: Facts, kind: str, today: date) -> Document:
    """The document of `kind` for these facts; NotIssued (a sentence) when the application has none yet."""
    module = renderer(kind)
    why = module.missing(facts, today)
    if why is not None:
        raise NotIssued(why)
    try:
        refuse_my_number(asdict(facts))
    except PersonalNumberRefused as exc:
        raise DocumentError(f"application {facts.application_no}: {exc}") from None
    return Document(kind, pdf_name(kind, facts.application_no), module.render(facts, today))


def build(session: Session, application_no: str, kind: str, today: date, *, tenant: str | None = None,
          pseudonym_id: str | None = None) -> Document:
    """Read the application (of `tenant`, of `pseudonym_id`) and render its document of `kind`."""
    renderer(kind)  # an unknown kind is refused before anything is read
    return render(load(session, application_no, tenant=tenant, pseudonym_id=pseudonym_id), kind, today)


__all__ = ["KINDS", "TITLES", "ApplicationNotFound", "Document", "DocumentError", "Facts", "FontMissing",
           "NotIssued", "UnknownKind", "available", "build", "load", "render"]
