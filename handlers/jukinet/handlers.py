"""本人確認 (juki_lookup): the `jukinet.lookup` service-task handler and its registration."""
from __future__ import annotations

from datetime import date
from typing import Any, Callable, Mapping

from handlers.base import BpmnError, Handler, HandlerContext, HandlerRegistry

from .client import JukinetClient
from .errors import JukinetRequestError
from .models import LookupResult, Resident
from .normalize import same_name

TOPIC = "jukinet.lookup"
ERROR_REQUEST_INVALID = "JUKI_REQUEST_INVALID"
FOUR_ITEMS = ("applicant_name", "birth_date", "sex", "address")
_SEX_CODES: dict[str | int, str] = {"1": "1", "2": "2", 1: "1", 2: "2", "男": "1", "女": "2"}

# turns data["vault_ref"] into the 個人番号 (None when the reference resolves to nothing)
NumberResolver = Callable[[HandlerContext, Mapping[str, Any]], "str | None"]


class IdentityCheck:
    """本人確認: look the applicant up in 住基ネット by vault-held 個人番号 or by 4情報."""

    def __init__(self, client: JukinetClient, resolve_number: NumberResolver | None = None) -> None:
        self.client = client
        self.resolve_number = resolve_number

    def __call__(self, ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
        """`juki_*` outputs for the gateway after the task; never the 個人番号 itself."""
        if "my_number" in data:
            # a modelling error, not a business case: the number must live only in the vault
            raise ValueError("a plaintext 個人番号 is not allowed in workflow data; pass vault_ref")
        try:
            if data.get("vault_ref") is not None:
                return self._by_number(ctx, data)
            return self._by_basic_four(data)
        except JukinetRequestError as exc:
            raise BpmnError(ERROR_REQUEST_INVALID, exc.message) from None

    def _by_number(self, ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
        """Lookup by 個人番号; a hit whose 氏名 or 生年月日 differs from the application is a mismatch."""
        if self.resolve_number is None:
            raise ValueError(f"{TOPIC} got a vault_ref but was built without resolve_number")
        my_number = self.resolve_number(ctx, data)
        if not my_number:
            raise BpmnError(ERROR_REQUEST_INVALID, "the vault reference does not resolve to a 個人番号")
        result = self.client.lookup_by_number(my_number)
        resident = result.resident
        differs = _differences(resident, data) if resident else []
        return _output(result, "mismatch" if differs else result.outcome, differs)

    def _by_basic_four(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Lookup by 4情報 (氏名, 生年月日, 性別, 住所)."""
        missing = [key for key in FOUR_ITEMS if data.get(key) in (None, "")]
        if missing:
            raise BpmnError(ERROR_REQUEST_INVALID, f"give vault_ref or all four items; missing: {', '.join(missing)}")
        sex = _SEX_CODES.get(data["sex"]) if isinstance(data["sex"], (str, int)) else None
        if sex is None:
            raise BpmnError(ERROR_REQUEST_INVALID, 'sex must be "1" (男) or "2" (女)')
        result = self.client.lookup_by_basic_four(
            str(data["applicant_name"]), _iso(data["birth_date"]), sex, str(data["address"]))
        return _output(result, result.outcome, [])


def _differences(resident: Resident, data: Mapping[str, Any]) -> list[str]:
    """Which of the application's 氏名 and 生年月日 (when given) differ from the register."""
    differs = []
    name = data.get("applicant_name")
    if name and not (same_name(str(name), resident.name) or same_name(str(name), resident.name_kana)):
        differs.append("name")
    birth = data.get("birth_date")
    if birth and _iso(birth) != resident.birth_date.isoformat():
        differs.append("birth_date")
    return differs


def _output(result: LookupResult, outcome: str, differs: list[str]) -> dict[str, Any]:
    """The handler's output: outcome, the single resident's code, name and status; no 個人番号."""
    # on a mismatch the one resident found is still reported, for the person who resolves it
    resident = result.resident
    return {
        "juki_outcome": outcome,
        "juki_resident_code": resident.resident_code if resident else None,
        "juki_checked_name": resident.name if resident else None,
        "juki_status": resident.status if resident else None,
        "juki_hit_count": len(result.residents),
        "juki_mismatch_fields": differs,
    }


def _iso(value: Any) -> str:
    """A date value from workflow data as YYYY-MM-DD text."""
    return value.isoformat() if isinstance(value, date) else str(value).strip()


def make_identity_check(client: JukinetClient, resolve_number: NumberResolver | None = None) -> Handler:
    """The `jukinet.lookup` handler bound to a client and a vault resolver."""
    return IdentityCheck(client, resolve_number)


def register(registry: HandlerRegistry, client: JukinetClient, resolve_number: NumberResolver | None,
             max_attempts: int | None = None) -> None:
    """Register `jukinet.lookup` as a remote handler (run as an external job, retried when unavailable)."""
    registry.register(TOPIC, make_identity_check(client, resolve_number), "remote", max_attempts)
