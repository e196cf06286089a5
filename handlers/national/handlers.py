"""国家資格システム連携 and 合格取消: the remote handlers that keep the national system in step."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.base import BpmnError, HandlerContext, HandlerRegistry

from .client import NationalClient
from .errors import InvalidField, NationalRequestError, RecordNotFound, StaleVersion
from .payload import REVOCATION_DATE_FIELD, REVOCATION_REASON_FIELD, build_payload, record_id, version_of
from .schema import check_date, check_text

SYNC_APPLICANT = "national.sync_applicant"
SYNC_PASSER = "national.sync_passer"
REVOKE = "national.revoke"
DELETE_APPLICANT = "national.delete_applicant"
DELETED_FIELD = "national_deleted"
STATUS_FIELD = "national_sync_status"
# BPMN error codes: neither is cured by a retry, so they go to an error boundary event or straight to an incident.
INVALID_DATA = "national_invalid_data"
REJECTED = "national_rejected"


class NationalSync:
    """The national-system handlers, over one client built at bootstrap."""

    def __init__(self, client: NationalClient) -> None:
        self.client = client

    def sync_applicant(self, ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, str]:
        """受検者情報の連携: send the applicant record of this application."""
        return self._sync("applicant", ctx, data)

    def sync_passer(self, ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, str]:
        """合格者情報の連携: send the passer record of this 技能士番号."""
        return self._sync("passer", ctx, data)

    def revoke(self, ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, str]:
        """合格取消: record 合格取消日 and 合格取消理由 on the passer record."""
        try:
            rid, version = record_id("passer", ctx.tenant, data), version_of(data)
            revoked_on = check_date(data.get(REVOCATION_DATE_FIELD), REVOCATION_DATE_FIELD)
            reason = check_text(data.get(REVOCATION_REASON_FIELD), REVOCATION_REASON_FIELD)
        except InvalidField as err:
            raise BpmnError(INVALID_DATA, str(err)) from None
        try:
            status = self.client.revoke(rid, revoked_on, reason, version)
        except StaleVersion as err:
            # A stale revocation was not applied: the pass still stands remotely, so this is no success.
            raise BpmnError(REJECTED, f"{rid}: {err}") from None
        except NationalRequestError as err:
            raise BpmnError(REJECTED, str(err)) from None
        return {STATUS_FIELD: status}

    def delete_applicant(self, ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, int]:
        """削除: remove the applicant record of each deleted application; one never synced is no error."""
        ids = data.get("deleted_application_ids")
        if not isinstance(ids, list) or not ids:
            raise BpmnError(INVALID_DATA, "deleted_application_ids must list the deleted applications")
        deleted = 0
        for ident in ids:
            try:
                rid = record_id("applicant", ctx.tenant, {"application_id": ident})
                deleted += self.client.delete(rid) == "deleted"
            except InvalidField as err:
                raise BpmnError(INVALID_DATA, str(err)) from None
            except RecordNotFound:
                continue
            except NationalRequestError as err:
                raise BpmnError(REJECTED, str(err)) from None
        return {DELETED_FIELD: deleted}

    def _sync(self, kind: str, ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, str]:
        try:
            rid, version, payload = record_id(kind, ctx.tenant, data), version_of(data), build_payload(kind, data)
        except InvalidField as err:
            raise BpmnError(INVALID_DATA, str(err)) from None
        try:
            status = self.client.sync(rid, kind, ctx.tenant, version, payload)
        except StaleVersion as err:
            if err.current_version is None or err.current_version < version:
                raise
            # The national system already holds this version or a newer one: nothing left to send.
            status = "unchanged"
        except NationalRequestError as err:
            raise BpmnError(REJECTED, str(err)) from None
        return {STATUS_FIELD: status}


def register(registry: HandlerRegistry, client: NationalClient, max_attempts: int | None = None) -> NationalSync:
    """Register the four national-system topics as remote handlers (external jobs, retried with backoff)."""
    sync = NationalSync(client)
    registry.register(SYNC_APPLICANT, sync.sync_applicant, "remote", max_attempts)
    registry.register(SYNC_PASSER, sync.sync_passer, "remote", max_attempts)
    registry.register(REVOKE, sync.revoke, "remote", max_attempts)
    registry.register(DELETE_APPLICANT, sync.delete_applicant, "remote", max_attempts)
    return sync
