"""削除 of an application's notification data: its recipient, portal messages and sent-mail log."""
from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete
from sqlalchemy.orm import Session

from .models import PortalMessage, Recipient, SentMail


def erase_applications(session: Session, tenant: str, application_nos: Collection[str]) -> int:
    """Delete every notification row of those applications in `tenant`; the number of rows deleted."""
    if not application_nos:
        return 0
    erased = 0
    for model in (PortalMessage, SentMail, Recipient):
        result = session.execute(delete(model).where(model.tenant == tenant,
                                                      model.application_id.in_(list(application_nos))))
        erased += result.rowcount or 0
    return erased
