"""The decisions page of the administration: each deployed decision of the prefecture, and a form to try one
on inputs of one's own choosing (nothing is saved; no process runs)."""
from __future__ import annotations

import json
from typing import Any

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from engine.decisions import decision_form, deployed_decisions, parse_input, try_decision
from engine.errors import NotFound

from .admin import admin_only, bp
from .auth import engine


@bp.get("/decisions")
@admin_only
def decisions() -> Any:
    return render_template("admin_decisions.html", decisions=deployed_decisions(engine(), current_user.tenant))


@bp.route("/decisions/<key>", methods=["GET", "POST"])
@admin_only
def decision(key: str) -> Any:
    """The try-it form: one field per input the decision reads, and the result with the rules that matched."""
    try:
        found, inputs = decision_form(engine(), current_user.tenant, key)
    except NotFound:
        abort(404)
    values, errors, outcome = dict(request.form), {}, None
    if request.method == "POST":
        data: dict[str, Any] = {}
        for field in inputs:
            try:
                data[field["name"]] = parse_input(request.form.get(f"in-{field['name']}", ""), field["type"])
            except ValueError:
                errors[field["name"]] = _("%(type)s の形で入力してください（例: 2026-04-01）。", type=field["type"])
        extra = request.form.get("extra", "").strip()
        if extra:
            try:
                more = json.loads(extra)
                if not isinstance(more, dict):
                    raise ValueError
                data.update(more)
            except ValueError:
                errors["extra"] = _("JSON のオブジェクト（{\"名前\": 値}）で入力してください。")
        if not errors:
            outcome = try_decision(engine(), current_user.tenant, key, data)
    status = 422 if errors else 200
    return render_template("admin_decision.html", decision=found, key=key, inputs=inputs, values=values,
                           errors=errors, outcome=outcome,
                           shown=json.dumps(outcome["result"], ensure_ascii=False, indent=2, default=str)
                           if outcome else ""), status
