"""Process values as people read them: はい/いいえ, なし, dates in JST, numbers with their units, codes by
their names, lists and nested mappings as rows — never Python's None, True or {'…': …}.

A value becomes a cell for the page: {"text": …}, {"pairs": [(label, cell), …]} for a mapping, or
{"grid": {"head": [label, …], "rows": [[cell, …], …]}} for a list of mappings (the template draws them).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import format_decimal, ngettext, pgettext
from flask_babel import gettext as _

from . import labels
from .i18n import day, when

Fields = Mapping[str, Mapping[str, Any]]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_DURATION = re.compile(r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?!$)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")
_YEAR_FIELDS = frozenset({"fiscal_year"})


def cell(name: str, value: Any, fields: Fields | None = None) -> dict[str, Any]:
    """The cell that shows the variable `name` holding `value`."""
    if isinstance(value, Mapping):
        keys = sorted(value, key=lambda k: labels.sort_key(str(k)))
        return {"pairs": [(labels.label(str(k), fields), cell(str(k), value[k], fields)) for k in keys]}
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(item, Mapping) for item in value):
            head: list[str] = []
            for item in value:
                head.extend(str(k) for k in item if str(k) not in head)
            return {"grid": {"head": [labels.label(k, fields) for k in head],
                             "rows": [[cell(k, item.get(k), fields) if k in item else {"text": ""} for k in head]
                                      for item in value]}}
        if not value:
            return {"text": pgettext("no value", "なし")}
        return {"text": _("、").join(text(name, item, fields) for item in value)}
    return {"text": text(name, value, fields)}


def text(name: str, value: Any, fields: Fields | None = None) -> str:
    """One value as a line of text."""
    if value is None:
        return pgettext("no value", "なし")
    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    coded = labels.code_name(name, value, fields)
    if coded is not None:
        return coded
    if isinstance(value, (int, float)):
        return number(name, value)
    if isinstance(value, str):
        plain = value.strip()
        if _DATE.match(plain):
            return day(plain)
        if _MOMENT.match(plain):
            return when(plain, naive_utc=False)  # a process's own time without a zone is local time
        if _DURATION.match(plain):
            return duration(plain)
        return value
    if isinstance(value, (Mapping, list, tuple)):  # nested deeper than a cell shows: its parts as text
        parts = value.items() if isinstance(value, Mapping) else enumerate(value)
        return _("、").join(text(str(k), v, fields) if isinstance(value, list) else
                             f"{labels.label(str(k), fields)}: {text(str(k), v, fields)}" for k, v in parts)
    return str(value)


def number(name: str, value: int | float) -> str:
    """A number with its unit where the field has one: 21,300円, 65点, 3年."""
    unit = labels.UNITS.get(name)
    if name in _YEAR_FIELDS and isinstance(value, int):
        return _("%(year)s年度", year=value)
    shown = format_decimal(value)
    if unit == "yen":
        return _("%(amount)s円", amount=shown)
    if name not in labels.UNITS and isinstance(value, int) and abs(value) < 10_000:
        return str(value)  # an id or a count: no digit grouping
    count = int(value) if float(value).is_integer() else 2
    if unit == "points":
        return ngettext("%(n)s点", "%(n)s点", count, n=shown)
    if unit == "years":
        return ngettext("%(n)s年", "%(n)s年", count, n=shown)
    if unit == "count":
        return ngettext("%(n)s件", "%(n)s件", count, n=shown)
    if unit == "copies":
        return ngettext("%(n)s通", "%(n)s通", count, n=shown)
    return shown


def duration(value: str) -> str:
    """An ISO 8601 duration as words: P14D -> 14日 (14 days), PT2H30M -> 2時間30分."""
    match = _DURATION.match(value.strip())
    if match is None:
        return value
    y, mo, w, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
    parts = [ngettext("%(num)s年", "%(num)s年", y) if y else "", ngettext("%(num)sか月", "%(num)sか月", mo) if mo else "",
             ngettext("%(num)s週間", "%(num)s週間", w) if w else "", ngettext("%(num)s日", "%(num)s日", d) if d else "",
             ngettext("%(num)s時間", "%(num)s時間", h) if h else "", ngettext("%(num)s分", "%(num)s分", mi) if mi else "",
             ngettext("%(num)s秒", "%(num)s秒", s) if s else ""]
    return (" " if labels.english() else "").join(p for p in parts if p) or value
