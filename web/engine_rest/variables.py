"""Camunda's typed variables: {"name": {"value": V, "type": "T", "valueInfo": {...}}} in both directions.

In: any casing of the type name (the JS client sends json/integer, the Java client Json/Integer, the
Python client none at all: the type is inferred). Out: always a capitalised type and a valueInfo.
kentei keeps variables as JSON values, so Json and Object (application/json) are stored as the
document itself, and a Date as ISO text in the engine's zone; Bytes, File and Java-serialized Objects
are refused (docs/dialect.md).
"""
from __future__ import annotations

import math
from typing import Any

import orjson

from .core import RestError
from .wire import date_in

LIMITS = {"short": 2**15, "integer": 2**31, "long": 2**63}
NAME_MAX = 255


def _bad(value: Any, type_: str, java: str) -> RestError:
    shown = str(value)[:100]
    return RestError(400, f"Cannot convert value '{shown}' of type '{type_}' to java type {java}")


def decode_one(name: str, typed: Any) -> Any:
    """One typed value → the engine's JSON value."""
    if not isinstance(typed, dict):
        raise RestError(400, f"The variable '{name}' must be an object {{\"value\": …, \"type\": …}}")
    value = typed.get("value")
    raw_type = typed.get("type")
    if raw_type is None or raw_type == "":
        return value  # untyped: the JSON value as it is
    if not isinstance(raw_type, str):
        raise RestError(400, f"Unsupported value type '{raw_type}'")
    kind = raw_type.lower()
    info = typed.get("valueInfo") if isinstance(typed.get("valueInfo"), dict) else {}
    if kind == "null" or (value is None and kind not in ("file", "bytes")):
        return None
    if kind == "string":
        if isinstance(value, (dict, list)):
            raise _bad(value, "String", "java.lang.String")
        return value if isinstance(value, str) else orjson.dumps(value).decode()
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise _bad(value, "Boolean", "java.lang.Boolean")
    if kind in LIMITS:
        java = {"short": "java.lang.Short", "integer": "java.lang.Integer", "long": "java.lang.Long"}[kind]
        number = _whole(value)
        if number is None or not -LIMITS[kind] <= number < LIMITS[kind]:
            raise _bad(value, raw_type[0].upper() + raw_type[1:].lower(), java)
        return number
    if kind == "double":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise _bad(value, "Double", "java.lang.Double")
        try:
            number = float(value)
        except ValueError:
            raise _bad(value, "Double", "java.lang.Double") from None
        if not math.isfinite(number):
            raise _bad(value, "Double", "java.lang.Double")
        return number
    if kind == "date":
        return date_in(value, name).isoformat()
    if kind in ("json", "object"):
        fmt = info.get("serializationDataFormat", "application/json")
        if kind == "object" and fmt not in ("application/json", None):
            raise RestError(400, f"The variable '{name}' is an Object serialized as {fmt}; kentei keeps only "
                                 "JSON values (serializationDataFormat application/json)")
        if isinstance(value, (dict, list)):
            return value
        if not isinstance(value, str):
            raise _bad(value, "Json", "org.camunda.spin.json.SpinJsonNode")
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            raise RestError(400, f"The variable '{name}' of type Json is not a JSON document") from None
    if kind == "xml":
        if not isinstance(value, str):
            raise _bad(value, "Xml", "org.camunda.spin.xml.SpinXmlElement")
        return value
    if kind in ("bytes", "file"):
        raise RestError(400, f"Unsupported value type '{raw_type}': kentei keeps no binary variables "
                             f"(the variable '{name}')")
    raise RestError(400, f"Unsupported value type '{raw_type}'")


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value) < 24:
        return int(value)
    return None


def decode(variables: Any, what: str = "variables") -> dict[str, Any]:
    """A {name: typed value} map (None or absent → {})."""
    if variables is None:
        return {}
    if not isinstance(variables, dict):
        raise RestError(400, f"'{what}' must be an object of typed variables")
    out: dict[str, Any] = {}
    for name, typed in variables.items():
        if not isinstance(name, str) or not name or len(name) > NAME_MAX:
            raise RestError(400, f"A variable name in '{what}' is empty or longer than {NAME_MAX} characters")
        out[name] = decode_one(name, typed)
    return out


def encode_one(value: Any) -> dict[str, Any]:
    """The engine's JSON value → a typed value with a capitalised type and a valueInfo."""
    if value is None:
        return {"type": "Null", "value": None, "valueInfo": {}}
    if isinstance(value, bool):
        return {"type": "Boolean", "value": value, "valueInfo": {}}
    if isinstance(value, int):
        kind = "Integer" if -2**31 <= value < 2**31 else "Long"
        return {"type": kind, "value": value, "valueInfo": {}}
    if isinstance(value, float):
        return {"type": "Double", "value": value, "valueInfo": {}}
    if isinstance(value, str):
        return {"type": "String", "value": value, "valueInfo": {}}
    if isinstance(value, (dict, list)):
        return {"type": "Json", "value": orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode(), "valueInfo": {}}
    return {"type": "String", "value": str(value), "valueInfo": {}}


def encode(variables: dict[str, Any] | None, names: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """A {name: value} map as typed values; `names` keeps only those (None: all)."""
    found = variables or {}
    wanted = found if names is None else {n: found[n] for n in names if n in found}
    return {k: encode_one(v) for k, v in wanted.items()}
