"""The verified recipient of an application: record it, look it up, check a caller against it."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import NoVerifiedRecipient, RecipientMismatch
from .models import Recipient

# Context keys by which a caller names a recipient; they only ever confirm the recorded one.
ADDRESS_KEYS = ("email", "to")
PSEUDONYM_KEY = "pseudonym_id"
RECIPIENT_KEYS = (*ADDRESS_KEYS, PSEUDONYM_KEY)


def record_recipient(session: Session, *, tenant: str, application_id: str, pseudonym_id: str,
                     email: str | None, postal_name: str, postal_address: str, verified_at: datetime) -> Recipient:
    """Record (or replace) the verified recipient of an application; flushes, never commits."""
    if email is not None and ("@" not in email or any(c in email for c in "\r\n,; ")):
        raise ValueError("a recipient e-mail must be one plain address")
    row = session.scalar(select(Recipient).where(Recipient.tenant == tenant,
                                                 Recipient.application_id == application_id))
    if row is None:
        row = Recipient(tenant=tenant, application_id=application_id)
        session.add(row)
    row.pseudonym_id, row.email, row.verified_at = pseudonym_id, email, verified_at
    row.postal_name, row.postal_address = postal_name, postal_address
    session.flush()
    return row


def recorded_recipient(session: Session, tenant: str, application_id: str) -> Recipient:
    """The recipient recorded for (tenant, application_id), or NoVerifiedRecipient."""
    row = session.scalar(select(Recipient).where(Recipient.tenant == tenant,
                                                 Recipient.application_id == application_id))
    if row is None:
        raise NoVerifiedRecipient(f"no verified recipient is recorded for application {application_id!r} "
                                  f"in tenant {tenant!r}; a notice goes only to the recorded recipient")
    return row


def _same_address(a: str | None, b: str | None) -> bool:
    """Whether two addresses name the same mailbox."""
    # Addresses differ in case only by who typed them; anything else is another mailbox.
    return a is not None and b is not None and a.strip().casefold() == b.strip().casefold()


def check_named_recipient(recipient: Recipient, context: Mapping[str, Any]) -> None:
    """RecipientMismatch if the context names an address or pseudonym other than the recorded ones."""
    where = f"application {recipient.application_id!r}"
    for key in ADDRESS_KEYS:
        if key not in context:
            continue
        value = context[key]
        named = [value] if isinstance(value, str) else value if isinstance(value, (list, tuple)) else [value]
        if not named or not all(isinstance(a, str) and _same_address(a, recipient.email) for a in named):
            raise RecipientMismatch(f"the context's {key!r} is not the recipient recorded for {where}; "
                                    "nothing was sent")
    if PSEUDONYM_KEY in context and context[PSEUDONYM_KEY] != recipient.pseudonym_id:
        raise RecipientMismatch(f"the context's {PSEUDONYM_KEY!r} is not the one recorded for {where}; "
                                "nothing was sent")
