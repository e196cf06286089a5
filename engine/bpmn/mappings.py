"""Variable mappings: camunda:inputOutput, and camunda:in / camunda:out on call activities."""
from __future__ import annotations

PARSERS: dict[str, tuple[type, type]] = {}
CONVERTERS: dict[type, type] = {}
