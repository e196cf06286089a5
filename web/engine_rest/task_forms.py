"""/task/{id}: complete and submit-form (the inbox's rules: claimed by the caller, four eyes, the form's
camunda:formData), form-variables, form, deployed-form, variables, localVariables and identity-links."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import current_app, request

from engine import inbox, task_queries
from engine.errors import Conflict, Forbidden, FormInvalid, NotFound

from . import wire
from .core import RestError, body, bp, no_content, reply
from .tasks import acting_task, caller, read_task
from .variables import decode, encode, encode_one

FORM_TYPES = {"string": "String", "long": "Long", "boolean": "Boolean", "date": "Date", "enum": "String"}


def _engine() -> Any:
    return current_app.extensions["kentei.engine"]


# -- complete ----------------------------------------------------------------------------------------
def _finish(task_id: str, label: str) -> Any:
    v, blind = caller()
    data = body()
    variables = decode(data.get("variables"))
    in_return = bool(wire.flag("withVariablesInReturn", data))
    task = acting_task(v, blind, task_id, message=f"{label}: Cannot find task with id {{id}}: task is null",
                       type_="RestException")
    if task["assignee"] != v.user:
        held = (f"it is assigned to {task['assignee']}" if task["assignee"]
                else f"claim it first (POST /task/{task_id}/claim)")
        raise RestError(400, f"{label}: {held}; kentei completes only tasks assigned to the caller")
    fields = inbox.form_of(_engine(), task)
    try:
        instance_id = inbox.complete(_engine(), v, task_id, _form_values(fields, variables))
    except FormInvalid as err:
        raise RestError(400, f"{label}: {err}", errors=err.errors) from None
    except Forbidden as err:
        raise RestError(403, f"{label}: {err}", "AuthorizationException", userId=v.user,
                        missingAuthorizations=[]) from None
    except NotFound:
        raise RestError(404, f"{label}: Cannot find task with id {task_id}: task is null", "RestException") from None
    except Conflict as err:
        raise RestError(500, f"{label}: {err}", "RestException") from None
    if in_return:
        return reply(encode(task_queries.instance_variables(_engine(), instance_id)))
    return no_content()


def _form_values(fields: list[dict[str, Any]], values: dict[str, Any]) -> dict[str, Any]:
    """A Date variable for a date field is its day (in the engine's zone), as the inbox's form sends it."""
    dates = {f["id"] for f in fields if f.get("type") == "date"}
    out = dict(values)
    for name in dates & set(values):
        if isinstance(values[name], str) and "T" in values[name]:
            try:
                out[name] = datetime.fromisoformat(values[name]).astimezone(_engine().tz).date().isoformat()
            except ValueError:
                pass  # the form's check answers for it
    return out


@bp.post("/task/<task_id>/complete")
def task_complete(task_id: str) -> Any:
    return _finish(task_id, f"Cannot complete task {task_id}")


@bp.post("/task/<task_id>/submit-form")
def task_submit_form(task_id: str) -> Any:
    return _finish(task_id, f"Cannot submit task form {task_id}")


# -- forms ---------------------------------------------------------------------------------------------
def _form_value(field: dict[str, Any], value: Any) -> dict[str, Any]:
    """A form field's current value (or its default) typed by the field's type."""
    kind = FORM_TYPES.get(field.get("type") or "string", "String")
    if value is None:
        return {"type": kind, "value": None, "valueInfo": {}}
    try:
        if kind == "Long":
            value = int(str(value).strip())
        elif kind == "Boolean":
            value = value if isinstance(value, bool) else str(value).strip().lower() == "true"
        elif kind == "Date":
            day = date.fromisoformat(str(value)[:10])
            value = wire.date_out(datetime(day.year, day.month, day.day, tzinfo=_engine().tz))
        else:
            value = value if isinstance(value, str) else str(value)
    except ValueError:
        return encode_one(value)
    return {"type": kind, "value": value, "valueInfo": {}}


@bp.get("/task/<task_id>/form-variables")
def task_form_variables(task_id: str) -> Any:
    """The camunda:formData fields with their types, valued by the variables (else their defaults); without
    a form, the variables the task sees."""
    task = read_task(task_id)
    names = wire.listed("variableNames")
    current = {**task["process_variables"], **task["local_variables"]}
    fields = inbox.form_of(_engine(), task)
    if not fields:
        return reply(encode(current, names))
    out = {f["id"]: _form_value(f, current.get(f["id"], f.get("default"))) for f in fields
           if names is None or f["id"] in names}
    return reply(out)


@bp.get("/task/<task_id>/form")
def task_form(task_id: str) -> Any:
    """kentei's forms are generated from camunda:formData: no form key and no Camunda Form."""
    read_task(task_id)
    return reply({"key": None, "camundaFormRef": None, "operatonFormRef": None, "contextPath": None})


@bp.get("/task/<task_id>/deployed-form")
def task_deployed_form(task_id: str) -> Any:
    read_task(task_id)
    raise RestError(404, f"No deployed form for task {task_id}: kentei generates task forms from "
                         "camunda:formData; camunda:formRef and .form resources are not supported")


@bp.get("/task/<task_id>/rendered-form")
def task_rendered_form(task_id: str) -> Any:
    read_task(task_id)
    raise RestError(404, f"No rendered form for task {task_id}: open the task in kentei's inbox")


# -- variables -----------------------------------------------------------------------------------------
def _variables(task_id: str, local: bool) -> dict[str, Any]:
    task = read_task(task_id)
    return dict(task["local_variables"]) if local else {**task["process_variables"], **task["local_variables"]}


@bp.get("/task/<task_id>/variables")
def task_variables(task_id: str) -> Any:
    return reply(encode(_variables(task_id, False)))


@bp.get("/task/<task_id>/localVariables")
def task_local_variables(task_id: str) -> Any:
    return reply(encode(_variables(task_id, True)))


def _one_variable(task_id: str, name: str, local: bool) -> Any:
    found = _variables(task_id, local)
    if name not in found:
        raise RestError(404, f"task variable with name {name} does not exist")
    return reply(encode_one(found[name]))


@bp.get("/task/<task_id>/variables/<path:name>")
def task_variable(task_id: str, name: str) -> Any:
    return _one_variable(task_id, name, False)


@bp.get("/task/<task_id>/localVariables/<path:name>")
def task_local_variable(task_id: str, name: str) -> Any:
    return _one_variable(task_id, name, True)


# -- identity links ------------------------------------------------------------------------------------
@bp.get("/task/<task_id>/identity-links")
def task_identity_links(task_id: str) -> Any:
    """Candidate groups and users, the assignee and the owner, as Camunda's identity links."""
    task = read_task(task_id)
    links = [{"userId": None, "groupId": g, "type": "candidate"} for g in task["candidate_groups"]]
    links += [{"userId": u, "groupId": None, "type": "candidate"} for u in task["candidate_users"]]
    links += [{"userId": task[k], "groupId": None, "type": k} for k in ("assignee", "owner") if task[k]]
    wanted = request.args.get("type")
    return reply([link for link in links if wanted in (None, "", link["type"])])
