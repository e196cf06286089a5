"""Deployed process and decision definitions as Camunda 7's repository shows them: every row with what its
XML says (category, documentation, camunda:versionTag, historyTimeToLive, isStartableInTasklist), the XML
itself, and a decision evaluated on given variables. Nothing here loads a workflow.

A prefecture sees its own definitions and the shared ones (tenant ""), never another prefecture's; the caller
passes the tenants it may see. Rows are listed whole and filtered here: a system has dozens of definitions.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lxml import etree
from sqlalchemy import select

from engine.db.models import SHARED, DecisionDefinition, DeployedFile, ProcessDefinition
from engine.dmn import Decision, DecisionError, load_dmn
from engine.validation.xml_load import CAMUNDA_NS, load_xml

if TYPE_CHECKING:
    from engine.kernel import Kernel

CAMUNDA = (f"{{{CAMUNDA_NS}}}", "{http://camunda.org/schema/1.0/dmn}")  # BPMN's and DMN's camunda namespace
_IMPORTS = re.compile(rb"<(?:\w+:)?import\b")


@dataclass(frozen=True)
class Facts:
    """What one deployed file's XML says, by element: its namespace (Camunda's category), each process's and
    decision's attributes, and the local name of every element with an id (for statistics)."""

    category: str | None
    items: dict[str, dict[str, Any]]
    tags: dict[str, str]


_facts: dict[tuple[int, str], Facts] = {}
_dmn: dict[tuple[int, str, tuple[tuple[int, str], ...]], dict[str, Decision]] = {}
_lock = threading.Lock()


def facts_of(file_id: int, sha256: str, content: bytes, name: str) -> Facts:
    """The file's facts (cached by file and hash: a file's bytes never change)."""
    found = _facts.get((file_id, sha256))
    if found is not None:
        return found
    root, _ = load_xml(name, bytes(content))
    items: dict[str, dict[str, Any]] = {}
    tags: dict[str, str] = {}
    if root is not None:
        for node in root.iter():
            if not isinstance(node.tag, str) or not node.get("id"):
                continue
            local = etree.QName(node).localname
            tags.setdefault(node.get("id"), local)
            if local in ("process", "decision"):
                doc = next((d for d in node if isinstance(d.tag, str) and etree.QName(d).localname == "documentation"),
                           None)
                items[node.get("id")] = {
                    "description": (doc.text or "").strip() or None if doc is not None else None,
                    "version_tag": _camunda(node, "versionTag"),
                    "history_ttl": _ttl(_camunda(node, "historyTimeToLive")),
                    "startable": (_camunda(node, "isStartableInTasklist") or "true").strip().lower() != "false"}
    found = Facts(root.get("targetNamespace") or root.get("namespace") if root is not None else None, items, tags)
    with _lock:
        if len(_facts) > 2000:
            _facts.clear()
        _facts[(file_id, sha256)] = found
    return found


def _camunda(node: Any, name: str) -> str | None:
    return next((node.get(ns + name) for ns in CAMUNDA if node.get(ns + name) is not None), None)


def _ttl(text: str | None) -> int | None:
    """camunda:historyTimeToLive as Camunda's DTO gives it: days (a number, or P<n>D)."""
    if text is None:
        return None
    found = re.fullmatch(r"\s*(?:P)?(\d{1,6})D?\s*", text)
    return int(found.group(1)) if found else None


def forget(file_ids: set[int]) -> None:
    """Drop cached facts and decisions of deleted files (SQLite may give a new row a deleted row's id)."""
    with _lock:
        for k in [k for k in _facts if k[0] in file_ids]:
            del _facts[k]
        for k in [k for k in _dmn if k[0] in file_ids]:
            del _dmn[k]


def _file_facts(session: Any, file_ids: set[int]) -> dict[int, tuple[DeployedFile, Facts]]:
    """Facts of files by id; only files not yet cached are read whole."""
    heads = session.execute(select(DeployedFile.id, DeployedFile.sha256, DeployedFile.name, DeployedFile.deployment_id)
                            .where(DeployedFile.id.in_(file_ids))).all() if file_ids else []
    missing = [h.id for h in heads if (h.id, h.sha256) not in _facts]
    contents = dict(session.execute(select(DeployedFile.id, DeployedFile.content)
                                    .where(DeployedFile.id.in_(missing))).all()) if missing else {}
    return {h.id: (h, facts_of(h.id, h.sha256, contents.get(h.id, b""), h.name)) for h in heads}


def facts_for(engine: "Kernel", file_id: int) -> Facts:
    """One deployed file's facts."""
    with engine.reading() as session:
        return _file_facts(session, {file_id})[file_id][1]


def _process(d: ProcessDefinition, head: Any, facts: Facts) -> dict[str, Any]:
    item = facts.items.get(d.key, {})
    return {"row": d.id, "key": d.key, "version": d.version, "name": d.name, "tenant": d.tenant, "file_id": d.file_id,
            "resource": head.name, "deployment_id": head.deployment_id, "category": facts.category,
            "description": item.get("description"), "version_tag": item.get("version_tag"),
            "history_ttl": item.get("history_ttl"), "startable": item.get("startable", True),
            "deployed_at": d.deployed_at}


def _decision(d: DecisionDefinition, head: Any, facts: Facts) -> dict[str, Any]:
    item = facts.items.get(d.key, {})
    return {"row": d.id, "key": d.key, "version": d.version, "name": d.name, "tenant": d.tenant, "file_id": d.file_id,
            "resource": head.name, "deployment_id": head.deployment_id, "category": facts.category,
            "version_tag": item.get("version_tag"), "history_ttl": item.get("history_ttl"),
            "deployed_at": d.deployed_at}


