"""Async boundaries: camunda:asyncBefore / asyncAfter save points that a worker continues from."""
from __future__ import annotations

PARSERS: dict[str, tuple[type, type]] = {}
CONVERTERS: dict[type, type] = {}
