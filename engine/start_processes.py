"""Built-in topic `engine.start_processes`: start one instance of another process per item of a list.

    <serviceTask camunda:type="external" camunda:topic="engine.start_processes">
      camunda:property process      the process key to start (required)
      camunda:property items        the list variable of items, each a JSON object (default items)
      camunda:property businessKey  the item field that is the new instance's business key (default business_key)

Local: the new instances are created inside this step's transaction, so they exist exactly
when the step commits. An item whose business key already names an instance of that process
in this prefecture (running or ended) is skipped: the same item twice starts one instance.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from handlers.base import HandlerContext, HandlerRegistry

if TYPE_CHECKING:
    from engine.kernel import Kernel

TOPIC = "engine.start_processes"
EXISTS = ("SELECT 1 FROM process_instance i JOIN process_definition d ON d.id = i.definition_id "
          "WHERE d.key = :key AND i.tenant = :tenant AND i.business_key = :bk LIMIT 1")


def register(engine: Kernel, handlers: HandlerRegistry) -> None:
    """Add the built-in topic, bound to this engine, unless the registry has it already."""
    if handlers.get(TOPIC) is not None:
        return

    def start_processes(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
        from engine.ops_instances import start_on
        key = ctx.properties.get("process")
        if not key:
            raise ValueError("engine.start_processes needs camunda:property process")
        items = data.get(ctx.properties.get("items", "items")) or []
        field = ctx.properties.get("businessKey", "business_key")
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ValueError("the items to start must be a list of JSON objects")
        conn = ctx.session.connection()
        fast = engine.fast
        started = skipped = 0
        for item in items:
            business_key = item.get(field)
            if not isinstance(business_key, str) or not business_key:
                raise ValueError(f"every item needs a business key in '{field}'")
            if fast.run(conn, EXISTS, {"key": key, "tenant": ctx.tenant, "bk": business_key}).first():
                skipped += 1
                continue
            start_on(engine, conn, key, ctx.tenant, dict(item), business_key=business_key,
                     actor=f"instance:{ctx.instance_id}")
            started += 1
        return {"started_instances": started, "skipped_instances": skipped}

    handlers.register(TOPIC, start_processes, "local")
