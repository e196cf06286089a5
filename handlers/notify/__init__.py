"""Notices to applicants — portal inbox and e-mail — only ever to the recipient recorded for the application."""
from __future__ import annotations

from .errors import (IdempotencyConflict, MailNotSent, MessageNotFound, NoticeInvalid, NotifyError,
                     NoVerifiedRecipient, PersonalNumberRefused, RecipientMismatch)
from .erasure import erase_applications
from .handlers import register, result_key, topic
from .inbox import inbox, mark_read
from .kinds import KINDS, NoticeKind
from .models import NotifyBase, PortalMessage, Recipient, SentMail
from .privacy import refuse_my_number
from .recipients import record_recipient, recorded_recipient
from .render import Rendered, render
from .sender import NoticeResult, Notifier

__all__ = [
    "erase_applications",
    "KINDS", "IdempotencyConflict", "MailNotSent", "MessageNotFound", "NoVerifiedRecipient", "NoticeInvalid",
    "NoticeKind", "NoticeResult", "Notifier", "NotifyBase", "NotifyError", "PersonalNumberRefused",
    "PortalMessage", "Recipient", "RecipientMismatch", "Rendered", "SentMail", "inbox", "mark_read",
    "record_recipient", "recorded_recipient", "refuse_my_number", "register", "render", "result_key", "topic",
]
