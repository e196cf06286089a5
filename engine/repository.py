"""Deployed process and decision definitions, restored once per version and cached."""
from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Connection, select

from engine.bpmn.serializer import StateSerializer
from engine.db.fast import FastSql
from engine.db.models import DeployedFile, ProcessDefinition
from engine.dmn import Decision, load_dmn
from engine.errors import NotFound


class Repository:
    """Specs by definition id and decisions by key; parsing is paid once per version."""

    def __init__(self, serializer: StateSerializer) -> None:
        self.serializer = serializer
        self._specs: dict[int, tuple[Any, dict[str, Any]]] = {}
        self._dmn: dict[int, dict[str, Decision]] = {}
        self._lock = threading.Lock()

    def latest_definition(self, fast: FastSql, conn: Connection, key: str) -> tuple[int, int]:
        """(id, version) of the newest version of a process, by its BPMN process id."""
        found = fast.run(conn, "SELECT id, version FROM process_definition WHERE key = :key "
                               "ORDER BY version DESC LIMIT 1", {"key": key}).first()
        if found is None:
            raise NotFound(f"no process '{key}' is deployed")
        return found[0], found[1]

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

    def decision(self, fast: FastSql, conn: Connection, key: str) -> tuple[Decision, dict[str, Decision]]:
        """The newest deployed decision with this id, and the decisions of its file (for requirements)."""
        row = fast.run(conn, "SELECT file_id FROM decision_definition WHERE key = :key ORDER BY version DESC LIMIT 1",
                       {"key": key}).first()
        if row is None:
            raise NotFound(f"no decision '{key}' is deployed")
        file_id = row[0]
        decisions = self._dmn.get(file_id)
        if decisions is None:
            name, content = conn.execute(select(DeployedFile.name, DeployedFile.content)
                                         .where(DeployedFile.id == file_id)).one()
            decisions = load_dmn(content, name)
            with self._lock:
                self._dmn[file_id] = decisions
        return decisions[key], decisions
