"""The Notifier: a notice goes to the recipient recorded for its application — portal first, then e-mail — once."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TypedDict

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .errors import IdempotencyConflict, NoticeInvalid, RecipientMismatch
from .issuers import default_issuer
from .kinds import NoticeKind, notice_kind
from .mail import Outgoing, build_message, send
from .models import PortalMessage, Recipient, SentMail
from .privacy import refuse_my_number
from .recipients import RECIPIENT_KEYS, check_named_recipient, recorded_recipient
from .render import render
from .text import html_to_text


class NoticeResult(TypedDict):
    """What notify returns: the portal message's id and whether the notice went by e-mail."""

    portal_message_id: str
    emailed: bool


@dataclass(frozen=True)
class _Prepared:
    """The notice's rows after the first transaction, and the mail still to send."""

    message_id: str
    has_mail: bool
    outgoing: Outgoing | None  # None: no e-mail for this recipient, or it was sent already


def _utcnow() -> datetime:
    """Now, in UTC."""
    return datetime.now(timezone.utc)


class Notifier:
    """Sends notices from a remote job, each call in its own transactions, idempotent by key.

    Design — an outbox, chosen so a retry neither duplicates the portal message nor loses the mail:
    the first transaction checks the recorded recipient, renders the notice and commits the portal
    message together with a *pending* sent_mail row that fixes the one address the mail may go to.
    Only then is the mail handed to SMTP, and a second transaction stamps sent_at. A failed send
    raises (the engine retries the job); the retry finds both rows under the same key, writes
    nothing new and sends the pending mail from the stored portal message, so the mail says exactly
    what the portal shows. The portal message is visible before the mail goes out on purpose: the
    portal inbox is the notice's channel of record (lifecycle step 8), the mail a copy of it.
    What SMTP cannot make exact: a crash after the server accepted the mail and before sent_at
    commits sends it again on retry (at least once); its Message-ID derives from the key, so the
    copy is recognisable. A retry also re-checks the recorded recipient: if the address changed
    in between, it raises RecipientMismatch instead of mailing either address.
    """

    def __init__(self, session_factory: Callable[[], Session], smtp_host: str, smtp_port: int,
                 sender_address: str, *, timeout: float = 30.0, clock: Callable[[], datetime] = _utcnow) -> None:
        """Bind the database, the SMTP server and the From address."""
        self._sessions = session_factory
        self._host, self._port, self._timeout = smtp_host, smtp_port, timeout
        self._sender = sender_address
        self._clock = clock

    def notify(self, tenant: str, application_id: str, kind: str, context: Mapping[str, Any],
               idempotency_key: str, now: datetime | None = None) -> NoticeResult:
        """Deliver one notice to the application's recorded recipient; the same key delivers it once.

        `now` is the workflow's time (the handler context's); the notifier's clock when not given."""
        at = now or self._clock()
        refuse_my_number(context)
        spec = notice_kind(kind)
        if not idempotency_key:
            raise ValueError("a notice needs an idempotency key")
        if context.get("application_id", application_id) != application_id:
            raise NoticeInvalid("the context's application_id is not the application the notice is for")
        try:
            prepared = self._prepare(tenant, application_id, spec, context, idempotency_key, at)
        except IntegrityError:
            # Another worker wrote this key between our read and our insert: its rows are the notice.
            prepared = self._prepare(tenant, application_id, spec, context, idempotency_key, at)
        if prepared.outgoing is not None:
            message = build_message(prepared.outgoing, self._sender, at)
            send(self._host, self._port, self._timeout, message, self._sender, prepared.outgoing.to_address)
            self._mark_sent(idempotency_key, at)
        return {"portal_message_id": prepared.message_id, "emailed": prepared.has_mail}

    def _prepare(self, tenant: str, application_id: str, spec: NoticeKind, context: Mapping[str, Any],
                 key: str, at: datetime) -> _Prepared:
        """Check the recipient and write (or find) the notice's rows; what is left to mail, if anything."""
        with self._sessions() as session, session.begin():
            recipient = recorded_recipient(session, tenant, application_id)
            check_named_recipient(recipient, context)
            message = session.scalar(select(PortalMessage).where(PortalMessage.idempotency_key == key))
            if message is None:
                message, mail = self._write(session, recipient, spec, context, key, at)
            else:
                if (message.tenant, message.application_id, message.kind) != (tenant, application_id, spec.name):
                    raise IdempotencyConflict(f"idempotency key {key!r} was used for another notice")
                mail = session.scalar(select(SentMail).where(SentMail.idempotency_key == key))
            outgoing = None
            if mail is not None and mail.sent_at is None:
                if recipient.email is None or mail.to_address.casefold() != recipient.email.casefold():
                    raise RecipientMismatch(f"the recipient recorded for application {application_id!r} changed "
                                            "after this notice was written; nothing was sent")
                outgoing = Outgoing(key, mail.to_address, mail.subject, message.body_html,
                                    html_to_text(message.body_html))
            return _Prepared(str(message.id), mail is not None, outgoing)

    def _write(self, session: Session, recipient: Recipient, spec: NoticeKind, context: Mapping[str, Any],
               key: str, at: datetime) -> tuple[PortalMessage, SentMail | None]:
        """Render the notice and add its portal message and, for a recipient with e-mail, its pending mail."""
        fields = {"name": recipient.postal_name, "application_id": recipient.application_id,
                  "issuer": default_issuer(recipient.tenant, spec.name, context.get("grade")),
                  **{k: v for k, v in context.items() if k not in RECIPIENT_KEYS}}
        rendered = render(spec.name, fields)
        message = PortalMessage(id=uuid.uuid4(), pseudonym_id=recipient.pseudonym_id, tenant=recipient.tenant,
                                application_id=recipient.application_id, kind=spec.name, subject=rendered.subject,
                                body_html=rendered.html, created_at=at, idempotency_key=key)
        session.add(message)
        mail = None
        if recipient.email:
            mail = SentMail(idempotency_key=key, tenant=recipient.tenant, application_id=recipient.application_id,
                            to_address=recipient.email, subject=rendered.subject, sent_at=None)
            session.add(mail)
        session.flush()
        return message, mail

    def _mark_sent(self, key: str, at: datetime) -> None:
        """Stamp the mail sent, in its own transaction."""
        with self._sessions() as session, session.begin():
            session.execute(update(SentMail).where(SentMail.idempotency_key == key, SentMail.sent_at.is_(None))
                            .values(sent_at=at))
