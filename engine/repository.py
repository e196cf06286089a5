"""Deployed process and decision definitions, restored once per version and cached."""
from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.bpmn.serializer import StateSerializer
from engine.db.models import DecisionDefinition, DeployedFile, ProcessDefinition
from engine.dmn import Decision, load_dmn
from engine.errors import NotFound


class Repository:
    """Specs by definition id and decisions by key; parsing is paid once per version."""

    def __init__(self, serializer: StateSerializer) -> None:
        self.serializer = serializer
        self._specs: dict[int, tuple[Any, dict[str, Any]]] = {}
        self._dmn: dict[int, dict[str, Decision]] = {}
        self._lock = threading.Lock()

    def latest_definition(self, session: Session, key: str) -> tuple[int, int]:
        """(id, version) of the newest version of a process, by its BPMN process id."""
        found = session.connection().exec_driver_sql(self._latest_sql(session), {"key": key}).first()
        if found is None:
            raise NotFound(f"no process '{key}' is deployed")
        return found[0], found[1]

    @staticmethod
    def _latest_sql(session: Session) -> str:
        param = "%(key)s" if session.bind.dialect.name == "postgresql" else ":key"
        return f"SELECT id, version FROM process_definition WHERE key = {param} ORDER BY version DESC LIMIT 1"

    def spec(self, session: Session, definition_id: int) -> tuple[Any, dict[str, Any]]:
        """The restored spec and subprocess specs of a definition (cached)."""
        cached = self._specs.get(definition_id)
        if cached is None:
            raw = session.scalar(select(ProcessDefinition.spec_json).where(ProcessDefinition.id == definition_id))
            if raw is None:
                raise NotFound(f"process definition {definition_id} does not exist")
            cached = self.serializer.load_spec(raw)
            with self._lock:
                self._specs[definition_id] = cached
        return cached

    def decision(self, session: Session, key: str) -> tuple[Decision, dict[str, Decision]]:
        """The newest deployed decision with this id, and the decisions of its file (for requirements)."""
        row = session.execute(select(DecisionDefinition.file_id).where(DecisionDefinition.key == key)
                              .order_by(DecisionDefinition.version.desc()).limit(1)).first()
        if row is None:
            raise NotFound(f"no decision '{key}' is deployed")
        file_id = row[0]
        decisions = self._dmn.get(file_id)
        if decisions is None:
            f = session.get(DeployedFile, file_id)
            decisions = load_dmn(f.content, f.name)
            with self._lock:
                self._dmn[file_id] = decisions
        return decisions[key], decisions
