"""Imports every endpoint module so that its routes join the blueprint (one module per resource)."""
from __future__ import annotations

from . import (  # noqa: F401
    decision_definitions,  # /decision-definition: list, get, XML, evaluate
    deployments,  # /deployment: list, get, resources, create (Camunda Modeler's deploy), delete
    external_tasks,  # /external-task: fetchAndLock (long polling), complete, failure, bpmnError, locks, retries
    history,  # /history/process-instance, /history/activity-instance, /history/variable-instance
    incidents,  # /incident, /job retries
    messages,  # /message, /signal
    meta,  # /engine, /version
    openapi,  # /openapi.json: this API's OpenAPI document
    process_definitions,  # /process-definition: list, get, by key, XML, statistics
    process_instances,  # /process-instance: list, count, get, variables, delete
    starts,  # /process-definition/{id}/start, /key/{key}/start, /key/{key}/tenant-id/{id}/start, submit-form
    tasks,  # /task: list, count, get, claim, unclaim, assignee, delegate, resolve, complete, submit-form, forms
)
