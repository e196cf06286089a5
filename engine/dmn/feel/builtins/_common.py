"""What every built-in family shares: declaring a built-in, checking its arguments, calling FEEL functions.

A built-in is declared with `builtin(name, signature, impl)`. The signature lists the spec's parameter names,
each optionally with its kind: `"string, start position, length"`, `"list: list, position, newItem: any"`.
Kinds drive the DMN 1.5 implicit conversions (§10.3.2.9.4) before `impl` runs:
- (none, a single value expected): a singleton list becomes its element;
- `list`: a value that is not a list (and not null) becomes a singleton list;
- `any`: the argument is passed as it is.
`impl(ctx, *args)` raises `ArgError("…")` for a wrong argument; the wrapper reports `name: message` through
ctx.error() and gives null. Arithmetic and conversion failures (decimal traps, ValueError, OverflowError, …)
are reported the same way, so no Python exception escapes a built-in. Impls run under numbers.DECIMAL.
"""
from __future__ import annotations

import dataclasses
import decimal
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NoReturn

from .. import temporal
from ..context import EvalContext
from ..numbers import DECIMAL
from ..semantics import type_name
from ..values import FeelFunction, Parameter

SCALAR, LIST, ANY = "scalar", "list", "any"


class ArgError(Exception):
    """A built-in's argument is wrong (type or value): the call gives null and the message is reported."""


def fail(message: str) -> NoReturn:
    """Stop the running built-in with an error message (reported as `name: message`)."""
    raise ArgError(message)


def _parse_signature(signature: str) -> list[tuple[str, str]]:
    params = []
    for part in signature.split(","):
        part = part.strip()
        if not part:
            continue
        pname, _, kind = part.partition(":")
        params.append((pname.strip(), kind.strip() or SCALAR))
    return params


def _convert(value: Any, kind: str) -> Any:
    if kind == SCALAR:
        return value[0] if isinstance(value, list) and len(value) == 1 else value
    if kind == LIST:
        return value if value is None or isinstance(value, list) else [value]
    return value


def builtin(name: str, signature: str, impl: Callable[..., Any], *, variadic: bool = False) -> FeelFunction:
    """A built-in FeelFunction: `impl` wrapped with the implicit conversions of its parameters' kinds and the
    error handling described in the module docstring. With `variadic`, the last parameter receives the rest of
    the arguments as one list, each element converted by that parameter's kind."""
    params = _parse_signature(signature)
    kinds = [kind for _, kind in params]
    last = len(kinds) - 1

    def run(ctx: EvalContext, *args: Any) -> Any:
        try:
            converted = []
            for i, arg in enumerate(args):
                kind = kinds[min(i, last)]
                if variadic and i == last and isinstance(arg, list):
                    converted.append([_convert(a, kind) for a in arg])
                else:
                    converted.append(_convert(arg, kind))
            with decimal.localcontext(DECIMAL):
                return impl(ctx, *converted)
        except ArgError as exc:
            ctx.error(f"{name}: {exc}")
        except decimal.DecimalException as exc:
            ctx.error(f"{name}: the result is not a FEEL number ({type(exc).__name__})")
        except (ArithmeticError, ValueError, TypeError, OverflowError, RecursionError, IndexError) as exc:
            ctx.error(f"{name}: {exc or type(exc).__name__}")
        return None

    run.__name__ = run.__qualname__ = "feel_" + name.replace(" ", "_")
    return FeelFunction(name, tuple(Parameter(p) for p, _ in params), run, variadic=variadic)


def overloaded(first: FeelFunction, *rest: FeelFunction) -> FeelFunction:
    """One FeelFunction trying `first`, then each of `rest`, by the call's arity or parameter names."""
    return dataclasses.replace(first, overloads=tuple(rest))


# --- type checks (type_name is semantics.type_name) ---------------------------------------------------------

def _wrong(pname: str, expected: str, value: Any) -> NoReturn:
    fail(f"{pname} must be {expected}, not {type_name(value)}")


def is_number(value: Any) -> bool:
    """Tell whether value is a FEEL number (a Decimal; a bool never is)."""
    return isinstance(value, Decimal)


def need_number(value: Any, pname: str) -> Decimal:
    """The argument as a number, or an error naming the parameter."""
    if not isinstance(value, Decimal):
        _wrong(pname, "a number", value)
    return value


def need_int(value: Any, pname: str) -> int:
    """The argument as a whole number: a number's integral part (toward zero: 3.8 gives 3)."""
    return int(need_number(value, pname))


def need_string(value: Any, pname: str) -> str:
    """The argument as a string, or an error naming the parameter."""
    if not isinstance(value, str):
        _wrong(pname, "a string", value)
    return value


def need_bool(value: Any, pname: str) -> bool:
    """The argument as a boolean, or an error naming the parameter."""
    if not isinstance(value, bool):
        _wrong(pname, "a boolean", value)
    return value


def need_list(value: Any, pname: str) -> list:
    """The argument as a list, or an error naming the parameter."""
    if not isinstance(value, list):
        _wrong(pname, "a list", value)
    return value


def need_context(value: Any, pname: str) -> dict:
    """The argument as a context, or an error naming the parameter."""
    if not isinstance(value, dict):
        _wrong(pname, "a context", value)
    return value


def need_function(value: Any, pname: str) -> FeelFunction:
    """The argument as a function, or an error naming the parameter."""
    if not isinstance(value, FeelFunction):
        _wrong(pname, "a function", value)
    return value


def is_temporal_point(value: Any) -> bool:
    """Tell whether value is a date, time or date and time."""
    return temporal.is_date(value) or temporal.is_time(value) or temporal.is_date_time(value)


# --- calling FEEL function values ---------------------------------------------------------------------------

def accepts(fn: FeelFunction, arity: int) -> bool:
    """Tell whether fn (or one of its overloads) takes `arity` positional arguments."""
    return any(_fits(f, arity) for f in (fn, *fn.overloads))


def _fits(f: FeelFunction, arity: int) -> bool:
    n = len(f.params)
    return arity >= n - 1 if f.variadic else arity == n


def invoke(ctx: EvalContext, fn: FeelFunction, *args: Any) -> Any:
    """Call a FEEL function value with positional arguments (the first overload whose arity fits)."""
    for f in (fn, *fn.overloads):
        if _fits(f, len(args)):
            if f.variadic:
                n = len(f.params) - 1
                return f.impl(ctx, *args[:n], list(args[n:]))
            return f.impl(ctx, *args)
    fail(f"the function {fn.name or '(anonymous)'} does not take {len(args)} argument(s)")
