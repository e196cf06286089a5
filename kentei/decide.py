"""`kentei decide FILE.dmn --decision ID --data JSON`: evaluate a decision without deploying it."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click


def _text(report: dict[str, Any]) -> str:
    lines = [f"{report['file']}: {report['decision']}",
             f"result: {json.dumps(report['result'], ensure_ascii=False, default=str)}"]
    for step in report["trace"]:
        rules = ", ".join(step["matched_rules"]) or "no rule"
        lines.append(f"  {step['decision']}: {rules}")
    lines += [f"warning: {w}" for w in report["warnings"]]
    return "\n".join(lines)


@click.command("decide")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--decision", "decision_id", required=True, help="the decision's id (or its name)")
@click.option("--data", default="{}", help="JSON object of the decision's inputs")
@click.option("--json", "as_json", is_flag=True)
def decide(file: Path, decision_id: str, data: str, as_json: bool) -> None:
    """Evaluate a decision of FILE on --data: the result and the rules that matched, nothing deployed."""
    from engine.dmn import DecisionError, DmnErrors, load_dmn
    try:
        inputs = json.loads(data)
    except json.JSONDecodeError as exc:
        raise click.UsageError(f"--data is not valid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(inputs, dict):
        raise click.UsageError("--data must be a JSON object")
    try:
        raw = file.read_bytes()
    except OSError as exc:
        click.echo(f"error: {file}: {exc.strerror}", err=True)
        sys.exit(1)
    try:
        decisions = load_dmn(raw, file.name)
    except DmnErrors as errs:
        for err in errs.errors:
            click.echo(f"{file.name}:{err}", err=True)
        sys.exit(1)
    found = decisions.get(decision_id) or next((d for d in decisions.values() if d.name == decision_id), None)
    if found is None:
        click.echo(f"error: {file.name} has no decision {decision_id!r}; its decisions are "
                   f"{', '.join(sorted(decisions)) or 'none'}", err=True)
        sys.exit(1)
    try:
        result = found.evaluate(inputs)
    except DecisionError as exc:
        click.echo(f"error: {file.name}:{exc}", err=True)
        sys.exit(1)
    report = {"file": file.name, "decision": found.id, "result": result.as_variable(),  # dates: ISO text
              "trace": [{"decision": s.decision_id, "matched_rules": list(s.matched_rule_ids)} for s in result.trace],
              "warnings": list(result.errors)}
    click.echo(json.dumps(report, ensure_ascii=False, default=str) if as_json else _text(report))
