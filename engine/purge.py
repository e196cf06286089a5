"""Built-in topic `engine.purge_instances`: erase the data of finished instances after a 削除.

A registry deletion erases the applicant's records; the finished process instances that
carried the same person (the application, its corrections and revocations) still hold
names and addresses in their variables and serialized state. This local handler, run in
the deleting step's transaction, blanks both, and the job payloads and messages of those
instances. History stays: it records field names, never values, and its hash chain holds.

    <serviceTask camunda:type="external" camunda:topic="engine.purge_instances">
      camunda:property key     the variable that names the subject (default application_id)
      camunda:property values  the list variable of subjects to purge (default deleted_application_ids)
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import DateTime, LargeBinary, bindparam, text

from handlers.base import HandlerContext, HandlerRegistry

TOPIC = "engine.purge_instances"
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
FINISHED = ("completed", "cancelled")


def purge_instances(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """Blank the variables and state of this tenant's finished instances whose `key` is in `values`."""
    key = ctx.properties.get("key", "application_id")
    if not _KEY.match(key):
        raise ValueError(f"camunda:property key must be a variable name, not {key!r}")
    values = data.get(ctx.properties.get("values", "deleted_application_ids"))
    if not isinstance(values, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
        raise ValueError("the values to purge must be a list of ids")
    if not values:
        return {"purged_instances": 0}
    session = ctx.session
    pg = session.get_bind().dialect.name == "postgresql"
    subject = "variables ->> :key" if pg else "CAST(json_extract(variables, '$.' || :key) AS TEXT)"
    ids = session.execute(text(
        f"SELECT id FROM process_instance WHERE tenant = :tenant AND id <> :me AND status IN :finished "
        f"AND {subject} IN :values").bindparams(bindparam("finished", expanding=True),
                                                 bindparam("values", expanding=True)),
        {"tenant": ctx.tenant, "me": ctx.instance_id, "finished": list(FINISHED), "key": key,
         "values": [str(v) for v in values]}).scalars().all()
    if ids:
        empty = "CAST('{}' AS json)" if pg else "'{}'"
        for statement in (
                f"UPDATE process_instance SET variables = {empty}, state = :nothing, purged_at = :now, "
                f"row_version = row_version + 1 WHERE id IN :ids",
                f"UPDATE external_job SET payload = {empty}, result = NULL WHERE instance_id IN :ids",
                f"UPDATE received_message SET payload = {empty} WHERE instance_id IN :ids",
                "UPDATE incident SET resolution_note = NULL WHERE instance_id IN :ids"):
            binds = [bindparam("ids", expanding=True)]
            params: dict[str, Any] = {"ids": ids}
            if ":nothing" in statement:
                binds += [bindparam("nothing", type_=LargeBinary), bindparam("now", type_=DateTime(timezone=True))]
                params |= {"nothing": b"", "now": ctx.now}
            session.execute(text(statement).bindparams(*binds), params)
    return {"purged_instances": len(ids)}


def register(handlers: HandlerRegistry) -> None:
    """Add the built-in topic unless the registry has it already (several engines may share one)."""
    if handlers.get(TOPIC) is None:
        handlers.register(TOPIC, purge_instances, "local")
