"""The engine's public face: each operation, by intent, on the kernel (engine/kernel.py)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Engine as Database

from engine import (
    deploy, ops_incidents, ops_instances, ops_jobs, ops_messages, ops_timers, purge, queries, start_processes,
    start_timers,
)
from engine.config import Settings
from engine.deploy import DeployReport
from engine.kernel import Kernel
from engine.message_rules import Sender
from engine.script_engine import Clock, system_clock
from handlers.base import HandlerRegistry


class Engine(Kernel):
    """What the CLI, the web app and the worker call; every operation is one transaction."""

    def __init__(self, db: Database, handlers: HandlerRegistry, settings: Settings, clock: Clock = system_clock) -> None:
        super().__init__(db, handlers, settings, clock)
        purge.register(handlers)
        start_processes.register(self, handlers)

    def deploy(self, files: list[tuple[str, bytes]], actor: str | None = None,
               tenant: str | None = None) -> DeployReport:
        """Validate and store BPMN/DMN files as new versions of a prefecture's (None: shared); unchanged ones skip."""
        return deploy.deploy(self, files, actor, tenant)

    def validate(self, files: list[tuple[str, bytes]], tenant: str | None = None) -> None:
        """Check files without storing them, against what the prefecture (None: shared) sees; ValidationFailed."""
        deploy.validate(self, files, tenant)

    def start(self, key: str, tenant: str, data: dict[str, Any] | None = None, business_key: str | None = None,
              actor: str | None = None) -> int:
        """Start the newest version of a process for a prefecture; returns the instance id."""
        return ops_instances.start(self, key, tenant, data, business_key, actor)

    def complete_task(self, task_id: str, user: str, data: dict[str, Any] | None = None) -> int:
        """Complete an open user task with form data; returns the instance id."""
        return ops_instances.complete_task(self, task_id, user, data)

    def correlate(self, name: str, key: str | None, data: dict[str, Any] | None = None,
                  message_id: str | None = None, tenant: str | None = None,
                  sender: Sender | None = None) -> dict[str, Any]:
        """Deliver a message by name and correlation key (once per message id within the prefecture).

        A `sender` (the API, the portal) is checked against the catching elements' declarations.
        """
        return ops_messages.correlate(self, name, key, data, message_id, tenant, sender)

    def fire_due_timers(self, limit: int = 100) -> int:
        """Fire timers that are due by the engine clock (start timers too); returns how many fired or started."""
        return (start_timers.fire_due(self, limit)
                + ops_timers.fire_due(self, limit))

    def start_timers(self) -> list[dict[str, Any]]:
        """Timer start events' schedules that are still waiting, soonest first."""
        return start_timers.upcoming(self)

    def timers(self, limit: int = 100) -> list[dict[str, Any]]:
        """Waiting timers, soonest first."""
        return ops_timers.upcoming(self, limit)

    def run_jobs(self, worker: str, limit: int = 10) -> dict[str, int]:
        """Claim and run one batch of external jobs; counts by outcome."""
        return ops_jobs.run_once(self, worker, limit)

    def retry(self, incident_id: int, user: str | None = None) -> str:
        """Resume after an incident."""
        return ops_jobs.retry(self, incident_id, user)

    def resolve(self, incident_id: int, user: str, note: str, variables: dict[str, Any] | None = None) -> None:
        """Close a job's incident without a retry: done outside kentei; the task completes with `variables`."""
        ops_incidents.resolve(self, incident_id, user, note, variables)

    def instance(self, instance_id: int) -> dict[str, Any]:
        """An instance with its open tasks, timers, jobs, incidents and variables."""
        return queries.instance(self, instance_id)

    def tasks(self, tenant: str | None = None, status: str = "open", group: str | None = None,
              assignee: str | None = None, instance_id: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Human tasks, filtered."""
        return queries.tasks(self, tenant, status, group, assignee, instance_id, limit)

    def incidents(self, tenant: str | None = None, status: str | None = "open") -> list[dict[str, Any]]:
        """Incidents, newest first."""
        return queries.incidents(self, tenant, status)

    def history(self, instance_id: int) -> list[dict[str, Any]]:
        """An instance's history events in order."""
        return queries.history(self, instance_id)

    def verify_history(self, instance_id: int) -> list[str]:
        """Problems in an instance's history hash chain; empty when intact."""
        return queries.verify_history(self, instance_id)
