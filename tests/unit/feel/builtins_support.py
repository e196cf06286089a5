"""Helpers of the built-in function tests: call a built-in by name as FEEL would (positional or named
arguments, overloads, implicit conversions) and see its result and reported errors."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from engine.dmn.feel.builtins import BUILTINS
from engine.dmn.feel.context import EvalContext
from engine.dmn.feel.values import FeelFunction, Parameter

NOW = datetime(2024, 5, 17, 10, 30, 15, tzinfo=UTC)


def D(x: Any) -> Decimal:
    """A FEEL number."""
    return Decimal(str(x))


def _pick(fn: FeelFunction, count: int) -> tuple[FeelFunction, bool]:
    for f in (fn, *fn.overloads):
        if f.variadic and count >= len(f.params) - 1:
            return f, True
        if not f.variadic and count == len(f.params):
            return f, False
    raise AssertionError(f"{fn.name} has no overload of {count} argument(s)")


def run(name: str, *args: Any, **named: Any) -> tuple[Any, list[str]]:
    """(result, errors) of the built-in `name` with positional args, or with named ones (spaces in a
    parameter name written as underscores: start_position=2)."""
    ctx = EvalContext(now=NOW)
    fn = BUILTINS[name]
    if named:
        names = {k.replace("_", " "): v for k, v in named.items()}
        for f in (fn, *fn.overloads):
            if {p.name for p in f.params} == set(names):
                return f.impl(ctx, *(names[p.name] for p in f.params)), ctx.errors
        raise AssertionError(f"{name} has no overload named {sorted(names)}")
    f, variadic = _pick(fn, len(args))
    if variadic:
        n = len(f.params) - 1
        args = (*args[:n], list(args[n:]))
    return f.impl(ctx, *args), ctx.errors


def call(name: str, *args: Any, **named: Any) -> Any:
    """The result of a built-in that must not report an error."""
    result, errors = run(name, *args, **named)
    assert errors == [], errors
    return result


def fails(name: str, *args: Any, **named: Any) -> str:
    """The error a built-in reports (it must give null)."""
    result, errors = run(name, *args, **named)
    assert result is None, result
    assert errors, "no error reported"
    return errors[0]


def fn(*param_names: str, body: Any) -> FeelFunction:
    """A FEEL function value (as a user-defined function would be) from a Python body(ctx, *args)."""
    return FeelFunction("", tuple(Parameter(p) for p in param_names), body)
