"""Camunda 7's deployments: create one from a set of resources with Camunda's duplicate filtering, read them
and their resources, and delete one nobody runs.

Resources are chosen by suffix, as Camunda's deployers are: .bpmn/.bpmn20.xml and .dmn/.dmn11.xml are
validated and parsed (engine/validation), .form (Camunda Forms JSON) and anything else is stored as it came
(kind form|resource). Duplicate filtering compares each resource byte for byte with the newest resource of
the same name among the deployments of the same (name, source, tenant).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lxml import etree
from sqlalchemy import delete, func, select, update

from engine import definitions
from engine.db.models import (
    DecisionDefinition, DeployedFile, Deployment, ProcessDefinition, ProcessInstance, StartTimer,
)
from engine.deploy import _known, store
from engine.errors import Conflict, NotFound
from engine.validation import Problem, ValidationFailed
from engine.validation.files import CheckedFile, check_files
from engine.validation.xml_load import element_by_id, load_xml

if TYPE_CHECKING:
    from engine.kernel import Kernel

BPMN, DMN = (".bpmn", ".bpmn20.xml"), (".dmn", ".dmn11.xml")
DEFAULT_SOURCE = "process application"  # what Camunda filters duplicates by when no source is given


def kind_of_name(name: str) -> str:
    """The deployer a resource goes to, by its suffix."""
    low = name.lower()
    return "bpmn" if low.endswith(BPMN) else "dmn" if low.endswith(DMN) else "form" if low.endswith(".form") \
        else "resource"


@dataclass
class Created:
    """A deployment made (or the existing one, when every resource was a duplicate: `duplicate`)."""

    deployment: dict[str, Any]
    processes: list[dict[str, Any]] = field(default_factory=list)  # in document order
    decisions: list[dict[str, Any]] = field(default_factory=list)
    duplicate: bool = False


def create(engine: "Kernel", resources: list[tuple[str, bytes]], name: str | None, source: str | None,
           tenant: str, actor: str | None, filtering: bool = False, changed_only: bool = False) -> Created:
    """Deploy resources as one deployment of `tenant` (a prefecture or SHARED); ValidationFailed with every
    problem when any model is refused (nothing is stored)."""
    by_name = dict(resources)  # a name given twice: the last wins, as Camunda keys parts by name
    with engine.transaction() as session, session.begin():
        chosen = list(by_name.items())
        if filtering:
            latest = _latest_of_deployments(session, tenant, name, source, list(by_name))
            changed = [(n, c) for n, c in chosen if n not in latest or bytes(latest[n].content) != c]
            if not changed:
                newest = max(latest.values(), key=lambda f: (f.deployed_at, f.id))
                return Created(_deployment(session.get(Deployment, newest.deployment_id)), duplicate=True)
            if changed_only:
                chosen = changed
        models = [(n, c) for n, c in chosen if kind_of_name(n) in ("bpmn", "dmn")]
        known, deployed = _known(engine, session, tenant)
        checked, problems = check_files(models, known, deployed) if models else ([], [])
        if problems:
            raise ValidationFailed(problems)
        parsed = {c.name: c for c in checked}
        items = [parsed.get(n) or CheckedFile(n, kind_of_name(n), c, hashlib.sha256(c).hexdigest())
                 for n, c in chosen]
        items.sort(key=lambda i: i.kind != "dmn")  # decisions first, as check_files parses them
        stored = store(engine, session, items, tenant, actor, name, source)
        deployment = _deployment(stored.deployment)
        rows = ([d.id for d in stored.processes], [d.id for d in stored.decisions])
    order = {d: i for i, d in enumerate(rows[0])}
    return Created(deployment,
                   sorted(definitions.processes(engine, {tenant}, rows[0]), key=lambda p: order[p["row"]]),
                   definitions.decisions(engine, {tenant}, rows[1]))


def _latest_of_deployments(session: Any, tenant: str, name: str | None, source: str | None,
                           names: list[str]) -> dict[str, DeployedFile]:
    """The newest resource of each name among the deployments with this (name, source, tenant); no source is
    Camunda's default one, and a deployment stored without a source counts as that."""
    same = (Deployment.tenant == tenant) & (Deployment.name.is_(None) if name is None else Deployment.name == name)
    if (source or DEFAULT_SOURCE) == DEFAULT_SOURCE:
        same &= Deployment.source.is_(None) | (Deployment.source == DEFAULT_SOURCE)
    else:
        same &= Deployment.source == source
    rows = session.scalars(select(DeployedFile).join(Deployment, Deployment.id == DeployedFile.deployment_id)
                           .where(same, DeployedFile.name.in_(names))
                           .order_by(DeployedFile.deployed_at, DeployedFile.id)).all()
    return {f.name: f for f in rows}  # later rows win


def _deployment(d: Deployment) -> dict[str, Any]:
    return {"id": d.id, "name": d.name, "source": d.source, "tenant": d.tenant, "deployed_at": d.deployed_at,
            "deployed_by": d.deployed_by}


# -- reading ---------------------------------------------------------------------------------------
def listed(engine: "Kernel", tenants: set[str]) -> list[dict[str, Any]]:
    """Every deployment of these tenants, oldest first."""
    if not tenants:
        return []
    with engine.reading() as session:
        rows = session.scalars(select(Deployment).where(Deployment.tenant.in_(tenants))
                               .order_by(Deployment.deployed_at, Deployment.id))
        return [_deployment(d) for d in rows]


def one(engine: "Kernel", deployment_id: str, tenants: set[str]) -> dict[str, Any]:
    """A deployment the caller may see; NotFound otherwise."""
    with engine.reading() as session:
        d = session.get(Deployment, deployment_id) if len(deployment_id) <= 36 else None
        if d is None or d.tenant not in tenants:
            raise NotFound(f"Deployment with id '{deployment_id}' does not exist")
        return _deployment(d)


