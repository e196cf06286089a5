"""What can go wrong when a document is asked for: each a sentence for the CLI, a 404 on the web."""
from __future__ import annotations


class DocumentError(Exception):
    """A document cannot be made; the message is one plain sentence (never a 個人番号, never a traceback)."""


class UnknownKind(DocumentError):
    """No such kind of document."""


class ApplicationNotFound(DocumentError):
    """No application of that 申請受付ID (in that prefecture, or of that applicant)."""


class NotIssued(DocumentError):
    """The application has no such document yet, or no longer (no ticket before scheduling, no certificate
    before a pass, none after a revocation)."""


class FontMissing(DocumentError):
    """The embedded Japanese font is not installed (Debian: fonts-ipaexfont)."""
