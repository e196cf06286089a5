"""The construct families: each module under engine/bpmn/ holds one family's parser, specs and
serializer entries, and the parser and the serializer gather them here.

A family module may define
- `PARSERS`: BPMN tag (local name) -> (parser class, spec class), overriding the defaults;
- `CONVERTERS`: spec or event-definition class -> SpiffWorkflow converter class;
- `FINISH`: a function run on every parsed process spec (once), e.g. to put task specs on its flows.
What the dialect accepts is decided by engine/validation/whitelist.py, not here.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

from engine.bpmn import (
    async_points, compensation, event_subprocesses, flows, mappings, multi_instance, signals,
)

FAMILIES: tuple[ModuleType, ...] = (
    multi_instance, mappings, event_subprocesses, signals, flows, async_points, compensation,
)


def parsers() -> dict[str, tuple[type, type]]:
    found: dict[str, tuple[type, type]] = {}
    for family in FAMILIES:
        found.update(getattr(family, "PARSERS", {}))
    return found


def finish(spec: Any) -> None:
    """Run every family's FINISH on a freshly parsed process spec."""
    for family in FAMILIES:
        finisher = getattr(family, "FINISH", None)
        if finisher is not None:
            finisher(spec)


def converters() -> dict[type, type]:
    found: dict[type, type] = {}
    for family in FAMILIES:
        found.update(getattr(family, "CONVERTERS", {}))
    return found