def processes(engine: "Kernel", tenants: set[str], rows: list[int] | None = None) -> list[dict[str, Any]]:
    """Every process definition of these tenants (or just the given row ids), newest last within a key."""
    return _rows(engine, ProcessDefinition, _process, tenants, rows)


def decisions(engine: "Kernel", tenants: set[str], rows: list[int] | None = None) -> list[dict[str, Any]]:
    """Every decision definition of these tenants (or just the given row ids)."""
    return _rows(engine, DecisionDefinition, _decision, tenants, rows)


def _rows(engine: "Kernel", model: Any, shape: Any, tenants: set[str], rows: list[int] | None) -> list[dict[str, Any]]:
    if not tenants:
        return []
    query = select(model).where(model.tenant.in_(tenants)).order_by(model.key, model.tenant, model.version)
    if rows is not None:
        query = query.where(model.id.in_(rows))
    with engine.reading() as session:
        found = list(session.scalars(query))
        files = _file_facts(session, {d.file_id for d in found})
    return [shape(d, *files[d.file_id]) for d in found]


def latest_only(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The newest version of each key within each tenant (Camunda's latestVersion=true)."""
    newest: dict[tuple[str, str], dict[str, Any]] = {}
    for item in items:
        k = (item["key"], item["tenant"])
        if k not in newest or newest[k]["version"] < item["version"]:
            newest[k] = item
    return [i for i in items if newest[(i["key"], i["tenant"])] is i]


def by_key(items: list[dict[str, Any]], key: str, tenant: str | None) -> dict[str, Any] | None:
    """The definition a prefecture uses for a key: its own newest, else the shared newest; with `tenant` given
    (a prefecture, or SHARED), that tenant's newest."""
    mine = [i for i in items if i["key"] == key and (tenant is None or i["tenant"] == tenant)]
    if not mine:
        return None
    return max(mine, key=lambda i: (i["tenant"] != SHARED, i["version"]))


def content(engine: "Kernel", file_id: int) -> bytes:
    """A deployed file's bytes."""
    with engine.reading() as session:
        return bytes(session.scalar(select(DeployedFile.content).where(DeployedFile.id == file_id)) or b"")


def evaluate(engine: "Kernel", item: dict[str, Any], tenant: str, variables: dict[str, Any]) -> list[dict[str, Any]]:
    """A decision definition evaluated on variables, as the engine evaluates it (strict: the first FEEL error is
    raised as a DecisionError): the output rows of the matched rules, aggregated by the hit policy."""
    return evaluate_typed(engine, item, tenant, variables)[0]


CAMUNDA_TYPES = ("string", "boolean", "integer", "long", "double", "date")  # Camunda 7's output typeRefs


def evaluate_typed(engine: "Kernel", item: dict[str, Any], tenant: str,
                   variables: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """evaluate(), and the Camunda 7 typeRef of each decision table output by name (string, boolean, integer,
    long, double, date; outputs without one, and a COLLECT COUNT, are left out): Camunda types a result value
    by its output's typeRef (a `double` output of 2 is the Double 2.0)."""
    from engine.dmn.coercion import camunda_name
    decision, graph = _decision_of(engine, item, tenant)
    rows = list(decision.evaluate(variables, graph, strict=True).outputs)
    types: dict[str, str] = {}
    if (decision.aggregation or "").upper() != "COUNT":
        for clause in decision.outputs:
            name = camunda_name(clause.type_ref)
            if name in CAMUNDA_TYPES and clause.name:
                types[clause.name] = name
    return rows, types


def _decision_of(engine: "Kernel", item: dict[str, Any], tenant: str) -> tuple[Decision, dict[str, Decision]]:
    file_id = item["file_id"]
    with engine.reading() as session:
        name, raw, sha = session.execute(select(DeployedFile.name, DeployedFile.content, DeployedFile.sha256)
                                         .where(DeployedFile.id == file_id)).one()
        raw = bytes(raw)
        chosen: dict[str, int] = {}
        hashes: dict[int, str] = {}
        if _IMPORTS.search(raw):  # the prefecture's newest of each DMN file it may import, as the engine does
            rows = session.execute(select(DeployedFile.id, DeployedFile.name, DeployedFile.tenant, DeployedFile.sha256)
                                   .where(DeployedFile.kind == "dmn", DeployedFile.tenant.in_([tenant, SHARED]))
                                   .order_by(DeployedFile.version.desc())).all()
            for other, other_name, owner, other_sha in sorted(rows, key=lambda r: r[2] != tenant):
                chosen.setdefault(other_name, other)
                hashes[other] = other_sha
        # keyed by the bytes' hashes too: a row id names other bytes in another database (or after a rollback)
        cache_key = (file_id, sha, tuple(sorted((i, hashes[i]) for i in chosen.values())))
        graph = _dmn.get(cache_key)
        if graph is None:
            files = dict(session.execute(select(DeployedFile.name, DeployedFile.content)
                                         .where(DeployedFile.id.in_(list(chosen.values())))).all()) if chosen else {}
            graph = load_dmn(raw, name, imports={k: bytes(v) for k, v in files.items()} or None)
            with _lock:
                if len(_dmn) > 500:
                    _dmn.clear()
                _dmn[cache_key] = graph
    if item["key"] not in graph:
        raise DecisionError(item["key"], f"the file {name} no longer defines the decision")
    return graph[item["key"]], graph
