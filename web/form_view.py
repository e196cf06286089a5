"""camunda:formData as an HTML form: the fields to render, the submitted values, and errors in the page's language."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

_PATTERNS = [
    (r"^is required$", _l("必須項目です。")),
    (r"^must be a whole number$", _l("整数で入力してください。")),
    (r"^must be true or false$", _l("はい・いいえで選んでください。")),
    (r"^must be a date like .*$", _l("日付を 2026-03-14 の形で入力してください。")),
    (r"^must be one of .*$", _l("選択肢から選んでください。")),
    (r"^must be at least (?P<limit>\S+) characters$", _l("%(limit)s文字以上で入力してください。")),
    (r"^must be at most (?P<limit>\S+) characters$", _l("%(limit)s文字以内で入力してください。")),
    (r"^must be at least (?P<limit>\S+)$", _l("%(limit)s以上で入力してください。")),
    (r"^must be at most (?P<limit>\S+)$", _l("%(limit)s以下で入力してください。")),
    (r"^is read-only$", _l("この項目は変更できません。")),
    (r"^is not a field of this form$", _l("このフォームの項目ではありません。")),
    (r"^must not contain control characters.*$", _l("使えない文字（制御文字や文字の向きを変える記号）が含まれています。")),
]


def localized(message: str) -> str:
    """The engine's form error in the page's language (the engine's English sentence if no pattern knows it)."""
    for pattern, text in _PATTERNS:
        m = re.match(pattern, message)
        if m:
            return str(text) % m.groupdict()
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


def readonly_text(value: Any) -> str:
    """A read-only field's value as people read it: はい/いいえ for a flag, nothing for no value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("はい") if value else _("いいえ"))
    return str(value)


def field_label(field: Mapping[str, Any]) -> str:
    """A form field's label in the page's language: the BPMN's label, or on an English page for a Japanese one,
    the label table's word for that variable (web/labels.py)."""
    from . import labels
    return labels.label(str(field["id"]), {str(field["id"]): field})


def option_name(field: Mapping[str, Any], option: Mapping[str, Any]) -> str:
    """An enum option's name in the page's language (as field_label), else its id."""
    from . import labels
    return labels.code_name(str(field["id"]), option.get("id"), {str(field["id"]): field}) or str(option.get("id"))
