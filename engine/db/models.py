"""The engine's tables: deployments, instances and the projections queries read."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON, BigInteger, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base for every kentei table."""


SHARED = ""  # the tenant of a shared deployment: the ministry's standard process, for every prefecture


class Deployment(Base):
    """One deploy: the files sent together (Camunda 7's deployment), by name and source, for one tenant."""

    __tablename__ = "deployment"
    __table_args__ = (Index("ix_deployment_name", "tenant", "name", "source"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # a UUID, as Camunda's
    tenant: Mapped[str] = mapped_column(String(8), server_default="")  # a prefecture, or SHARED
    name: Mapped[str | None] = mapped_column(String(255))
    source: Mapped[str | None] = mapped_column(String(255))  # "Camunda Modeler", "kentei CLI", ...
    deployed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deployed_by: Mapped[str | None] = mapped_column(String(64))


class DeployedFile(Base):
    """One version of one BPMN or DMN file, kept by content hash; versions count per tenant."""

    __tablename__ = "deployed_file"
    __table_args__ = (UniqueConstraint("tenant", "name", "version", name="uq_deployed_file_tenant_name_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(8), server_default="")  # a prefecture, or SHARED
    name: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # bpmn | dmn
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    deployed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deployed_by: Mapped[str | None] = mapped_column(String(64))
    deployment_id: Mapped[str | None] = mapped_column(ForeignKey("deployment.id"), index=True)


class ProcessDefinition(Base):
    """An executable process of a deployed BPMN file; the spec is stored once here."""

    __tablename__ = "process_definition"
    __table_args__ = (UniqueConstraint("tenant", "key", "version", name="uq_process_definition_tenant_key_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(8), server_default="")  # its file's tenant, or SHARED
    key: Mapped[str] = mapped_column(String(255), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(255))
    file_id: Mapped[int] = mapped_column(ForeignKey("deployed_file.id"))
    spec_json: Mapped[bytes] = mapped_column(LargeBinary)
    deployed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DecisionDefinition(Base):
    """A decision table of a deployed DMN file."""

    __tablename__ = "decision_definition"
    __table_args__ = (UniqueConstraint("tenant", "key", "version", name="uq_decision_definition_tenant_key_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(8), server_default="")  # its file's tenant, or SHARED
    key: Mapped[str] = mapped_column(String(255), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(255))
    file_id: Mapped[int] = mapped_column(ForeignKey("deployed_file.id"))
    deployed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProcessInstance(Base):
    """A running or ended process instance with its serialized workflow (no spec inside)."""

    __tablename__ = "process_instance"
    __table_args__ = (
        Index("ix_instance_tenant_status", "tenant", "status"),
        # an API caller's request id (business key api-<tenant>-<id>) files one application, even when sent twice
        Index("ux_instance_api_request", "tenant", "business_key", unique=True,
              sqlite_where=text("business_key LIKE 'api-%'"), postgresql_where=text("business_key LIKE 'api-%'")),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    tenant: Mapped[str] = mapped_column(String(8))
    business_key: Mapped[str | None] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(16))  # running | completed | cancelled | error
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[bytes] = mapped_column(LargeBinary)
    variables: Mapped[Any] = mapped_column(JSON, nullable=True)  # the process variables, for reading
    history_head: Mapped[str | None] = mapped_column(String(64))  # hash of the newest history event
    waits: Mapped[Any] = mapped_column(JSON)  # what the projections hold for it, to diff cheaply
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_by: Mapped[str | None] = mapped_column(String(64))
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # data erased after a 削除


class HumanTask(Base):
    """A user task: open while the workflow waits on it, then completed or cancelled."""

    __tablename__ = "human_task"
    __table_args__ = (Index("ix_human_task_open", "tenant", "status", "due_at"),
                      # the inbox: its filters and sort keys, so a page is found in the index alone
                      Index("ix_human_task_inbox", "tenant", "status", "due_at", "assignee", "candidate_groups",
                            "candidate_users", "instance_id", "id"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the workflow task's UUID
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    tenant: Mapped[str] = mapped_column(String(8))
    element_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    candidate_groups: Mapped[str | None] = mapped_column(String(255))
    candidate_users: Mapped[str | None] = mapped_column(String(1000))  # user ids, "a,b" (no spaces)
    assignee: Mapped[str | None] = mapped_column(String(64), index=True)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    follow_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))  # open | completed | cancelled
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_by: Mapped[str | None] = mapped_column(String(64))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the last overdue reminder
    reminders: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    variables: Mapped[Any] = mapped_column(JSON, nullable=True)  # its local variables (input parameters), for its form
    # Camunda 7's delegation (/engine-rest task delegate and resolve): the owner who delegated, PENDING|RESOLVED
    owner: Mapped[str | None] = mapped_column(String(64))
    delegation_state: Mapped[str | None] = mapped_column(String(16))
    priority: Mapped[int] = mapped_column(Integer, default=50, server_default="50")  # Camunda's default


class StartTimer(Base):
    """A timer start event's schedule: due_at is when it next starts instances (engine/start_timers.py)."""

    __tablename__ = "start_timer"
    __table_args__ = (Index("ix_start_timer_due", "status", "due_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    tenant: Mapped[str] = mapped_column(String(8), server_default="")  # the definition's: one prefecture, or SHARED
    process_key: Mapped[str] = mapped_column(String(255))
    element_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))  # timeDate | timeDuration | timeCycle
    value: Mapped[str] = mapped_column(String(255))
    origin: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # ISO cycles count from it
    slot: Mapped[int] = mapped_column(Integer, default=0)  # which firing of the cycle is due next
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))  # waiting | done | superseded
    fired_count: Mapped[int] = mapped_column(Integer, default=0)
    last_fired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Timer(Base):
    """A waiting timer event and when it is due."""

    __tablename__ = "timer"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the workflow task's UUID
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    element_id: Mapped[str] = mapped_column(String(255))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    status: Mapped[str] = mapped_column(String(16), default="waiting")  # waiting | incident


class MessageSubscription(Base):
    """An instance waiting for a message, found by name and correlation key."""

    __tablename__ = "message_subscription"
    __table_args__ = (Index("ix_subscription_lookup", "message_name", "correlation_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(255))
    message_name: Mapped[str] = mapped_column(String(255))
    correlation_key: Mapped[str | None] = mapped_column(String(255))


class SignalSubscription(Base):
    """An instance waiting for a signal, found by its prefecture and the signal's name."""

    __tablename__ = "signal_subscription"
    __table_args__ = (Index("ix_signal_subscription_lookup", "tenant", "signal_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    tenant: Mapped[str] = mapped_column(String(8))
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(255))
    signal_name: Mapped[str] = mapped_column(String(255))


class ThrownSignal(Base):
    """A signal an instance threw, for the prefecture's other instances: delivered (and deleted) right after its
    commit; a row that could not be delivered stays as failed."""

    __tablename__ = "thrown_signal"
    __table_args__ = (Index("ix_thrown_signal_pending", "status", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(8))
    signal_name: Mapped[str] = mapped_column(String(255))
    payload: Mapped[Any] = mapped_column(JSON)
    source_instance_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # pending | failed
    thrown_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # when it failed


class ReceivedMessage(Base):
    """Every message received, by prefecture and id: a duplicate id is applied once; unmatched ones wait for a TTL.

    Ids are a prefecture's own namespace: another prefecture's id is never "seen" here.
    """

    __tablename__ = "received_message"
    __table_args__ = (Index("ix_received_pending", "message_name", "correlation_key", "status"),)
    tenant: Mapped[str] = mapped_column(String(8), primary_key=True, server_default="")  # SHARED for a trusted sender's unscoped key
    message_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    message_name: Mapped[str] = mapped_column(String(255))
    correlation_key: Mapped[str | None] = mapped_column(String(255))
    payload: Mapped[Any] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # delivered | buffered | expired
    instance_id: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ExternalJob(Base):
    """A remote service task's work item: leased by a worker, retried with backoff."""

    __tablename__ = "external_job"
    __table_args__ = (Index("ix_job_due", "status", "next_run_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(255))
    topic: Mapped[str] = mapped_column(String(255))
    # external: a remote service task's handler; async: a save point's continuation (asyncBefore/After);
    # outside: a topic served by outside workers through /engine-rest fetchAndLock (KENTEI_EXTERNAL_TOPICS)
    kind: Mapped[str] = mapped_column(String(16), server_default="external")
    status: Mapped[str] = mapped_column(String(16))  # pending | locked | done | incident | cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # handler runs started; for async, failed runs
    max_attempts: Mapped[int] = mapped_column(Integer)
    retry_cycle: Mapped[str | None] = mapped_column(String(255))  # the element's failedJobRetryTimeCycle
    next_run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_by: Mapped[str | None] = mapped_column(String(128))
    lock_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[Any] = mapped_column(JSON)  # the task's variables when the job was created
    result: Mapped[Any] = mapped_column(JSON, nullable=True)  # kept when applying it failed
    properties: Mapped[Any] = mapped_column(JSON, nullable=True)  # the task's camunda:properties, for the handler
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # outside workers' (Camunda 7 external tasks): retries as the worker last set them (None until its first
    # failure), the failure's details, and the priority fetchAndLock's usePriority orders by
    retries: Mapped[int | None] = mapped_column(Integer)
    error_details: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Incident(Base):
    """A failure that needs a person: retries ran out, or a step could not run."""

    __tablename__ = "incident"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    tenant: Mapped[str] = mapped_column(String(8), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("external_job.id"))
    element_id: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32))  # job_failed | decision_failed | ...
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)  # open | resolved
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    auto_retries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # by the scheduler
    next_auto_retry_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolution: Mapped[str | None] = mapped_column(String(16))  # retried | by_hand (closed without a retry)
    resolution_note: Mapped[str | None] = mapped_column(Text)  # why, for by_hand; erased with the instance


class HistoryEvent(Base):
    """Append-only record of what happened to an instance."""

    __tablename__ = "history_event"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    instance_id: Mapped[int] = mapped_column(Integer, index=True)
    tenant: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(32))
    element_id: Mapped[str | None] = mapped_column(String(255))
    actor: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[Any] = mapped_column(JSON, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))  # the instance's previous event (hash chain)
    hash: Mapped[str] = mapped_column(String(64))
