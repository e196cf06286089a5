"""One notice as a multipart e-mail, handed to an SMTP server for exactly one recipient."""
from __future__ import annotations

import hashlib
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from .errors import MailNotSent

log = logging.getLogger("kentei.notify")


@dataclass(frozen=True)
class Outgoing:
    """What goes out: one address, and the notice exactly as the portal shows it."""

    idempotency_key: str
    to_address: str
    subject: str
    html: str
    text: str


def build_message(mail: Outgoing, sender: str, now: datetime) -> EmailMessage:
    """A multipart/alternative message (text, then HTML) in UTF-8, To exactly the one address."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = mail.to_address
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(now)
    # The same key gives the same Message-ID, so a mail resent after a lost acknowledgement can be deduplicated.
    digest = hashlib.sha256(mail.idempotency_key.encode("utf-8")).hexdigest()[:32]
    domain = sender.rpartition("@")[2] or "localhost"
    msg["Message-ID"] = f"<{digest}@{domain}>"
    msg.set_content(mail.text, charset="utf-8")
    msg.add_alternative(mail.html, subtype="html", charset="utf-8")
    return msg


def _describe(exc: BaseException) -> str:
    """What went wrong, for the incident, without the recipient's address."""
    # Refusals carry the address in their text; report codes only, as the errors' messages promise.
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "recipient refused, codes " + ", ".join(str(code) for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{type(exc).__name__} {exc.smtp_code} {text}"
    return f"{type(exc).__name__}: {exc}"


def send(host: str, port: int, timeout: float, message: EmailMessage, sender: str, to_address: str) -> None:
    """Hand `message` to the SMTP server for `to_address` only; MailNotSent if it was not accepted."""
    try:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    except OSError as exc:
        raise MailNotSent(f"the SMTP server {host}:{port} could not be reached: {_describe(exc)}") from exc
    try:
        # The envelope names the one recorded address; headers never decide where a notice goes.
        smtp.send_message(message, from_addr=sender, to_addrs=[to_address])
    except (smtplib.SMTPException, OSError) as exc:
        smtp.close()
        raise MailNotSent(f"the SMTP server did not accept the notice: {_describe(exc)}") from exc
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError) as exc:  # the mail was accepted; a failed goodbye changes nothing
        log.info("SMTP QUIT after an accepted notice failed: %s", exc)
    finally:
        smtp.close()
