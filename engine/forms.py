"""Server-side validation of camunda:formData: types, required, bounds, enums, read-only fields, and the
characters a text may hold (engine/text_rules)."""
from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from engine import text_rules
from engine.errors import FormInvalid

TRUE = {"true", "1", "on", "yes"}
FALSE = {"false", "0", "off", "no", ""}


def validate_form(fields: list[dict[str, Any]], submitted: Mapping[str, Any],
                  current: Mapping[str, Any]) -> dict[str, Any]:
    """Coerce and check submitted values against the form; raise FormInvalid with every field's error."""
    if not fields:  # no form: any data, but no text that no field may hold
        refused = {key: text_rules.SENTENCE for key in submitted
                   if text_rules.first_bad_string({key: submitted[key]}) is not None}
        if refused:
            raise FormInvalid(refused)
        return dict(submitted)
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    known = {f["id"] for f in fields}
    for key in submitted:
        if key not in known:
            errors[key] = "is not a field of this form"
    for f in fields:
        fid, rules = f["id"], f.get("constraints", {})
        raw = submitted.get(fid)
        if "readonly" in rules:
            if raw is not None and raw != current.get(fid):
                errors[fid] = "is read-only"
            continue
        if raw is None or raw == "":
            if "required" in rules and f["type"] != "boolean":
                errors[fid] = "is required"
            elif f["type"] == "boolean" and fid in submitted:
                clean[fid] = False
            continue
        try:
            value = _coerce(f, raw)
        except ValueError as exc:
            errors[fid] = str(exc)
            continue
        problem = _check_bounds(f["type"], value, rules)
        if problem:
            errors[fid] = problem
        else:
            clean[fid] = value
    if errors:
        raise FormInvalid(errors)
    return clean


def _coerce(field: dict[str, Any], raw: Any) -> Any:
    kind = field["type"]
    if kind == "long":
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValueError("must be a whole number")
        try:
            return int(str(raw).strip())
        except ValueError:
            raise ValueError("must be a whole number") from None
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValueError("must be true or false")
    if kind == "date":
        try:
            return date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            raise ValueError("must be a date like 2026-03-14") from None
    if kind == "enum":
        allowed = [v["id"] for v in field.get("values", [])]
        if str(raw) not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return str(raw)
    if not isinstance(raw, str):
        raise ValueError("must be text")
    # a text field is one line unless it says otherwise: <camunda:property id="multiline" value="true"/>
    if not text_rules.is_clean(raw, multiline=is_multiline(field)):
        raise ValueError(text_rules.SENTENCE)
    return raw


def is_multiline(field: dict[str, Any]) -> bool:
    """A text field that may hold line breaks and tabs (shown as a textarea)."""
    return str((field.get("properties") or {}).get("multiline", "")).lower() == "true"


def _check_bounds(kind: str, value: Any, rules: Mapping[str, str]) -> str | None:
    if kind == "long":
        if "min" in rules and value < float(rules["min"]):
            return f"must be at least {rules['min']}"
        if "max" in rules and value > float(rules["max"]):
            return f"must be at most {rules['max']}"
    if kind == "string":
        if "minlength" in rules and len(value) < int(float(rules["minlength"])):
            return f"must be at least {rules['minlength']} characters"
        if "maxlength" in rules and len(value) > int(float(rules["maxlength"])):
            return f"must be at most {rules['maxlength']} characters"
    return None
