"""The engine's public operations, by intent; each lives in its own ops_* module."""
from __future__ import annotations

from typing import Any

from engine import (
    deploy, ops_incidents, ops_instances, ops_jobs, ops_messages, ops_signals, ops_timers, queries, start_timers,
)
from engine.deploy import DeployReport
from engine.message_rules import Sender


class EngineApi:
    """Mixed into Engine: what the CLI, the web app and the worker call."""

    def deploy(self, files: list[tuple[str, bytes]], actor: str | None = None,
               tenant: str | None = None) -> DeployReport:
        """Validate and store BPMN/DMN files as new versions of a prefecture's (None: shared); unchanged ones skip."""
        return deploy.deploy(self, files, actor, tenant)  # type: ignore[arg-type]

    def validate(self, files: list[tuple[str, bytes]], tenant: str | None = None) -> None:
        """Check files without storing them, against what the prefecture (None: shared) sees; ValidationFailed."""
        deploy.validate(self, files, tenant)  # type: ignore[arg-type]

    def start(self, key: str, tenant: str, data: dict[str, Any] | None = None, business_key: str | None = None,
              actor: str | None = None) -> int:
        """Start the newest version of a process for a prefecture; returns the instance id."""
        return ops_instances.start(self, key, tenant, data, business_key, actor)  # type: ignore[arg-type]

    def complete_task(self, task_id: str, user: str, data: dict[str, Any] | None = None) -> int:
        """Complete an open user task with form data; returns the instance id."""
        return ops_instances.complete_task(self, task_id, user, data)  # type: ignore[arg-type]

    def correlate(self, name: str, key: str | None, data: dict[str, Any] | None = None,
                  message_id: str | None = None, tenant: str | None = None,
                  sender: Sender | None = None) -> dict[str, Any]:
        """Deliver a message by name and correlation key (once per message id within the prefecture).

        A `sender` (the API, the portal) is checked against the catching elements' declarations.
        """
        return ops_messages.correlate(self, name, key, data, message_id, tenant, sender)  # type: ignore[arg-type]

    def signal(self, name: str, tenant: str, data: dict[str, Any] | None = None,
               actor: str | None = None) -> dict[str, Any]:
        """Broadcast a signal to a prefecture: every instance waiting for it, and its signal start events."""
        return ops_signals.signal(self, name, tenant, data, actor)  # type: ignore[arg-type]

    def fire_due_timers(self, limit: int = 100) -> int:
        """Fire timers that are due by the engine clock (start timers too); returns how many fired or started."""
        return (start_timers.fire_due(self, limit)  # type: ignore[arg-type]
                + ops_timers.fire_due(self, limit))  # type: ignore[arg-type]

    def start_timers(self) -> list[dict[str, Any]]:
        """Timer start events' schedules that are still waiting, soonest first."""
        return start_timers.upcoming(self)  # type: ignore[arg-type]

    def timers(self, limit: int = 100) -> list[dict[str, Any]]:
        """Waiting timers, soonest first."""
        return ops_timers.upcoming(self, limit)  # type: ignore[arg-type]

    def run_jobs(self, worker: str, limit: int = 10) -> dict[str, int]:
        """Claim and run one batch of external jobs; counts by outcome."""
        return ops_jobs.run_once(self, worker, limit)  # type: ignore[arg-type]

    def retry(self, incident_id: int, user: str | None = None) -> str:
        """Resume after an incident."""
        return ops_jobs.retry(self, incident_id, user)  # type: ignore[arg-type]

    def resolve(self, incident_id: int, user: str, note: str, variables: dict[str, Any] | None = None) -> None:
        """Close a job's incident without a retry: done outside kentei; the task completes with `variables`."""
        ops_incidents.resolve(self, incident_id, user, note, variables)  # type: ignore[arg-type]

    def instance(self, instance_id: int) -> dict[str, Any]:
        """An instance with its open tasks, timers, jobs, incidents and variables."""
        return queries.instance(self, instance_id)  # type: ignore[arg-type]

    def tasks(self, tenant: str | None = None, status: str = "open", group: str | None = None,
              assignee: str | None = None, instance_id: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Human tasks, filtered."""
        return queries.tasks(self, tenant, status, group, assignee, instance_id, limit)  # type: ignore[arg-type]

    def incidents(self, tenant: str | None = None, status: str | None = "open") -> list[dict[str, Any]]:
        """Incidents, newest first."""
        return queries.incidents(self, tenant, status)  # type: ignore[arg-type]

    def history(self, instance_id: int) -> list[dict[str, Any]]:
        """An instance's history events in order."""
        return queries.history(self, instance_id)  # type: ignore[arg-type]

    def verify_history(self, instance_id: int) -> list[str]:
        """Problems in an instance's history hash chain; empty when intact."""
        return queries.verify_history(self, instance_id)  # type: ignore[arg-type]
