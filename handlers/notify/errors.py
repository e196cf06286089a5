"""The notification package's exceptions; their messages never echo an address or a number."""
from __future__ import annotations


class NotifyError(Exception):
    """Base class of every error a notification raises on purpose."""


class NoVerifiedRecipient(NotifyError):
    """No verified recipient is recorded for that application in that tenant."""


class RecipientMismatch(NotifyError):
    """The caller named a recipient other than the one recorded for the application."""


class IdempotencyConflict(NotifyError):
    """An idempotency key already used for another notice (other tenant, application or kind)."""


class MailNotSent(NotifyError):
    """The SMTP server did not take the mail; the notice stays pending for a retry."""


class MessageNotFound(LookupError):
    """No such portal message for this pseudonym (also when it is someone else's)."""


class NoticeInvalid(ValueError):
    """A notice context the templates refuse: unknown kind, missing, unknown or malformed fields."""


class PersonalNumberRefused(ValueError):
    """A notice context that holds, or looks like it holds, a 個人番号."""
