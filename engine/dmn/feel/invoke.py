"""Invoking a FEEL function value: binding positional or named arguments to `FeelFunction.params` (trying
its `overloads` in order) and calling `impl(ctx, *args)` so that no Python exception escapes."""
from __future__ import annotations

import decimal
from collections.abc import Sequence
from typing import Any

from .context import EvalContext
from .numbers import DECIMAL
from .values import FeelFunction


#: What the lookup of a function name that is not defined gives (it reported that): invoking it gives null
#: without a second error.
NO_FUNCTION = FeelFunction("", (), lambda ctx, *args: None, variadic=True)


def _candidates(function: FeelFunction) -> tuple[FeelFunction, ...]:
    """The function and its overloads, in the order they are tried."""
    return (function, *function.overloads)


def bind_positional(function: FeelFunction, args: Sequence[Any]) -> tuple[FeelFunction, list[Any]] | None:
    """The overload that takes len(args) positional arguments and the arguments as it takes them (a
    variadic function's extra arguments as one list in its last parameter), or None."""
    count = len(args)
    for candidate in _candidates(function):
        arity = len(candidate.params)
        if candidate.variadic and count >= arity - 1:
            return candidate, [*args[: arity - 1], list(args[arity - 1 :])]
        if not candidate.variadic and count == arity:
            return candidate, list(args)
    return None


def bind_named(function: FeelFunction, named: dict[str, Any]) -> tuple[FeelFunction, list[Any]] | None:
    """The overload whose parameter names are exactly the given names (else the first that has them all,
    its other parameters null) and the arguments in its parameter order, or None."""
    given = set(named)
    fitting = [c for c in _candidates(function) if given <= {p.name for p in c.params}]
    exact = [c for c in fitting if len(c.params) == len(given)]
    chosen = (exact or fitting or [None])[0]
    if chosen is None:
        return None
    bound = [named.get(param.name) for param in chosen.params]
    if chosen.variadic and chosen.params and chosen.params[-1].name in named:
        bound[-1] = [bound[-1]]
    elif chosen.variadic and chosen.params:
        bound[-1] = []
    return chosen, bound


def _label(function: FeelFunction) -> str:
    """How an error sentence names a function."""
    return f"The function '{function.name}'" if function.name else "The function"


def call(function: FeelFunction, bound: list[Any], ctx: EvalContext) -> Any:
    """impl(ctx, *bound), with any Python exception reported as an error (the result is then null)."""
    try:
        with decimal.localcontext(DECIMAL):
            return function.impl(ctx, *bound)
    except RecursionError:
        ctx.error(f"{_label(function)} calls itself too deeply.")
    except decimal.DecimalException:
        ctx.error(f"{_label(function)} failed: the number is out of range.")
    except Exception as exc:  # noqa: BLE001 - a FEEL error gives null; it is reported, not raised
        ctx.error(f"{_label(function)} failed: {exc}.")
    return None


def invoke(function: Any, args: Sequence[Any], ctx: EvalContext) -> Any:
    """Call a FEEL function value with positional arguments (null and an error for a non-function or an
    arity no overload takes)."""
    if not isinstance(function, FeelFunction):
        ctx.error(f"{_article(_kind(function))} is not a function and cannot be invoked.")
        return None
    if function is NO_FUNCTION:
        return None
    binding = bind_positional(function, args)
    if binding is None:
        ctx.error(f"{_label(function)} does not take {len(args)} argument{'s' if len(args) != 1 else ''}.")
        return None
    return call(binding[0], binding[1], ctx)


def invoke_named(function: Any, named: dict[str, Any], ctx: EvalContext) -> Any:
    """Call a FEEL function value with named arguments."""
    if not isinstance(function, FeelFunction):
        ctx.error(f"{_article(_kind(function))} is not a function and cannot be invoked.")
        return None
    if function is NO_FUNCTION:
        return None
    binding = bind_named(function, named)
    if binding is None:
        names = ", ".join(f"'{name}'" for name in named)
        ctx.error(f"{_label(function)} has no parameters named {names}.")
        return None
    return call(binding[0], binding[1], ctx)


def _article(name: str) -> str:
    """A type name with its article, capitalised ('A string', 'An Any', 'Null')."""
    if name == "null":
        return "Null"
    return ("An " if name[0] in "aeiouAEIOU" else "A ") + name


def _kind(value: Any) -> str:
    """A value's FEEL type name for an error sentence ('string', 'null')."""
    from .semantics import type_name  # noqa: PLC0415 - semantics is not needed to bind arguments
    return type_name(value)
