"""Remote handlers for the engine's registry: one topic per notice kind, notify.<kind>."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.base import Handler, HandlerContext, HandlerRegistry

from .errors import NoticeInvalid
from .kinds import KINDS, NoticeKind
from .process_fields import notice_context
from .recipients import RECIPIENT_KEYS
from .sender import Notifier

TOPIC_PREFIX = "notify."


def topic(kind: str) -> str:
    """notify.<kind>."""
    return f"{TOPIC_PREFIX}{kind}"


def result_key(kind: str) -> str:
    """The process variable a handler sets: notice_<kind>_id."""
    return f"notice_{kind}_id"


def make_handler(notifier: Notifier, kind: NoticeKind) -> Handler:
    """A remote handler that sends one kind of notice from the task's data."""
    def handle(ctx: HandlerContext, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """Send the notice for data["application_id"], taking only this kind's fields from the task data."""
        application_id = data.get("application_id")
        if not isinstance(application_id, str) or not application_id:
            raise NoticeInvalid(f"{ctx.topic} needs application_id (the 申請受付ID) in the task data")
        # Only the notice's own fields: the rest of the process data never reaches a template.
        context = {**{k: data[k] for k in RECIPIENT_KEYS if data.get(k) is not None}, **notice_context(kind, data)}
        result = notifier.notify(ctx.tenant, application_id, kind.name, context, ctx.idempotency_key, ctx.now)
        return {result_key(kind.name): result["portal_message_id"]}

    handle.__name__ = f"notify_{kind.name}"
    return handle


def register(registry: HandlerRegistry, notifier: Notifier) -> None:
    """Register a remote handler for every notice kind (notify.admission_ticket … notify.certificate)."""
    for kind in KINDS.values():
        registry.register(topic(kind.name), make_handler(notifier, kind), "remote")
