"""Trying a deployed decision without a process: what an analyst does on the deployments page before a rule
goes live. The decision a prefecture would evaluate (its own newest, else the shared newest), the inputs it
reads, and its result with the rules each decision of its graph matched. Nothing is written."""
from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.db.models import SHARED, DecisionDefinition, DeployedFile
from engine.dmn import Decision, DecisionError
from engine.dmn.feel import temporal
from engine.dmn.feel.typesys import type_text
from engine.dmn.model import InputData

if TYPE_CHECKING:
    from engine.runtime import Engine

_PLAIN_NAME = re.compile(r"[^\W\d][\w ]*", re.UNICODE)  # an input expression that is just a variable's name
_PARSERS = {"date": temporal.parse_date, "time": temporal.parse_time, "date and time": temporal.parse_date_and_time,
            "dateTime": temporal.parse_date_and_time, "days and time duration": temporal.parse_duration,
            "years and months duration": temporal.parse_duration, "duration": temporal.parse_duration}


def deployed_decisions(engine: "Engine", tenant: str) -> list[dict[str, Any]]:
    """The decisions a prefecture evaluates: for each key its own newest version, else the shared newest."""
    with engine.reading() as session:
        rows = session.execute(select(DecisionDefinition, DeployedFile.name)
                               .join(DeployedFile, DeployedFile.id == DecisionDefinition.file_id)
                               .where(DecisionDefinition.tenant.in_((tenant, SHARED)))
                               .order_by(DecisionDefinition.key, DecisionDefinition.version.desc())).all()
    seen: dict[str, dict[str, Any]] = {}
    for d, file in rows:
        own_first = seen.get(d.key)
        if own_first is None or (own_first["shared"] and d.tenant != SHARED):
            seen[d.key] = {"key": d.key, "name": d.name, "version": d.version, "file": file,
                           "shared": d.tenant == SHARED}
    return sorted(seen.values(), key=lambda r: r["key"])


def _decision(engine: "Engine", tenant: str, key: str) -> tuple[Decision, dict[str, Decision]]:
    with engine.read() as conn:
        return engine.repository.decision(engine.fast, conn, key, tenant)


def inputs_of(decision: Decision) -> list[dict[str, Any]]:
    """The values a decision reads, for a form: its graph's input data (with their types) and, in a Camunda
    Modeler table, the variables its input columns name; what a required decision gives is not asked."""
    found: dict[str, str | None] = {}
    given: set[str] = set()
    seen: set[int] = set()

    def visit(d: Decision) -> None:
        if id(d) in seen:
            return
        seen.add(id(d))
        for namespace, ref in d.decision_refs:
            required = d.model.element(namespace, ref)
            if isinstance(required, Decision):
                given.update({required.name, *(o.name for o in required.outputs if o.name)})
                visit(required)
        for namespace, ref in d.input_refs:
            data = d.model.element(namespace, ref)
            if isinstance(data, InputData):
                found.setdefault(data.name, None if data.declared is None else type_text(data.declared))
        for clause in d.inputs:
            text = clause.text.strip()
            if _PLAIN_NAME.fullmatch(text):
                found.setdefault(text, clause.type_ref)
    visit(decision)
    return [{"name": n, "type": t} for n, t in found.items() if n not in given]


def parse_input(text: str, type_name: str | None) -> Any:
    """A form field's text as a value: empty is null; by the input's type a date, time or duration; else JSON
    (a number, true/false, a list, a quoted string) when it parses, otherwise the text itself."""
    text = text.strip()
    if not text:
        return None
    parser = _PARSERS.get(type_name or "")
    if parser is not None:
        value = parser(text)
        if value is None:
            raise ValueError(f"'{text}' is not a {type_name}")
        return value
    if type_name == "string":
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def try_decision(engine: "Engine", tenant: str, key: str, data: dict[str, Any]) -> dict[str, Any]:
    """Evaluate the prefecture's decision `key` on `data`: its result (as a process variable would hold it),
    the rules each decision matched (required ones first) and the errors FEEL reported (each gave null)."""
    decision, graph = _decision(engine, tenant, key)
    try:
        result = decision.evaluate(data, graph, strict=False)
    except DecisionError as exc:
        return {"decision": decision.id, "result": None, "trace": [], "errors": [str(exc)]}
    return {"decision": decision.id, "result": result.as_variable(),
            "trace": [{"decision": step.decision_id, "rules": list(step.matched_rule_ids)} for step in result.trace],
            "errors": list(result.errors)}


def decision_form(engine: "Engine", tenant: str, key: str) -> tuple[Decision, list[dict[str, Any]]]:
    """The decision and the inputs its form asks for."""
    decision, _graph = _decision(engine, tenant, key)
    return decision, inputs_of(decision)
