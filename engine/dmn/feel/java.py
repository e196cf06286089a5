"""External Java functions (`function(x) external {java: {class: "java.lang.Math", method signature: "cos(double)"}}`)
for a fixed list of pure static methods of java.lang, emulated in Python: no Java, no reflection, nothing loaded.

`java_function(name, params, mapping)` gives the FeelFunction for a mapping context, or one that reports why
it cannot run (an unknown class or method, a signature whose types kentei does not convert). Arguments are
converted as Java would receive them (double/float → binary float, int/long/short/byte → a whole number in
range, char → one character, String, Object[] varargs), results back to FEEL (a float by its shortest
decimal text, so 1234.56 stays 1234.56; NaN and infinities are errors, as FEEL has no such numbers).
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from .context import EvalContext
from .numbers import is_number
from .semantics import to_string
from .values import FeelFunction, Parameter

_INTS = {"int": 32, "long": 64, "short": 16, "byte": 8}
_BOXED = {"java.lang.Integer": "int", "java.lang.Long": "long", "java.lang.Short": "short", "java.lang.Byte": "byte",
          "java.lang.Double": "double", "java.lang.Float": "float", "java.lang.String": "String",
          "java.lang.Character": "char", "java.lang.Boolean": "boolean", "java.lang.Object": "Object",
          "[Ljava.lang.Object;": "Object[]"}
_SIGNATURE = re.compile(r"\s*([A-Za-z_]\w*)\s*\(([^()]*)\)\s*")


def _java_int(text: str) -> int:
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise ValueError(f"'{text}' is not a whole number")
    return int(text)


def _java_double(text: str) -> float:
    if not re.fullmatch(r"\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[dDfF]?\s*", text):
        raise ValueError(f"'{text}' is not a number")
    return float(text.strip().rstrip("dDfF"))


def _format(fmt: str, args: list[Any]) -> str:
    """java.lang.String.format for %s, %d, %f, %x, %n and %%; anything else is an error."""
    values = iter(args)

    def one(m: re.Match[str]) -> str:
        spec, conv = m.group(1), m.group(2)
        if conv == "%":
            return "%"
        if conv == "n":
            return "\n"
        value = next(values)
        if conv == "s":
            return ("%" + spec + "s") % (value if isinstance(value, str) else to_string(value))
        if conv in "dx" and isinstance(value, int):
            return ("%" + spec + conv) % value
        if conv == "f" and isinstance(value, float):
            return ("%" + spec + "f") % value
        raise ValueError(f"%{conv} cannot format {value!r}")
    return re.sub(r"%([-#+ 0,(]*[0-9]*(?:\.[0-9]+)?)([sdfxn%])", one, fmt)


_MATH_1: dict[str, Callable[[float], float]] = {
    "abs": abs, "cos": math.cos, "sin": math.sin, "tan": math.tan, "acos": math.acos, "asin": math.asin,
    "atan": math.atan, "sqrt": math.sqrt, "cbrt": lambda x: math.copysign(abs(x) ** (1 / 3), x), "exp": math.exp,
    "log": math.log, "log10": math.log10, "floor": math.floor, "ceil": math.ceil, "toDegrees": math.degrees,
    "toRadians": math.radians, "signum": lambda x: float((x > 0) - (x < 0)), "cosh": math.cosh, "sinh": math.sinh,
    "tanh": math.tanh}
_MATH_2: dict[str, Callable[[Any, Any], Any]] = {"max": max, "min": min, "pow": math.pow, "atan2": math.atan2,
                                                  "hypot": math.hypot}
_NUMERIC = {"int", "long", "short", "byte", "double", "float"}


def _nan_safe(fn: Callable[..., float], *args: float) -> float:
    """As Java's Math: a result outside the function's domain is NaN (which FEEL then refuses), not an exception."""
    try:
        return fn(*args)
    except ValueError:
        return math.nan


def _method(cls: str, name: str, types: list[str]) -> Callable[..., Any] | None:
    """The emulated static method, or None when kentei does not run it."""
    one = len(types) == 1
    if cls == "java.lang.Math":
        if one and types[0] in _NUMERIC and name in _MATH_1:
            fn = _MATH_1[name]
            return (lambda x: abs(x)) if name == "abs" and types[0] in _INTS else (lambda x: _nan_safe(fn, float(x)))
        if len(types) == 2 and types[0] == types[1] and types[0] in _NUMERIC and name in _MATH_2:
            return _MATH_2[name]
        return None
    kind = _BOXED.get(cls)
    if kind in _INTS or kind in ("double", "float"):
        parse = _java_int if kind in _INTS else _java_double
        if name in ("valueOf", f"parse{kind.capitalize()}", "parseInt") and one:
            if types[0] == "String":
                return parse
            if types[0] == kind or (kind in ("double", "float") and types[0] in _NUMERIC):
                return lambda x: x
        return None
    if cls == "java.lang.String":
        if name == "valueOf" and one and types[0] in ("char", "int", "long", "double", "float", "boolean", "String"):
            return lambda x: ("true" if x else "false") if isinstance(x, bool) else x if isinstance(x, str) else str(x)
        if name == "format" and types == ["String", "Object[]"]:
            return lambda fmt, rest: _format(fmt, rest)
    return None


def _to_java(value: Any, kind: str) -> Any:
    if kind in _INTS:
        if not is_number(value) or value != value.to_integral_value():
            raise ValueError(f"{kind} needs a whole number, not {to_string(value)}")
        whole, bits = int(value), _INTS[kind]
        if not -(1 << (bits - 1)) <= whole < 1 << (bits - 1):
            raise ValueError(f"{whole} does not fit in a Java {kind}")
        return whole
    if kind in ("double", "float"):
        if not is_number(value):
            raise ValueError(f"{kind} needs a number, not {to_string(value)}")
        return float(value)
    if kind == "char":
        if not isinstance(value, str) or len(value) != 1:
            raise ValueError(f"char needs one character, not {to_string(value)}")
        return value
    if kind == "String" and not isinstance(value, str):
        raise ValueError(f"String needs a string, not {to_string(value)}")
    if kind == "boolean" and not isinstance(value, bool):
        raise ValueError(f"boolean needs true or false, not {to_string(value)}")
    if kind == "Object":
        return _to_java(value, "long") if is_number(value) and value == value.to_integral_value() else \
            float(value) if is_number(value) else value
    return value


def _to_feel(value: Any) -> Any:
    if isinstance(value, bool) or isinstance(value, str) or value is None:
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"the method gave {value}, which is not a FEEL number")
        return Decimal(repr(value))
    raise ValueError(f"the method gave a {type(value).__name__}")


def java_function(name: str, params: tuple[Parameter, ...], mapping: Any) -> FeelFunction:
    """The function an external Java mapping (`{class: …, method signature: …}`) stands for."""
    failure, method, types = None, None, []
    spec = mapping.get("java") if isinstance(mapping, Mapping) and "java" in mapping else mapping
    cls = spec.get("class") if isinstance(spec, Mapping) else None
    signature = spec.get("method signature") if isinstance(spec, Mapping) else None
    found = _SIGNATURE.fullmatch(signature) if isinstance(signature, str) else None
    if not isinstance(cls, str) or found is None:
        failure = "an external Java function needs a class and a method signature such as \"cos(double)\""
    else:
        types = [_BOXED.get(t.strip(), t.strip()) for t in found.group(2).split(",") if t.strip()]
        method = _method(cls.strip(), found.group(1), types)
        if method is None:
            failure = (f"the Java method {cls.strip()}.{found.group(1)}({', '.join(types)}) is not one kentei runs "
                       "(it runs pure static methods of java.lang.Math, String and the number classes)")

    def impl(ctx: EvalContext, *args: Any) -> Any:
        if failure or method is None:
            ctx.error(failure or "the Java method cannot run")
            return None
        try:
            if types and types[-1] == "Object[]":
                head = [_to_java(a, t) for a, t in zip(args[:len(types) - 1], types)]
                rest = [_to_java(a, "Object") for a in args[len(types) - 1:]]
                rest = rest[0] if len(rest) == 1 and isinstance(rest[0], list) else rest
                return _to_feel(method(*head, [_to_java(a, "Object") for a in rest]))
            if len(args) != len(types):
                ctx.error(f"{name} takes {len(types)} argument(s), not {len(args)}")
                return None
            return _to_feel(method(*(_to_java(a, t) for a, t in zip(args, types))))
        except (ValueError, OverflowError, ZeroDivisionError, StopIteration, TypeError) as exc:
            ctx.error(f"{name}: {exc}")
            return None
    return FeelFunction(name, params, impl)
