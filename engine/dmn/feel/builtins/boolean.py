"""DMN 1.5 §10.3.4.2 boolean function: not(negand). (all and any, which the spec also calls boolean functions
of lists, are in list_stats.py; DMN 1.5 has no `is defined`.)"""
from __future__ import annotations

from typing import Any

from ..values import FeelFunction
from ._common import builtin, need_bool


def _not(ctx, negand: Any) -> bool | None:
    """Three-valued negation: null stays null (no error); a non-boolean is an error."""
    if negand is None:
        return None
    return not need_bool(negand, "negand")


FUNCTIONS: list[FeelFunction] = [builtin("not", "negand", _not)]
