"""The deployed BPMN and DMN files a prefecture sees (its own and the shared ones), for the browser modeler:
each version with the processes and decisions it defines, and a version's bytes. Read-only; nothing about
instances, and no deployer's name (an analyst sees no personal data)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.db.models import SHARED, DecisionDefinition, DeployedFile, ProcessDefinition
from engine.errors import NotFound

if TYPE_CHECKING:
    from engine.runtime import Engine


def visible_files(engine: Engine, tenant: str) -> list[dict[str, Any]]:
    """Every version of every file the prefecture sees: its own first, then the shared ones; by name, newest
    version first. `tenant` is None for a shared file."""
    with engine.reading() as s:
        rows = s.execute(select(DeployedFile.id, DeployedFile.tenant, DeployedFile.name, DeployedFile.kind,
                                DeployedFile.version, DeployedFile.deployed_at)
                         .where(DeployedFile.tenant.in_((tenant, SHARED)))).all()
        ids = [r.id for r in rows]
        defines: dict[int, list[str]] = {}
        for model in (ProcessDefinition, DecisionDefinition):
            for file_id, key, version in s.execute(select(model.file_id, model.key, model.version)
                                                   .where(model.file_id.in_(ids)).order_by(model.key)):
                defines.setdefault(file_id, []).append(f"{key} v{version}")
    files = [{"id": r.id, "name": r.name, "kind": r.kind, "version": r.version, "tenant": r.tenant or None,
              "shared": r.tenant == SHARED, "deployed_at": r.deployed_at.isoformat(),
              "defines": defines.get(r.id, [])} for r in rows]
    return sorted(files, key=lambda f: (f["shared"], f["name"], -f["version"]))


def file_of(engine: Engine, tenant: str, file_id: int) -> dict[str, Any]:
    """One version the prefecture sees, with its bytes (`content`); another prefecture's is NotFound."""
    with engine.reading() as s:
        f = s.get(DeployedFile, file_id)
        if f is None or f.tenant not in (tenant, SHARED):
            raise NotFound(f"file {file_id}")
        return {"id": f.id, "name": f.name, "kind": f.kind, "version": f.version, "tenant": f.tenant or None,
                "shared": f.tenant == SHARED, "deployed_at": f.deployed_at.isoformat(), "content": bytes(f.content)}


def versions_of(engine: Engine, tenant: str, file_id: int) -> list[dict[str, Any]]:
    """The versions of the file name of `file_id` the prefecture sees (its own, newest first, then the shared)."""
    found = file_of(engine, tenant, file_id)
    return [f for f in visible_files(engine, tenant) if f["name"] == found["name"]]


def earlier(versions: list[dict[str, Any]], found: dict[str, Any]) -> dict[str, Any] | None:
    """What `found` is compared with first: the version before it in its scope; for a prefecture's first own
    version, the newest shared one it was made from."""
    before = [v for v in versions if v["shared"] == found["shared"] and v["version"] < found["version"]]
    if not before and not found["shared"]:
        before = [v for v in versions if v["shared"]]
    return before[0] if before else None
