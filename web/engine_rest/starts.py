"""Start an instance: /process-definition/{id}/start (Camunda Modeler's ▶), /key/{key}/start,
/key/{key}/tenant-id/{tenant}/start, and the submit-form twins — always for the caller's prefecture.

By id that exact version starts (a shared one, or the prefecture's own; another prefecture's is a 404);
by key the prefecture's own newest version, else the shared newest, as engine.start. Administrators and
analysts start instances (an analyst tries a diagram from the Modeler and gets no variables back); the
other staff roles file through their own forms (/api/v1/applications checks what a raw start skips).
A step that fails while the instance starts opens an incident, and the instance exists: 200, not
Camunda's 500 "Cannot instantiate process definition".
"""
from __future__ import annotations


from flask import Response

from engine.db.models import SHARED
from engine.errors import NotFound
from engine.instance_queries import instance
from engine.ops_instances import start_definition

from . import wire
from .access import may_read_data, require
from .core import RestError, body, bp, reply
from .process_instances import engine, instance_dto
from .variables import decode, encode

STARTERS = ("admin", "analyst")
BUSINESS_KEY_MAX = 128  # process_instance.business_key


def _definition(key: str, tenant: str) -> int | None:
    """The definition row the prefecture starts for `key`: its own newest, else the shared newest."""
    from engine.repository import OWN_THEN_SHARED
    eng = engine()
    with eng.read() as conn:
        found = eng.fast.run(conn, f"SELECT id FROM process_definition WHERE key = :key AND {OWN_THEN_SHARED} LIMIT 1",
                             {"key": key, "tenant": tenant}).first()
    return found[0] if found else None


def _start(definition_row: int | None, shown: str, form: bool = False) -> Response:
    v = require(*STARTERS)
    data = body()
    if definition_row is None:
        raise RestError(404, shown, "RestException")
    instructions = data.get("startInstructions")
    if instructions not in (None, []):
        raise RestError(400, "startInstructions are not supported: kentei starts an instance at its start event",
                        "InvalidRequestException")
    variables = decode(data.get("variables"), "variables")
    business_key = data.get("businessKey")
    if business_key is not None and (not isinstance(business_key, str) or len(business_key) > BUSINESS_KEY_MAX):
        raise RestError(400, f"businessKey must be a string of at most {BUSINESS_KEY_MAX} characters")
    case = data.get("caseInstanceId")
    if case is not None:
        raise RestError(400, "caseInstanceId is not supported: kentei runs no CMMN cases")
    for name in ("skipCustomListeners", "skipIoMappings", "withVariablesInReturn"):
        if data.get(name) is not None and not isinstance(data.get(name), bool):
            raise RestError(400, f"'{name}' must be true or false")
    with_variables = bool(data.get("withVariablesInReturn")) and not form
    if with_variables and not may_read_data(v):
        raise RestError(403, f"The user '{v.user}' may not read variables (withVariablesInReturn): they may hold "
                             "personal data", "AuthorizationException", userId=v.user, missingAuthorizations=[])
    try:
        iid = start_definition(engine(), definition_row, v.tenant, variables, business_key, v.user)
    except NotFound:
        raise RestError(404, shown, "RestException") from None
    row = instance(engine(), v.tenant, iid, None, with_variables)
    if row is None:  # purged at once? never; but never a 500 either
        raise RestError(404, f"Process instance with id {iid} does not exist")
    dto = instance_dto(row)
    if with_variables:
        dto["variables"] = encode(row["variables"])
    return reply(dto)


def _by_id(definition_id: str) -> int | None:
    return wire.definition_row(definition_id)


def _by_key(key: str) -> int | None:
    if len(key) > 255:
        return None
    return _definition(key, require(*STARTERS).tenant)


def _tenant(tenant_id: str) -> None:
    v = require(*STARTERS)
    if tenant_id != v.tenant:
        raise RestError(404, f"No matching process definition with key and tenant-id {tenant_id[:16]}", "RestException")


@bp.post("/process-definition/<definition_id>/start")
def start_by_id(definition_id: str) -> Response:
    return _start(_checked(definition_id), f"No matching process definition with id {definition_id}")


@bp.post("/process-definition/<definition_id>/submit-form")
def start_form_by_id(definition_id: str) -> Response:
    return _start(_checked(definition_id), f"No matching process definition with id {definition_id}", form=True)


@bp.post("/process-definition/key/<key>/start")
def start_by_key(key: str) -> Response:
    return _start(_by_key(key), f"No matching process definition with key: {key} and no tenant-id")


@bp.post("/process-definition/key/<key>/submit-form")
def start_form_by_key(key: str) -> Response:
    return _start(_by_key(key), f"No matching process definition with key: {key} and no tenant-id", form=True)


@bp.post("/process-definition/key/<key>/tenant-id/<tenant_id>/start")
def start_by_key_and_tenant(key: str, tenant_id: str) -> Response:
    _tenant(tenant_id)
    return _start(_by_key(key), f"No matching process definition with key: {key} and tenant-id: {tenant_id}")


@bp.post("/process-definition/key/<key>/tenant-id/<tenant_id>/submit-form")
def start_form_by_key_and_tenant(key: str, tenant_id: str) -> Response:
    _tenant(tenant_id)
    return _start(_by_key(key), f"No matching process definition with key: {key} and tenant-id: {tenant_id}",
                  form=True)


def _checked(definition_id: str) -> int | None:
    """The row of a definition id whose key and version are that row's (an id made up of another row's number
    names nothing); another prefecture's is left to start_definition (NotFound)."""
    row = _by_id(definition_id)
    if row is None:
        return None
    eng = engine()
    with eng.read() as conn:
        found = eng.fast.run(conn, "SELECT key, version, tenant FROM process_definition WHERE id = :id",
                             {"id": row}).first()
    if found is None or wire.definition_id(found[0], found[1], row) != definition_id:
        return None
    return row if found[2] in (SHARED, require(*STARTERS).tenant) else None
