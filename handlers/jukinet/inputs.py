"""The simulator's request checks: typed values out, BadInput (400, with the field) otherwise."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from .faults import FaultSettings
from .seed import is_valid_my_number
from .store import Event

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_TEXT = 200


class BadInput(Exception):
    """A request the simulator refuses with 400; the message never repeats the value."""

    def __init__(self, message: str, field: str | None) -> None:
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True)
class BasicFour:
    """4情報 of a lookup: 氏名, 生年月日, 性別 and (possibly partial) 住所."""

    name: str
    birth_date: date
    sex: str
    address: str


def body_object(body: Any) -> dict[str, Any]:
    """The JSON body, which must be an object."""
    if not isinstance(body, dict):
        raise BadInput("the body must be a JSON object", None)
    return body


def my_number(body: dict[str, Any], field: str = "my_number") -> str:
    """A 個人番号 with a valid check digit."""
    value = body.get(field)
    if not isinstance(value, str) or len(value) != 12 or not (value.isascii() and value.isdigit()):
        raise BadInput(f"{field} must be a string of 12 ASCII digits", field)
    if not is_valid_my_number(value):
        raise BadInput(f"{field} has a wrong check digit", field)
    return value


def text(body: dict[str, Any], field: str) -> str:
    """A non-blank string of at most MAX_TEXT characters."""
    value = body.get(field)
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{field} is required and must be a non-empty string", field)
    if len(value) > MAX_TEXT:
        raise BadInput(f"{field} is longer than {MAX_TEXT} characters", field)
    return value


def iso_date(value: Any, field: str) -> date:
    """A calendar date written YYYY-MM-DD."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise BadInput(f"{field} must be a date written YYYY-MM-DD", field)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{field} is not a calendar date", field) from None


def basic_four(body: dict[str, Any]) -> BasicFour:
    """The 4情報 of a by-basic-four lookup."""
    sex = body.get("sex")
    if sex not in ("1", "2"):
        raise BadInput('sex must be "1" (男) or "2" (女)', "sex")
    return BasicFour(text(body, "name"), iso_date(body.get("birth_date"), "birth_date"), sex, text(body, "address"))


def event(body: dict[str, Any]) -> Event:
    """A change event naming its resident by resident_code or my_number (exactly one)."""
    if ("resident_code" in body) == ("my_number" in body):
        raise BadInput("give exactly one of resident_code and my_number", "resident_code")
    code = text(body, "resident_code") if "resident_code" in body else None
    number = my_number(body) if "my_number" in body else None
    kind = body.get("kind")
    when = iso_date(body.get("date"), "date")
    if kind == "move":
        return Event(kind, when, code, number, address=text(body, "address"))
    if kind == "name_change":
        return Event(kind, when, code, number, name=text(body, "name"), name_kana=text(body, "name_kana"))
    if kind == "death":
        return Event(kind, when, code, number)
    raise BadInput("kind must be move, name_change or death", "kind")


def faults(body: dict[str, Any]) -> FaultSettings:
    """Fault settings; absent items fall back to no fault."""
    delay = body.get("delay_seconds", 0)
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 <= delay <= 60:
        raise BadInput("delay_seconds must be a number from 0 to 60", "delay_seconds")
    fail_next = body.get("fail_next", 0)
    if isinstance(fail_next, bool) or not isinstance(fail_next, int) or fail_next < 0:
        raise BadInput("fail_next must be a whole number, 0 or more", "fail_next")
    status = body.get("status", 503)
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        raise BadInput("status must be an HTTP error status (400-599)", "status")
    return FaultSettings(float(delay), fail_next, status)
