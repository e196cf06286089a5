"""Sequence flows and the ends of paths: conditions on flows leaving tasks, implicit splits, uncaught errors, data objects."""
from __future__ import annotations

PARSERS: dict[str, tuple[type, type]] = {}
CONVERTERS: dict[type, type] = {}
