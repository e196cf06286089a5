"""Camunda 7's wire conventions: dates, query parameters, paging and sorting, ids.

Dates go out as yyyy-MM-dd'T'HH:mm:ss.SSS+0000 (always milliseconds, a numeric offset without a colon: the
Java client parses exactly that) and come in with +0000, +00:00, Z or no offset (the engine's zone).
"""
from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Callable, Iterable, Sequence, TypeVar

from flask import current_app, request

from .core import RestError

T = TypeVar("T")
DATE_IN = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$")
INT_MAX = 2**31 - 1


def date_out(value: Any) -> str | None:
    """An aware (or naive UTC) datetime, or ISO text, as Camunda's date format in UTC; None stays None."""
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def date_in(text: Any, name: str = "date") -> datetime:
    """A date a client sent, as an aware datetime; a 400 naming the parameter otherwise."""
    found = DATE_IN.match(str(text).strip()) if isinstance(text, str) else None
    if found is None:
        raise RestError(400, f"Cannot convert value '{text}' of '{name}' to a date: expected "
                             "yyyy-MM-dd'T'HH:mm:ss.SSSZ, e.g. 2026-04-01T09:00:00.000+0900")
    day, clock, fraction, offset = found.groups()
    micro = (fraction or ".0")[1:7].ljust(6, "0")
    try:
        moment = datetime.fromisoformat(f"{day}T{clock}.{micro}")
    except ValueError:
        raise RestError(400, f"Cannot convert value '{text}' of '{name}' to a date: no such day or time") from None
    if offset is None:
        from zoneinfo import ZoneInfo
        return moment.replace(tzinfo=ZoneInfo(current_app.extensions["kentei.engine"].settings.timezone))
    if offset == "Z":
        return moment.replace(tzinfo=UTC)
    sign, digits = offset[0], offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 18 or minutes > 59:
        raise RestError(400, f"Cannot convert value '{text}' of '{name}' to a date: the offset is out of range")
    return datetime.fromisoformat(f"{day}T{clock}.{micro}{sign}{hours:02d}:{minutes:02d}")


# -- query parameters ------------------------------------------------------------------------------
def arg(name: str, source: dict[str, Any] | None = None) -> Any:
    """A parameter from the JSON body (POST queries) or the query string; None when absent or empty."""
    if source is not None:
        value = source.get(name)
    else:
        value = request.args.get(name)
    return None if value == "" else value


def text(name: str, source: dict[str, Any] | None = None, limit: int = 255) -> str | None:
    value = arg(name, source)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and source is not None:
        value = str(value)  # a JSON number where Camunda's Jackson takes a string (an instance id sent as 5)
    if not isinstance(value, str) or len(value) > limit:
        raise RestError(400, f"Cannot set query parameter '{name}' to value '{str(value)[:64]}'")
    return value


def flag(name: str, source: dict[str, Any] | None = None) -> bool | None:
    value = arg(name, source)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "false"):
        return str(value).lower() == "true"
    raise RestError(400, f"Cannot set query parameter '{name}' to value '{value}': expected true or false")


def number(name: str, source: dict[str, Any] | None = None, low: int = 0, high: int = INT_MAX) -> int | None:
    value = arg(name, source)
    if value is None:
        return None
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"-?\d{1,12}", value))):
        raise RestError(400, f"Cannot set query parameter '{name}' to value '{value}': expected a whole number")
    if not low <= int(value) <= high:
        raise RestError(400, f"Cannot set query parameter '{name}' to value '{value}': out of range")
    return int(value)


def listed(name: str, source: dict[str, Any] | None = None) -> list[str] | None:
    """A comma-separated list in the query string (keysIn=a,b, or the key repeated, as requests sends a list),
    or a JSON array in a body."""
    if source is None and len(request.args.getlist(name)) > 1:
        return [v for part in request.args.getlist(name) for v in part.split(",") if v]
    value = arg(name, source)
    if value is None:
        return None
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            raise RestError(400, f"Cannot set query parameter '{name}': expected a list of strings")
        return value
    if not isinstance(value, str):
        raise RestError(400, f"Cannot set query parameter '{name}': expected a comma-separated list")
    return [v for v in value.split(",") if v]


def when(name: str, source: dict[str, Any] | None = None) -> datetime | None:
    value = arg(name, source)
    return None if value is None else date_in(value, name)


# -- paging and sorting ----------------------------------------------------------------------------
def sorting(allowed: Iterable[str], source: dict[str, Any] | None = None) -> list[tuple[str, bool]]:
    """[(sortBy, descending)]: sortBy and sortOrder come together (one alone is a 400, as in Camunda); a POST
    query's `sorting` list too."""
    allowed = set(allowed)
    found: list[tuple[str, bool]] = []
    by, order = arg("sortBy", source), arg("sortOrder", source)
    if (by is None) != (order is None):
        raise RestError(400, "Only a single sorting parameter specified. sortBy and sortOrder required")
    pairs = [(by, order)] if by is not None else []
    if source is not None and isinstance(source.get("sorting"), list):
        pairs += [(s.get("sortBy"), s.get("sortOrder")) for s in source["sorting"] if isinstance(s, dict)]
    for by, order in pairs:
        if by not in allowed:
            raise RestError(400, f"Cannot set query parameter 'sortBy' to value '{by}'")
        if order not in ("asc", "desc"):
            raise RestError(400, f"Cannot set query parameter 'sortOrder' to value '{order}'")
        found.append((by, order == "desc"))
    return found


def page(items: Sequence[T], source: dict[str, Any] | None = None) -> list[T]:
    """firstResult / maxResults of an already sorted list."""
    first = number("firstResult", source) or 0
    most = number("maxResults", source)
    return list(items[first:] if most is None else items[first:first + most])


def sort_rows(rows: list[dict[str, Any]], order: list[tuple[str, bool]], keys: dict[str, Callable[[dict[str, Any]], Any]],
              default: Callable[[dict[str, Any]], Any] | None = None) -> list[dict[str, Any]]:
    """Sort dicts by the given (name, descending) list; None sorts first ascending, as Camunda's SQL does."""
    out = list(rows)
    if default is not None:
        out.sort(key=default)
    for name, desc in reversed(order):
        key = keys[name]
        out.sort(key=lambda r: (key(r) is not None, key(r) if key(r) is not None else 0), reverse=desc)
    return out


# -- ids ------------------------------------------------------------------------------------------
def definition_id(key: str, version: int, row_id: int) -> str:
    """A process or decision definition's id as Camunda writes it: key:version:unique."""
    return f"{key}:{version}:{row_id}"


def definition_row(ident: str) -> int | None:
    """The row id inside a definition id (key:version:row); None if it is not one of ours."""
    head, sep, tail = ident.rpartition(":")
    if not sep or not tail.isdigit() or not head or len(tail) > 10 or int(tail) > INT_MAX:
        return None
    return int(tail)


def row_id(ident: str) -> int | None:
    """An instance, external task or incident id (decimal text) as a row id; None if it is not one."""
    if not ident.isascii() or not ident.isdigit() or len(ident) > 10 or int(ident) > INT_MAX or int(ident) < 1:
        return None
    return int(ident)
