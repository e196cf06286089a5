"""Deploy BPMN and DMN files: validate all, store each changed file as a new version."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from engine import start_timers
from engine.db.models import DecisionDefinition, DeployedFile, ProcessDefinition
from engine.validation import Problem, ValidationFailed
from engine.validation.bpmn_rules import Known
from engine.validation.files import check_files

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from engine.runtime import Engine

SUFFIXES = (".bpmn", ".dmn", ".bpmn20.xml", ".dmn11.xml")


@dataclass
class DeployReport:
    """What a deploy did, file by file."""

    deployed: list[str] = field(default_factory=list)     # "name vN"
    unchanged: list[str] = field(default_factory=list)
    processes: list[str] = field(default_factory=list)    # "key vN"
    decisions: list[str] = field(default_factory=list)


def collect(paths: list[str | Path]) -> list[tuple[str, bytes]]:
    """Read files and directories (their BPMN/DMN files, sorted) into (name, bytes) pairs."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(f for f in p.iterdir() if f.is_file() and f.name.lower().endswith(SUFFIXES)))
        elif p.exists():
            found.append(p)
        else:
            raise ValidationFailed([Problem(str(p), "-", "no such file or directory")])
    return [(f.name, f.read_bytes()) for f in found]


def validate(engine: "Engine", files: list[tuple[str, bytes]]) -> None:
    """Check files against the dialect and what is deployed; raise ValidationFailed listing every problem."""
    with engine.transaction() as session:
        known, deployed = _known(engine, session)
        _, problems = check_files(files, known, deployed)
    if problems:
        raise ValidationFailed(problems)


def deploy(engine: "Engine", files: list[tuple[str, bytes]], actor: str | None = None) -> DeployReport:
    """Validate and store files; unchanged files are skipped, changed ones get a new version."""
    report = DeployReport()
    dupes = {n for n in (f[0] for f in files) if [f[0] for f in files].count(n) > 1}
    if dupes:
        raise ValidationFailed([Problem(n, "-", "the same file name appears twice in one deployment") for n in dupes])
    with engine.transaction() as session, session.begin():
        known, deployed = _known(engine, session)
        checked, problems = check_files(files, known, deployed)
        if problems:
            raise ValidationFailed(problems)
        now = engine.now()
        for item in checked:
            latest = session.scalars(select(DeployedFile).where(DeployedFile.name == item.name)
                                     .order_by(DeployedFile.version.desc()).limit(1)).first()
            if latest is not None and latest.sha256 == item.sha256:
                report.unchanged.append(item.name)
                continue
            f = DeployedFile(name=item.name, kind=item.kind, sha256=item.sha256, content=item.content,
                             version=(latest.version + 1) if latest else 1, deployed_at=now, deployed_by=actor)
            session.add(f)
            session.flush()
            report.deployed.append(f"{item.name} v{f.version}")
            for key, (spec, subs, name) in item.processes.items():
                version = _next_version(session, ProcessDefinition, key)
                definition = ProcessDefinition(key=key, version=version, name=name, file_id=f.id, deployed_at=now,
                                               spec_json=engine.serializer.dump_spec(spec, subs))
                session.add(definition)
                session.flush()
                start_timers.schedule(session, definition.id, key, spec, engine.tz, now)
                report.processes.append(f"{key} v{version}")
            for key, decision in item.decisions.items():
                version = _next_version(session, DecisionDefinition, key)
                session.add(DecisionDefinition(key=key, version=version, name=decision.name, file_id=f.id,
                                               deployed_at=now))
                report.decisions.append(f"{key} v{version}")
    return report


def _next_version(session: "Session", model: type, key: str) -> int:
    return (session.scalar(select(func.max(model.version)).where(model.key == key)) or 0) + 1


def _known(engine: "Engine", session: "Session") -> tuple[Known, dict[str, bytes]]:
    """Topics, decisions and processes already deployed, and the newest BPMN files (for call activities)."""
    decisions = set(session.scalars(select(DecisionDefinition.key).distinct()))
    processes = set(session.scalars(select(ProcessDefinition.key).distinct()))
    newest = select(DeployedFile.name, func.max(DeployedFile.version).label("v")).where(
        DeployedFile.kind == "bpmn").group_by(DeployedFile.name).subquery()
    rows = session.execute(select(DeployedFile.name, DeployedFile.content).join(
        newest, (DeployedFile.name == newest.c.name) & (DeployedFile.version == newest.c.v))).all()
    return Known(engine.handlers.topics(), decisions, processes), {n: c for n, c in rows}
