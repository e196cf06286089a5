"""Values checked against declared types: DMN's type conformance, and Camunda 7's conversions by typeRef.

DMN (1.4, 1.5 files; every variable, parameter and boxed expression with a typeRef): a value that conforms is
kept; a singleton list where a non-list is declared gives its element, and a value where a list is declared a
singleton list, when that conforms; anything else becomes null with an error (DMN 1.5 §10.3.2.9.4).

Camunda 7 (DMN 1.1-1.3 files, decision-table inputs and outputs only): the typeRef converts the value as
Camunda 7's type transformers do: `string` writes any value as text, `integer`/`long` take a whole number or
its text, `double` and `number` a number or its text, `boolean` true/false or their text, `date` a date, a
date and time (its day) or ISO text. A value that does not convert is an error.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from .feel import semantics, temporal, typesys
from .feel.numbers import to_decimal
from .feel.values import FeelFunction

FeelType = typesys.FeelType


class ConversionError(ValueError):
    """A value that does not conform to (or convert to) its declared type; the message is a sentence part."""


def describe(value: Any) -> str:
    """A value as FEEL writes it, for messages (strings quoted)."""
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    try:
        return semantics.to_string(value)
    except Exception:  # noqa: BLE001 - only a message
        return repr(value)


def conform(value: Any, declared: FeelType) -> Any:
    """The value as the declared type holds it (see the module text); ConversionError when it does not conform."""
    if value is None or declared is typesys.ANY:
        return value
    if declared.accepts(value):
        return value
    if isinstance(declared, typesys.FunctionType) and isinstance(value, FeelFunction) and _takes(value, declared):
        return value
    if isinstance(value, list) and len(value) == 1 and not _is_list_type(declared) and declared.accepts(value[0]):
        return value[0]
    if not isinstance(value, list) and _is_list_type(declared) and declared.accepts([value]):
        return [value]
    raise ConversionError(f"value {describe(value)} does not conform to type {declared}")


def _takes(function: FeelFunction, declared: typesys.FunctionType) -> bool:
    """Whether a function (or an overload) takes the declared parameters: its own declared parameter types
    must accept them; an undeclared type, or result type, is not held against it (a FEEL lambda, a built-in)."""
    for candidate in (function, *function.overloads):
        params = candidate.params
        if len(params) != len(declared.params) and not (candidate.variadic and len(declared.params) >= len(params) - 1):
            continue
        if all(p.type is None or typesys.conforms(d, p.type) for p, d in zip(params, declared.params)):
            return True
    return False


def _is_list_type(declared: FeelType) -> bool:
    while isinstance(declared, typesys.ConstrainedType):
        declared = declared.base
    return isinstance(declared, typesys.ListType)


# -- Camunda 7 --------------------------------------------------------------------------------------------------

_INTEGER_TEXT = re.compile(r"[+-]?\d+")


def _number_text(text: str) -> Decimal:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        raise ConversionError from None
    if not number.is_finite():
        raise ConversionError
    return to_decimal(number)


def _to_string(value: Any) -> str:
    return value if isinstance(value, str) else semantics.to_string(value)


def _to_integer(value: Any) -> Decimal:
    if type(value) is Decimal:
        whole = value.to_integral_value()
        if whole == value:
            return whole
        raise ConversionError
    if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
        return _number_text(value)
    raise ConversionError


def _to_number(value: Any) -> Decimal:
    if isinstance(value, Decimal) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _number_text(value)
    raise ConversionError


def _to_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip() in ("true", "false"):
        return value.strip() == "true"
    raise ConversionError


def _to_date(value: Any) -> Any:
    if temporal.is_date_time(value):
        return temporal.date_of(value)
    if temporal.is_date(value):
        return value
    if isinstance(value, str):
        text = value.strip()
        parsed = temporal.parse_date(text[:text.index("T")] if "T" in text else text)
        if parsed is not None:
            return parsed
    raise ConversionError


CAMUNDA_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "string": _to_string, "integer": _to_integer, "long": _to_integer, "double": _to_number,
    "number": _to_number, "boolean": _to_boolean, "date": _to_date,
}


def camunda_converter(type_name: str) -> Callable[[Any], Any]:
    """The conversion by one of Camunda 7's typeRefs (CAMUNDA_CONVERTERS): None stays None, a value of the type
    itself is kept, anything else converted or refused (ConversionError)."""
    convert = CAMUNDA_CONVERTERS[type_name]
    kept = {"string": str, "boolean": bool}.get(type_name)

    def run(value: Any) -> Any:
        if value is None or type(value) is kept:
            return value
        try:
            return convert(value)
        except ConversionError:
            raise ConversionError(f"value {describe(value)} cannot be converted to {type_name}") from None
    return run


def camunda_convert(value: Any, type_name: str) -> Any:
    """Convert by one of Camunda 7's typeRefs (see camunda_converter)."""
    return camunda_converter(type_name)(value)


def camunda_name(type_ref: str | None) -> str | None:
    """The Camunda 7 typeRef a text names (`feel:string` is `string`), or None if Camunda 7 has no such typeRef."""
    if type_ref is None:
        return None
    name = type_ref.strip()
    name = name[5:] if name.lower().startswith("feel:") else name
    return name.lower() if name.lower() in CAMUNDA_CONVERTERS else None
