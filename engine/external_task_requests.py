"""What a fetchAndLock request asks for (engine/external_tasks.py): its topics with their filters, as SQL where
the database can judge them and in Python for the version tag and process variables."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_

from engine.db.models import ExternalJob, ProcessDefinition, ProcessInstance

if TYPE_CHECKING:
    from engine.kernel import Kernel

J, P, D = ExternalJob, ProcessInstance, ProcessDefinition


@dataclass
class Topic:
    """One entry of fetchAndLock's `topics`."""

    name: str
    lock_ms: int
    variables: list[str] | None = None  # None: all
    local: bool = False
    business_key: str | None = None
    definition_ids: set[int] | None = None
    definition_keys: set[str] | None = None
    version_tag: str | None = None
    tenants: set[str] | None = None  # None: the caller's
    process_variables: dict[str, Any] = field(default_factory=dict)
    extension_properties: bool = False


@dataclass
class Fetch:
    """A fetchAndLock request, checked by the web layer."""

    worker: str
    max_tasks: int
    topics: list[Topic]
    use_priority: bool = False
    created_desc: bool | None = None  # sorting by createTime: None unsorted, else descending or not
    timeout_ms: int = 0


def topic_filter(t: Topic) -> Any:
    """SQL for what a topic entry asks of a task (the version tag and process variables are checked after)."""
    where = [J.topic == t.name]
    if t.tenants is not None:
        where.append(P.tenant.in_(sorted(t.tenants)))
    if t.business_key is not None:
        where.append(P.business_key == t.business_key)
    if t.definition_ids is not None:
        where.append(P.definition_id.in_(sorted(t.definition_ids)))
    if t.definition_keys is not None:
        where.append(D.key.in_(sorted(t.definition_keys)))
    return and_(*where)


def matching(engine: Kernel, conn: Any, row: Any, topics: list[Topic]) -> Topic | None:
    """The first topic entry the task matches."""
    for t in topics:
        if t.name != row.topic or (t.tenants is not None and row.tenant not in t.tenants):
            continue
        if t.business_key is not None and row.business_key != t.business_key:
            continue
        if t.definition_ids is not None and row.definition_id not in t.definition_ids:
            continue
        if t.definition_keys is not None and row.key not in t.definition_keys:
            continue
        if t.version_tag is not None and _version_tag(engine, conn, row.file_id, row.key) != t.version_tag:
            continue
        if t.process_variables:
            variables = engine.fast.read_js(row.variables) or {}
            if any(name not in variables or variables[name] != value for name, value in t.process_variables.items()):
                continue
        return t
    return None


def _version_tag(engine: "Kernel", conn: Any, file_id: int, key: str) -> str | None:
    from engine.external_tasks import version_tag
    return version_tag(engine, conn, file_id, key)
