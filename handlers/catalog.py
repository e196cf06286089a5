"""Every production handler, wired to its adapters: the registry the CLI and the web app run with."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from handlers.registry import certificates as registry_certificates
from handlers.registry import deletion as registry_deletion
from handlers.registry import handlers as registry_handlers
from handlers.base import HandlerContext, HandlerRegistry
from handlers.egov.client import EgovClient
from handlers.egov.handlers import register as register_egov
from handlers.egov.handlers import register_not_connected as register_no_egov
from handlers.jukinet import JukinetClient
from handlers.jukinet import register as register_jukinet
from handlers.jukinet.resync import register as register_resync
from handlers.national import NationalClient
from handlers.national import register as register_national
from handlers.notify import Notifier
from handlers.notify import register as register_notify
from handlers.notify.staff import StaffReminders
from handlers.notify.staff import register as register_staff_reminders
from handlers.vault import IDENTITY_CHECK, Keyring, Vault


@dataclass(frozen=True)
class Adapters:
    """Where the outside services are (from engine Settings; handlers never read the environment)."""

    database_url: str
    keyring_path: Path
    jukinet_url: str
    national_url: str
    smtp_host: str
    smtp_port: int
    mail_from: str
    staff_mail: str = ""  # KENTEI_STAFF_MAIL: where overdue-task reminders are mailed, {tenant} filled in
    egov_url: str = ""  # KENTEI_EGOV_URL: e-Gov 電子申請; empty: no e-Gov channel (the intake finds nothing)


def default_registry(adapters: Adapters | None = None) -> HandlerRegistry:
    """The registry's local handlers always; the remote ones when their adapters are configured."""
    handlers = HandlerRegistry()
    registry_handlers.register(handlers)
    registry_certificates.register(handlers)
    if adapters is None:
        return handlers
    # remote handlers run outside the engine's transaction: they get their own sessions
    db = create_engine(adapters.database_url, connect_args=_connect_args(adapters.database_url))
    sessions = sessionmaker(db, expire_on_commit=False)
    handlers.on_close(db.dispose)
    vault = Vault(Keyring.load_or_create(adapters.keyring_path))
    registry_deletion.register(handlers, vault)
    juki = JukinetClient(adapters.jukinet_url)
    register_jukinet(handlers, juki, _number_resolver(vault, sessions))
    register_resync(handlers, juki, sessions, vault)
    register_notify(handlers, Notifier(sessions, adapters.smtp_host, adapters.smtp_port, adapters.mail_from))
    register_staff_reminders(handlers, StaffReminders(sessions, adapters.smtp_host, adapters.smtp_port,
                                                      adapters.mail_from, adapters.staff_mail))
    register_national(handlers, NationalClient(adapters.national_url))
    if adapters.egov_url:
        register_egov(handlers, EgovClient(adapters.egov_url), sessions, vault)
    else:
        register_no_egov(handlers)
    return handlers


def _connect_args(url: str) -> dict[str, Any]:
    return {"timeout": 30} if url.startswith("sqlite") else {}


def _number_resolver(vault: Vault, sessions: sessionmaker) -> Any:  # type: ignore[type-arg]
    """Reveal the applicant's 個人番号 for the Juki-net check only; the reveal is logged and committed."""
    def resolve(ctx: HandlerContext, data: Mapping[str, Any]) -> str | None:
        ref = data.get("vault_ref")
        if not ref:
            return None
        with sessions() as session, session.begin():
            return vault.reveal(session, str(ref), ctx.tenant, actor=f"job:{ctx.idempotency_key}",
                                purpose=IDENTITY_CHECK)
    return resolve
