"""camunda:formData as an HTML form: the fields to render, the submitted values, and errors in Japanese."""
from __future__ import annotations

import re
from typing import Any, Mapping

from werkzeug.datastructures import MultiDict

_PATTERNS = [
    (r"^is required$", "必須項目です。"),
    (r"^must be a whole number$", "整数で入力してください。"),
    (r"^must be true or false$", "はい・いいえで選んでください。"),
    (r"^must be a date like .*$", "日付を 2026-03-14 の形で入力してください。"),
    (r"^must be one of (.*)$", "選択肢から選んでください。"),
    (r"^must be at least (\S+) characters$", "{0}文字以上で入力してください。"),
    (r"^must be at most (\S+) characters$", "{0}文字以内で入力してください。"),
    (r"^must be at least (\S+)$", "{0}以上で入力してください。"),
    (r"^must be at most (\S+)$", "{0}以下で入力してください。"),
    (r"^is read-only$", "この項目は変更できません。"),
    (r"^is not a field of this form$", "このフォームの項目ではありません。"),
]


def japanese(message: str) -> str:
    """The engine's form error in Japanese (the English sentence if no pattern knows it)."""
    for pattern, text in _PATTERNS:
        m = re.match(pattern, message)
        if m:
            return text.format(*m.groups())
    return message


def submitted(fields: list[dict[str, Any]], form: MultiDict[str, str]) -> dict[str, Any]:
    """The values of the form's editable fields as the engine takes them (booleans from checkboxes)."""
    values: dict[str, Any] = {}
    for f in fields:
        if "readonly" in f.get("constraints", {}):
            continue
        if f["type"] == "boolean":
            values[f["id"]] = form.get(f["id"]) == "true"
        elif f["id"] in form:
            values[f["id"]] = form.get(f["id"], "")
    return values


def shown(fields: list[dict[str, Any]], variables: Mapping[str, Any],
          typed: Mapping[str, Any] | None) -> dict[str, Any]:
    """What each field shows: what was typed (after an error), else the process value, else the default."""
    out = {}
    for f in fields:
        fid = f["id"]
        if typed is not None and fid in typed:
            out[fid] = typed[fid]
        elif variables.get(fid) is not None:
            out[fid] = variables[fid]
        else:
            out[fid] = f.get("default")
    return out
