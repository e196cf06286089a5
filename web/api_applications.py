"""/api/v1/applications: a program files an application (a prefecture's intake system, or staff keying a
paper form) and reads one back. The same checks as the portal's form; the 個人番号 goes to the vault and
only its reference reaches the workflow. A request `id` makes a retried call file nothing twice.
"""
from __future__ import annotations

import re
import uuid
from typing import Any

from flask import Response, g, jsonify
from sqlalchemy import select

from engine.db.models import SHARED, ProcessDefinition, ProcessInstance
from engine.errors import Conflict, DuplicateBusinessKey, NotFound
from engine.identity.pseudonyms import PSEUDONYM
from handlers.registry.models import Applicant, Application

from .api import ApiError, _body, bp, token_required
from .auth import engine
from .portal_forms import application_values, check_my_number, start_data
from .vaults import file_with_number

PROCESS = "application"
FILERS = {"reviewer", "admin"}  # 審査担当 keys in paper applications; 管理者 runs intake interfaces
ONLINE_FILERS = {"admin"}  # an online filing names the applicant's portal ID: only an intake system's token
FLAGS = ("written_exemption_claimed", "practical_exemption_claimed")
REQUEST_ID = re.compile(r"[0-9A-Za-z._:-]{1,64}")


def _form(body: dict[str, Any]) -> dict[str, str]:
    """The JSON body as the portal's form checks take it: text values, checkboxes as "on"."""
    form: dict[str, str] = {}
    for key, value in body.items():
        if key in FLAGS and not isinstance(value, bool):
            raise ApiError(400, "must be true or false", key)
        if isinstance(value, bool):
            if value:
                form[key] = "on"
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            form[key] = str(value)
        elif value is not None:
            raise ApiError(400, "must be a string, a whole number or true/false", key)
    return form


def _existing(business_key: str, tenant: str) -> dict[str, Any] | None:
    with engine().reading() as s:
        iid = s.scalar(select(ProcessInstance.id).where(ProcessInstance.business_key == business_key,
                                                        ProcessInstance.tenant == tenant))
    if iid is None:
        return None
    variables = engine().instance(iid)["variables"] or {}
    return {"application_id": variables.get("application_id"), "instance_id": iid, "business_key": business_key}


