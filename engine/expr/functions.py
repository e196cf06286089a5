"""The fixed whitelist of functions callable from expressions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .errors import EvaluationFailure
from .values import describe, is_number, to_number, to_text

_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class Function:
    """A callable exposed to expressions with its exact arity."""

    name: str
    arity: int
    impl: Callable[..., Any]


def _date(value: object) -> date:
    """``date('2026-03-14')``: a calendar date from ISO text (or a date/date-time)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE_TEXT.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise EvaluationFailure(f"date() needs a 'YYYY-MM-DD' date, not {describe(value)}")


def _len(value: object) -> int:
    """``len(x)``: length of a string, list or map; null has length 0."""
    if value is None:
        return 0
    if isinstance(value, (str, list, tuple, dict, set, frozenset)):
        return len(value)
    raise EvaluationFailure(f"len() cannot measure {describe(value)}")


def _str(value: object) -> str:
    """``str(x)``: the text form used by templates (null -> '')."""
    return to_text(value)


def _int(value: object) -> int:
    """``int(x)``: a number or numeric string truncated towards zero."""
    if value is None or isinstance(value, bool):
        raise EvaluationFailure(f"int() cannot convert {describe(value)}")
    number = to_number(value)
    try:
        return int(number)
    except (OverflowError, ValueError):
        raise EvaluationFailure(f"int() cannot convert {describe(value)}") from None


def _contains(container: object, item: object) -> bool:
    """``contains(list_or_str, item)``: membership in a list/map or substring of a string."""
    if container is None:
        return False
    if isinstance(container, str):
        if not isinstance(item, str) and not is_number(item):
            raise EvaluationFailure(f"contains() cannot look for {describe(item)} in a string")
        return to_text(item) in container
    if isinstance(container, (list, tuple, set, frozenset, dict)):
        try:
            return item in container
        except TypeError:
            return False
    raise EvaluationFailure(f"contains() cannot search in {describe(container)}")


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("date", 1, _date),
        Function("len", 1, _len),
        Function("str", 1, _str),
        Function("int", 1, _int),
        Function("contains", 2, _contains),
    )
}