def resources(engine: "Kernel", deployment_id: str, tenants: set[str]) -> list[dict[str, Any]]:
    """A deployment's files (id, name, kind), in the order they were stored."""
    one(engine, deployment_id, tenants)
    with engine.reading() as session:
        rows = session.execute(select(DeployedFile.id, DeployedFile.name, DeployedFile.kind)
                               .where(DeployedFile.deployment_id == deployment_id).order_by(DeployedFile.id)).all()
    return [{"id": r.id, "name": r.name, "kind": r.kind} for r in rows]


def resource(engine: "Kernel", deployment_id: str, file_id: int, tenants: set[str]) -> tuple[dict[str, Any], bytes]:
    """One file of a deployment and its bytes; NotFound otherwise."""
    one(engine, deployment_id, tenants)
    with engine.reading() as session:
        f = session.get(DeployedFile, file_id)
        if f is None or f.deployment_id != deployment_id:
            raise NotFound(f"Deployment resource with resource id '{file_id}' for deployment id "
                           f"'{deployment_id}' does not exist.")
        return {"id": f.id, "name": f.name, "kind": f.kind}, bytes(f.content)


# -- deleting --------------------------------------------------------------------------------------
TOMBSTONE = "~"  # the tenant prefix of a deleted deployment's rows: no prefecture's query ever matches it


def _tombstone(session: Any) -> str:
    """A tenant of its own for one deletion's rows ("~1", "~2", …), so the unique (tenant, key, version) holds."""
    n = session.scalar(select(func.count()).select_from(Deployment).where(Deployment.tenant.like(TOMBSTONE + "%")))
    digits, value = "", (n or 0) + 1
    while value:
        value, rest = divmod(value, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[rest] + digits
    return TOMBSTONE + digits


def remove(engine: "Kernel", deployment_id: str, tenants: set[str]) -> None:
    """Delete a deployment with its definitions, files and start timers: refused (Conflict) while any
    instance of its definitions exists in any prefecture, running or ended (we never delete instances).

    The rows are not removed but moved to a tenant of their own (TOMBSTONE), which every query leaves out:
    their ids are never given to new rows (SQLite reuses the highest deleted id), so another process's cached
    spec or decision of a deleted row can never stand for a new one."""
    one(engine, deployment_id, tenants)
    with engine.transaction() as session, session.begin():
        files = list(session.scalars(select(DeployedFile.id).where(DeployedFile.deployment_id == deployment_id)))
        procs = list(session.scalars(select(ProcessDefinition.id).where(ProcessDefinition.file_id.in_(files)))) \
            if files else []
        used = session.scalar(select(func.count()).select_from(ProcessInstance)
                              .where(ProcessInstance.definition_id.in_(procs))) if procs else 0
        if used:
            raise Conflict(f"Deployment '{deployment_id}' cannot be deleted: {used} process instance(s) of its "
                           "definitions exist (running or ended); kentei never deletes an application's instances")
        gone = _tombstone(session)
        if procs:
            session.execute(delete(StartTimer).where(StartTimer.definition_id.in_(procs)))
            session.execute(update(ProcessDefinition).where(ProcessDefinition.id.in_(procs)).values(tenant=gone))
        if files:
            session.execute(update(DecisionDefinition).where(DecisionDefinition.file_id.in_(files)).values(tenant=gone))
            session.execute(update(DeployedFile).where(DeployedFile.id.in_(files)).values(tenant=gone))
        session.execute(update(Deployment).where(Deployment.id == deployment_id).values(tenant=gone))
    definitions.forget(set(files))
    _forget(engine, set(procs), set(files))


def _forget(engine: "Kernel", procs: set[int], files: set[int]) -> None:
    """Drop the repository's cached specs and decisions of deleted rows (SQLite reuses the highest row id)."""
    repo = engine.repository
    with repo._lock:
        for cache in (repo._specs, repo._rules, repo._starts):
            for k in procs:
                cache.pop(k, None)
        for k in files:
            repo._dmn.pop(k, None)
        for k in [k for k in repo._imported if k[0] in files or set(k[1]) & files]:
            del repo._imported[k]


# -- parse errors as Camunda's ParseException --------------------------------------------------------
_AT_LINE = re.compile(r"at line (\d+)")


def located(problems: list[Problem], files: list[tuple[str, bytes]]) -> list[dict[str, Any]]:
    """Each problem with its element's name, line and column in the file (lxml's sourceline; the column of
    the element's start tag on that line, else None)."""
    contents = dict(files)
    trees: dict[str, Any] = {}
    out = []
    for p in problems:
        element = None if p.element_id in ("-", "") else p.element_id
        line = column = title = None
        if p.file in contents and element is not None:
            if p.file not in trees:
                trees[p.file] = load_xml(p.file, contents[p.file])[0]
            root = trees[p.file]
            node = element_by_id(root, element) if root is not None else None
            if node is not None:
                title, line = node.get("name"), node.sourceline
                column = _column(contents[p.file], line, node)
        elif (found := _AT_LINE.search(p.message)) is not None:
            line = int(found.group(1))
        out.append({"file": p.file, "element": element, "name": title, "line": line, "column": column,
                    "message": p.message})
    return out


def _column(content: bytes, line: int | None, node: Any) -> int | None:
    if not line:
        return None
    lines = content.decode("utf-8", "replace").splitlines()
    if line > len(lines):
        return None
    text, local = lines[line - 1], etree.QName(node).localname
    found = re.search(rf"<(?:[\w.-]+:)?{re.escape(local)}\b", text)
    return found.start() + 1 if found else None

