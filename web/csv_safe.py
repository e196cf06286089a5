"""CSV exports that a spreadsheet opens as data, never as formulas (OWASP "CSV Injection").

A text cell that begins with = + - @, a tab or a carriage return would be run by Excel or LibreOffice
as a formula (=HYPERLINK(…), =cmd|…); such a cell gets a leading single quote, which makes it text.
Every CSV the web app writes goes through `rows()` (or `cell()`), with a UTF-8 BOM for Excel.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """`value` as a CSV cell: None as empty, numbers as they are, text made safe from formula starts."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def text(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """The CSV text (BOM first) of a header and rows, every cell through `cell()`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell(v) for v in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return "\ufeff" + out.getvalue()


def download(filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> Response:
    """A CSV attachment of a header and rows."""
    return Response(text(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
