"""Deployed process and decision definitions, restored once per version and cached.

Definitions are tenant-aware, as in Camunda: a deployment belongs to one prefecture or is shared
(tenant ''). A prefecture runs its own newest version of a key, else the shared newest.
"""
from __future__ import annotations

import re
import threading
from typing import Any

from sqlalchemy import Connection, select

from engine import message_rules
from engine.bpmn.serializer import StateSerializer
from engine.bpmn.signals import start_events_of
from engine.db.fast import FastSql
from engine.db.models import DeployedFile, ProcessDefinition
from engine.dmn import Decision, load_dmn
from engine.errors import NotFound

# the prefecture's own versions first, then the shared ones; newest first within each
_IMPORTS = re.compile(rb"<(?:\w+:)?import\b")  # a DMN file that imports others (engine/dmn/loader.py)
OWN_THEN_SHARED = "tenant IN (:tenant, '') ORDER BY CASE WHEN tenant = :tenant THEN 0 ELSE 1 END, version DESC"


class Repository:
    """Specs by definition id and decisions by key; parsing is paid once per version."""

    def __init__(self, serializer: StateSerializer) -> None:
        self.serializer = serializer
        self._specs: dict[int, tuple[Any, dict[str, Any]]] = {}
        self._rules: dict[int, dict[str, dict[str, message_rules.MessageRule]]] = {}
        self._starts: dict[int, list[tuple[str, str, str]]] = {}
        self._dmn: dict[int, dict[str, Decision]] = {}
        #: Files that import others, by (file id, the ids of the files their imports were found among).
        self._imported: dict[tuple[int, tuple[int, ...]], dict[str, Decision]] = {}
        self._lock = threading.Lock()

    def latest_definition(self, fast: FastSql, conn: Connection, key: str, tenant: str) -> tuple[int, int]:
        """(id, version) of the process a prefecture starts for `key`: its own newest, else the shared newest."""
        found = fast.run(conn, f"SELECT id, version FROM process_definition WHERE key = :key AND {OWN_THEN_SHARED} "
                               "LIMIT 1", {"key": key, "tenant": tenant}).first()
        if found is None:
            raise NotFound(f"no process '{key}' is deployed for prefecture {tenant}")
        return found[0], found[1]

    def current_definitions(self, fast: FastSql, conn: Connection, tenant: str) -> list[int]:
        """The definition a prefecture starts, for every process key it can start."""
        rows = fast.run(conn, f"SELECT key, id FROM process_definition WHERE {OWN_THEN_SHARED}",
                        {"tenant": tenant}).all()
        chosen: dict[str, int] = {}
        for key, definition_id in rows:
            chosen.setdefault(key, definition_id)
        return list(chosen.values())

    def spec(self, conn: Connection, definition_id: int) -> tuple[Any, dict[str, Any]]:
        """The restored spec and subprocess specs of a definition (cached)."""
        cached = self._specs.get(definition_id)
        if cached is None:
            raw = conn.scalar(select(ProcessDefinition.spec_json).where(ProcessDefinition.id == definition_id))
            if raw is None:
                raise NotFound(f"process definition {definition_id} does not exist")
            cached = self.serializer.load_spec(raw)
            with self._lock:
                self._specs[definition_id] = cached
        return cached

    def message_rules(self, conn: Connection, definition_id: int) -> dict[str, dict[str, message_rules.MessageRule]]:
        """Message name → element → what it declares about who may send it (cached per definition)."""
        rules = self._rules.get(definition_id)
        if rules is None:
            rules = message_rules.of_spec(*self.spec(conn, definition_id))
            with self._lock:
                self._rules[definition_id] = rules
        return rules

    def start_events(self, conn: Connection, definition_id: int) -> list[tuple[str, str, str]]:
        """(kind "signal"|"message", name, element id) of a definition's signal and message start events (cached)."""
        found = self._starts.get(definition_id)
        if found is None:
            found = start_events_of(self.spec(conn, definition_id)[0])
            with self._lock:
                self._starts[definition_id] = found
        return found

    def decision(self, fast: FastSql, conn: Connection, key: str,
                 tenant: str) -> tuple[Decision, dict[str, Decision]]:
        """The decision a prefecture evaluates for `key` (its own newest, else the shared newest), and its file's."""
        row = fast.run(conn, f"SELECT file_id FROM decision_definition WHERE key = :key AND {OWN_THEN_SHARED} "
                             "LIMIT 1", {"key": key, "tenant": tenant}).first()
        if row is None:
            raise NotFound(f"no decision '{key}' is deployed for prefecture {tenant}")
        file_id = row[0]
        decisions = self._dmn.get(file_id)
        if decisions is None:
            name, content = conn.execute(select(DeployedFile.name, DeployedFile.content)
                                         .where(DeployedFile.id == file_id)).one()
            if _IMPORTS.search(content):  # it may import others: the prefecture's newest of them, cached by version
                return self._importing(conn, tenant, key, file_id, name, content)
            decisions = load_dmn(content, name)
            with self._lock:
                self._dmn[file_id] = decisions
        return decisions[key], decisions

    def _importing(self, conn: Connection, tenant: str, key: str, file_id: int, name: str,
                   content: bytes) -> tuple[Decision, dict[str, Decision]]:
        """A DMN file that imports others, loaded with the DMN files it may name (by namespace): the
        prefecture's newest of each file name, else the shared newest."""
        rows = conn.execute(select(DeployedFile.id, DeployedFile.name, DeployedFile.tenant)
                            .where(DeployedFile.kind == "dmn", DeployedFile.tenant.in_([tenant, ""]))
                            .order_by(DeployedFile.version.desc())).all()
        chosen: dict[str, int] = {}
        for other_id, other_name, owner in sorted(rows, key=lambda r: r[2] != tenant):  # own first, newest first
            chosen.setdefault(other_name, other_id)
        cache_key = (file_id, tuple(sorted(chosen.values())))
        decisions = self._imported.get(cache_key)
        if decisions is None:
            files = dict(conn.execute(select(DeployedFile.name, DeployedFile.content)
                                      .where(DeployedFile.id.in_(list(chosen.values())))).all())
            decisions = load_dmn(content, name, imports=files)
            with self._lock:
                self._imported[cache_key] = decisions
        return decisions[key], decisions
