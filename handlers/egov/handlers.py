"""`egov.fetch_packages` and `egov.send_notices`: the remote handlers of the e-Gov intake process (egov_intake.bpmn).

Fetching takes each new package once, whatever happens around it: the package is stored (and its 個人番号 put
in the vault and left out of what is stored) or refused, in one transaction keyed by the 到達番号, before e-Gov is
told it was received. A package fetched again — e-Gov had not heard of the receipt, or the step ran twice — is
found by that key and only acknowledged again. The step's result lists every taken package not yet started, so
a crash between storing and starting loses nothing; `engine.start_processes` starts each once (business key =
到達番号), and the application's 申請登録 reads the form from egov_package (handlers/egov/applications.py).
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.base import HandlerContext, HandlerRegistry
from handlers.vault import REGISTRATION, Vault

from . import notices
from .client import EgovClient
from .models import EgovNotice, EgovPackage
from .package import PackageRefused, check

FETCH, SEND = "egov.fetch_packages", "egov.send_notices"
DEFAULT_BATCH = 100
log = logging.getLogger(__name__)


class EgovExchange:
    """Both handlers over one client, the handlers' own sessions and the vault."""

    def __init__(self, client: EgovClient, sessions: Callable[[], Session], vault: Vault) -> None:
        self.client, self.sessions, self.vault = client, sessions, vault

    def fetch(self, ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
        size = int(ctx.properties.get("batchSize", DEFAULT_BATCH))
        if not 1 <= size <= 1000:
            raise ValueError("camunda:property batchSize must be 1 to 1000")
        now = ctx.now or datetime.now(timezone.utc)
        found, more = self.client.new_packages(ctx.tenant, size)
        taken = refused = 0
        for package in found:
            package_id = package.get("package_id") if isinstance(package, dict) else None
            if not isinstance(package_id, str) or not package_id:
                log.warning("e-Gov sent a package without a 到達番号 to prefecture %s; left for e-Gov", ctx.tenant)
                continue
            outcome = self._take(ctx, package, package_id, now)
            taken, refused = taken + (outcome == "taken"), refused + (outcome == "refused")
            self.client.receipt(ctx.tenant, package_id)
        return {"egov_packages": self._waiting(ctx.tenant, now), "egov_more": more,
                "egov_taken": int(data.get("egov_taken") or 0) + taken,
                "egov_refused": int(data.get("egov_refused") or 0) + refused}

    def _take(self, ctx: HandlerContext, package: dict[str, Any], package_id: str, now: datetime) -> str:
        """Store or refuse one package, all or nothing; 'known' when it was taken before."""
        with self.sessions() as session, session.begin():
            if session.scalar(select(EgovPackage.id).where(EgovPackage.package_id == package_id)) is not None:
                return "known"
            submitted = _moment(package.get("submitted_at"))
            try:
                intake = check(package, ctx.tenant)
            except PackageRefused as refusal:
                session.add(EgovPackage(tenant=ctx.tenant, package_id=package_id, status="refused",
                                        submitted_at=submitted, taken_at=now, refusal_reason=refusal.reason))
                notices.refused(session, ctx.tenant, package_id, refusal.reason, now)
                return "refused"
            ref = None if intake.my_number is None else self.vault.store(
                session, ctx.tenant, intake.my_number, actor=f"job:{ctx.idempotency_key}", purpose=REGISTRATION)
            session.add(EgovPackage(tenant=ctx.tenant, package_id=package_id, status="taken", submitted_at=submitted,
                                    taken_at=now, form=orjson.dumps(intake.form).decode(),
                                    attachments=orjson.dumps(intake.attachments).decode(), vault_ref=ref))
            return "taken"

    def _waiting(self, tenant: str, now: datetime) -> list[dict[str, Any]]:
        """Every taken package whose application has not registered yet: its 到達番号 only (the form stays in
        egov_package; 申請登録 reads it there), so this process's data holds nothing about the person."""
        with self.sessions() as session:
            ids = session.scalars(select(EgovPackage.package_id).where(EgovPackage.tenant == tenant,
                                                                       EgovPackage.status == "taken")
                                  .order_by(EgovPackage.id).limit(1000)).all()
        return [{"package_id": package_id, "channel": "egov"} for package_id in ids]

    def send(self, ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
        """Send the prefecture's unsent 電子通知書, oldest first; each is marked sent once e-Gov has it."""
        with self.sessions() as session:
            waiting = session.scalars(select(EgovNotice).where(EgovNotice.tenant == ctx.tenant,
                                                               EgovNotice.sent_at.is_(None))
                                      .order_by(EgovNotice.id).limit(1000)).all()
        now = ctx.now or datetime.now(timezone.utc)
        for notice in waiting:
            self.client.notice(ctx.tenant, notice.package_id, {
                "notice_id": f"kentei-{ctx.tenant}-{notice.id}", "kind": notice.kind,
                "title": notices.TITLES[notice.kind], "text": notice.text, "issued_at": _aware(notice.created_at).isoformat(),
                **({"application_id": notice.application_no} if notice.application_no else {})})
            with self.sessions() as session, session.begin():
                session.get(EgovNotice, notice.id).sent_at = now
        return {"egov_notices_sent": int(data.get("egov_notices_sent") or 0) + len(waiting)}


def _aware(moment: datetime) -> datetime:
    """A stored time as aware UTC (SQLite gives it back naive)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _moment(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return None if moment is None else _aware(moment)


def register(registry: HandlerRegistry, client: EgovClient, sessions: Callable[[], Session], vault: Vault) -> None:
    """Both topics, remote: each call is an external job, retried while e-Gov is unavailable."""
    exchange = EgovExchange(client, sessions, vault)
    registry.register(FETCH, exchange.fetch, "remote")
    registry.register(SEND, exchange.send, "remote")


def register_not_connected(registry: HandlerRegistry) -> None:
    """An installation without e-Gov (KENTEI_EGOV_URL empty): the intake runs and says so in its data."""
    def nothing(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
        return {"egov_packages": [], "egov_more": False, "egov_connected": False}
    registry.register(FETCH, nothing, "local")
    registry.register(SEND, nothing, "local")
