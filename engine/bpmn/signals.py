"""Signals, escalation, link events and message start, throw and end events."""
from __future__ import annotations

PARSERS: dict[str, tuple[type, type]] = {}
CONVERTERS: dict[type, type] = {}
