"""FEEL's built-in functions (DMN 1.5 §10.3.4), one module per family, assembled into BUILTINS.

BUILTINS maps each function's FEEL name ("string length", "date and time", "get value", …) to its
FeelFunction; functions with several signatures have them as `overloads` (tried in order, by arity or by
parameter names). Families: conversion, boolean, string, list and list_stats, numeric, temporal (is, day of
year …, now, today), range (the interval functions and range()), sort, context. _common.py says how a
built-in is declared and how its arguments are converted and checked."""
from __future__ import annotations

from ..values import FeelFunction
from . import boolean, context, conversion, list_stats, numeric, sort, temporal
from . import list as list_fns
from . import range as range_fns
from . import string as string_fns


def _assemble() -> dict[str, FeelFunction]:
    table: dict[str, FeelFunction] = {}
    for family in (conversion, boolean, string_fns, list_fns, list_stats, numeric, temporal, range_fns, sort, context):
        for fn in family.FUNCTIONS:
            if fn.name in table:
                raise RuntimeError(f"two built-ins named {fn.name!r}")
            table[fn.name] = fn
    return table


BUILTINS: dict[str, FeelFunction] = _assemble()

__all__ = ["BUILTINS"]
