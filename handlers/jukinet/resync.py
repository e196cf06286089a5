"""定期照会: re-query 住基ネット for a prefecture's registered people, one batch per call.

For each active applicant (passers included) with a 個人番号 in the vault, the number is
revealed for the Juki-net check (purpose identity_check, logged) and looked up. Every change
event the register records after the person registered with us — a move, a name change, a
death — becomes one item of `changes`, unless our registry already shows it. An item's
`change_id` names the person, the kind and the event's date, so the same change found again
next month carries the same id, and `engine.start_processes` starts no second correction for it.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers.base import HandlerContext, HandlerRegistry
from handlers.registry.models import Applicant, Application
from handlers.vault import IDENTITY_CHECK, Vault

from .client import JukinetClient
from .models import Change, Resident
from .normalize import fold, same_name

TOPIC = "jukinet.resync"
DEFAULT_BATCH = 100


class ResidentResync:
    """The `jukinet.resync` handler: one batch of people after `resync_cursor`."""

    def __init__(self, client: JukinetClient, sessions: Callable[[], Session], vault: Vault) -> None:
        self.client, self.sessions, self.vault = client, sessions, vault

    def __call__(self, ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
        cursor = int(data.get("resync_cursor") or 0)
        size = int(ctx.properties.get("batchSize", DEFAULT_BATCH))
        if not 1 <= size <= 1000:
            raise ValueError("camunda:property batchSize must be 1 to 1000")
        people = self._batch(ctx.tenant, cursor, size)
        changes: list[dict[str, Any]] = []
        with self.sessions() as session, session.begin():  # one transaction for the batch's logged reveals
            numbers = {p["id"]: self.vault.reveal(session, p["vault_ref"], ctx.tenant,
                                                  actor=f"job:{ctx.idempotency_key}", purpose=IDENTITY_CHECK)
                       for p in people}
        for person in people:
            resident = self.client.lookup_by_number(numbers.pop(person["id"])).resident
            if resident is not None:
                changes += _changes_of(ctx.tenant, person, resident)
        return {"changes": changes, "resync_cursor": people[-1]["id"] if people else cursor,
                "resync_done": len(people) < size,
                "resync_checked": int(data.get("resync_checked") or 0) + len(people),
                "resync_found": int(data.get("resync_found") or 0) + len(changes)}

    def _batch(self, tenant: str, cursor: int, size: int) -> list[dict[str, Any]]:
        """The next `size` active people of the prefecture after `cursor`, with their latest application."""
        latest = (select(Application.applicant_id, func.max(Application.id).label("app_id"))
                  .group_by(Application.applicant_id).subquery())
        with self.sessions() as session:
            rows = session.execute(
                select(Applicant, Application.application_no)
                .join(latest, latest.c.applicant_id == Applicant.id)
                .join(Application, Application.id == latest.c.app_id)
                .where(Applicant.tenant == tenant, Applicant.status == "active", Applicant.vault_ref.is_not(None),
                       Applicant.id > cursor)
                .order_by(Applicant.id).limit(size)).all()
            return [{"id": a.id, "vault_ref": a.vault_ref, "name": a.name, "address": a.address,
                     "registered": a.created_at.date(), "application_id": no} for a, no in rows]


def _changes_of(tenant: str, person: Mapping[str, Any], resident: Resident) -> list[dict[str, Any]]:
    """The register's changes since the person registered that our registry does not show yet."""
    found = []
    for change in resident.changes_since(person["registered"]):
        item = _item(change, person)
        if item is not None:
            found.append({"application_id": person["application_id"], "change_kind": change.kind,
                          "source": "juki_resync", "change_date": change.date.isoformat(),
                          "change_id": f"juki:{tenant}:{person['id']}:{change.kind}:{change.date.isoformat()}",
                          **item})
    return found


def _item(change: Change, person: Mapping[str, Any]) -> dict[str, Any] | None:
    """The new values a change brings, or None when our record already has them."""
    if change.kind == "move":
        new = change.after.get("address", "")
        return None if fold(new) == fold(person["address"]) else {"new_address": new}
    if change.kind == "name_change":
        new = change.after.get("name", "")
        return None if same_name(new, person["name"]) else {
            "new_applicant_name": new, "new_name_kana": change.after.get("name_kana", "")}
    return {}  # death: the person is still active with us, so it is news


def register(registry: HandlerRegistry, client: JukinetClient, sessions: Callable[[], Session], vault: Vault,
             max_attempts: int | None = None) -> None:
    """`jukinet.resync`, remote: each batch is an external job, retried when Juki-net is unavailable."""
    registry.register(TOPIC, ResidentResync(client, sessions, vault), "remote", max_attempts)
