"""Compensation: compensation boundary handlers and compensate throw and end events."""
from __future__ import annotations

PARSERS: dict[str, tuple[type, type]] = {}
CONVERTERS: dict[type, type] = {}