@bp.post("/applications")
@token_required
def file_application() -> Any:
    """File an application in the caller's prefecture: 201 with its instance, and its 申請受付ID once the
    registry has issued one (a paper form's entry check comes first); 200 for a repeated `id`."""
    viewer = g.viewer
    if not FILERS & set(viewer.roles):
        raise ApiError(403, "filing an application needs the reviewer or admin role")
    body = _body()
    request_id, channel, pseudonym = body.pop("id", None), body.pop("channel", "paper"), body.pop("pseudonym_id", None)
    if request_id is not None and (not isinstance(request_id, str) or not REQUEST_ID.fullmatch(request_id)):
        raise ApiError(400, "must be 1 to 64 letters, digits or . _ : -", "id")
    if channel not in ("paper", "online"):
        raise ApiError(400, "must be paper or online", "channel")
    if pseudonym is not None and (not isinstance(pseudonym, str) or not PSEUDONYM.fullmatch(pseudonym)):
        raise ApiError(400, "must be a pseudonymous ID as the portal issues them: PSN- and 32 letters a-p",
                       "pseudonym_id")
    if channel == "online" and pseudonym is None:
        raise ApiError(400, "an online application needs the applicant's pseudonym_id", "pseudonym_id")
    if pseudonym is not None and not ONLINE_FILERS & set(viewer.roles):
        # a mistyped portal ID would show this applicant's data and notices to another person
        raise ApiError(403, "naming a portal ID (an online filing) needs the admin role of an intake system",
                       "pseudonym_id")
    tenant = body.setdefault("tenant", viewer.tenant)
    if tenant != viewer.tenant:
        raise ApiError(403, f"you can file applications of your prefecture ({viewer.tenant}) only", "tenant")
    business_key = f"api-{viewer.tenant}-{request_id}" if request_id else f"api-{viewer.tenant}-{uuid.uuid4()}"
    if request_id and (found := _existing(business_key, viewer.tenant)):
        return jsonify({**found, "status": "already_received"}), 200
    number = body.pop("my_number", None)
    eng = engine()
    now = eng.now()
    values, errors = application_values(_form(body), now.astimezone(eng.tz).date())
    digits, number_error = check_my_number(number if isinstance(number, str) else "")
    if number_error:
        errors["my_number"] = number_error
    if errors:
        fields = {k: str(v) for k, v in errors.items()}
        response = jsonify({"error": "the application is invalid", "field": next(iter(fields)), "fields": fields})
        return response, 422
    with eng.reading() as s:  # before the number is stored: an undeployed process would leave it orphaned
        if s.scalar(select(ProcessDefinition.id).where(ProcessDefinition.key == PROCESS, ProcessDefinition.tenant.in_(
                (viewer.tenant, SHARED))).limit(1)) is None:
            raise ApiError(409, f"the process '{PROCESS}' is not deployed")
    assert digits is not None

    def data_for(ref: str) -> dict[str, Any]:
        data = start_data(values, ref, pseudonym or "", now, eng.tz)
        data["channel"] = channel
        if pseudonym is None:
            data.pop("pseudonym_id")  # the registry makes the paper inbox paper-<申請受付ID>
        return data
    try:  # the number is stored in the start's transaction: a filing that fails keeps none
        iid = file_with_number(PROCESS, viewer.tenant, digits, f"api:{viewer.user}", data_for, business_key)
    except DuplicateBusinessKey:  # the same request id, sent again while the first was being filed
        found = _existing(business_key, viewer.tenant)
        if found is None:
            raise
        return jsonify({**found, "status": "already_received"}), 200
    info = eng.instance(iid)
    application_no = (info["variables"] or {}).get("application_id")
    # a paper form is checked by a person (paper_entry_check) before the registry issues its 申請受付ID
    return jsonify({"application_id": application_no, "instance_id": iid, "business_key": business_key,
                    "status": "registered" if application_no else "received",
                    "open_tasks": [t["element_id"] for t in info["tasks"]]}), 201


@bp.get("/applications/<application_no>")
@token_required
def read_application(application_no: str) -> Response:
    """An application of the caller's prefecture: the registry's row and its process (no 個人番号)."""
    with engine().reading() as s:
        row = s.execute(select(Application, Applicant).join(Applicant, Applicant.id == Application.applicant_id)
                        .where(Application.tenant == g.viewer.tenant,
                               Application.application_no == application_no)).first()
        if row is None:
            raise NotFound(f"no application {application_no} in prefecture {g.viewer.tenant}")
        app, person = row
        out = {"application_id": app.application_no, "tenant": app.tenant, "instance_id": app.instance_id,
               "status": app.status, "channel": app.channel, "fiscal_year": app.fiscal_year, "round": app.round,
               "grade": app.grade, "trade_code": app.trade_code, "trade_name": app.trade_name,
               "task_name": app.task_name, "experience_years": app.experience_years, "schooling": app.schooling,
               "prior_pass": app.prior_pass, "eligible": app.eligible,
               "written_exemption_claimed": app.written_exemption_claimed,
               "practical_exemption_claimed": app.practical_exemption_claimed,
               "created_at": app.created_at.isoformat() if app.created_at else None,
               "applicant": {"name": person.name, "name_kana": person.name_kana, "status": person.status}}
    if out["instance_id"] is not None:
        try:
            info = engine().instance(out["instance_id"])
            out["process_status"] = info["status"]
            out["open_tasks"] = [t["element_id"] for t in info["tasks"]]
        except (NotFound, Conflict):
            out["process_status"] = None
    return jsonify(out)
