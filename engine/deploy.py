"""Deploy BPMN and DMN files: validate all, store each changed file as a new version.

A deployment belongs to one prefecture (`tenant`), or is shared (tenant None: the ministry's
standard process, deployed by the operator). Versions count per tenant and key, as in Camunda;
a prefecture sees, validates against and calls its own definitions and the shared ones, never
another prefecture's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from engine import start_timers
from engine.db.models import SHARED, DecisionDefinition, DeployedFile, ProcessDefinition
from engine.validation import Problem, ValidationFailed
from engine.validation.bpmn_rules import Known
from engine.validation.files import check_files

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from engine.kernel import Kernel

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


def validate(engine: Kernel, files: list[tuple[str, bytes]], tenant: str | None = None) -> None:
    """Check files against the dialect and what the tenant sees deployed; raise ValidationFailed listing all."""
    with engine.transaction() as session:
        known, deployed = _known(engine, session, tenant or SHARED)
        _, problems = check_files(files, known, deployed)
    if problems:
        raise ValidationFailed(problems)


def deploy(engine: Kernel, files: list[tuple[str, bytes]], actor: str | None = None,
           tenant: str | None = None) -> DeployReport:
    """Validate and store files for a prefecture (or shared); unchanged files are skipped, changed ones get a
    new version."""
    report, scope = DeployReport(), tenant or SHARED
    dupes = {n for n in (f[0] for f in files) if [f[0] for f in files].count(n) > 1}
    if dupes:
        raise ValidationFailed([Problem(n, "-", "the same file name appears twice in one deployment") for n in dupes])
    with engine.transaction() as session, session.begin():
        known, deployed = _known(engine, session, scope)
        checked, problems = check_files(files, known, deployed)
        if problems:
            raise ValidationFailed(problems)
        now = engine.now()
        for item in checked:
            latest = session.scalars(select(DeployedFile).where(DeployedFile.tenant == scope,
                                                                DeployedFile.name == item.name)
                                     .order_by(DeployedFile.version.desc()).limit(1)).first()
            if latest is not None and latest.sha256 == item.sha256:
                report.unchanged.append(item.name)
                continue
            f = DeployedFile(tenant=scope, name=item.name, kind=item.kind, sha256=item.sha256,
                             content=item.content,
                             version=(latest.version + 1) if latest else 1, deployed_at=now, deployed_by=actor)
            session.add(f)
            session.flush()
            report.deployed.append(f"{item.name} v{f.version}")
            for key, (spec, subs, name) in item.processes.items():
                version = _next_version(session, ProcessDefinition, key, scope)
                definition = ProcessDefinition(tenant=scope, key=key, version=version, name=name, file_id=f.id,
                                               deployed_at=now, spec_json=engine.serializer.dump_spec(spec, subs))
                session.add(definition)
                session.flush()
                start_timers.schedule(session, definition.id, key, scope, spec, engine.tz, now)
                report.processes.append(f"{key} v{version}")
            for key, decision in item.decisions.items():
                version = _next_version(session, DecisionDefinition, key, scope)
                session.add(DecisionDefinition(tenant=scope, key=key, version=version, name=decision.name, file_id=f.id,
                                               deployed_at=now))
                report.decisions.append(f"{key} v{version}")
    return report


def _next_version(session: "Session", model: Any, key: str, tenant: str) -> int:
    return (session.scalar(select(func.max(model.version)).where(model.key == key, model.tenant == tenant)) or 0) + 1


def _known(engine: Kernel, session: "Session", tenant: str) -> tuple[Known, dict[str, bytes]]:
    """What the tenant sees deployed: topics, decisions and processes (its own and the shared ones), and
    the newest BPMN file of each name (its own version, else the shared one) for call activities."""
    visible = (DecisionDefinition.tenant.in_({tenant, SHARED}))
    decisions = set(session.scalars(select(DecisionDefinition.key).where(visible).distinct()))
    processes = set(session.scalars(select(ProcessDefinition.key).where(
        ProcessDefinition.tenant.in_({tenant, SHARED})).distinct()))
    newest = select(DeployedFile.tenant, DeployedFile.name, func.max(DeployedFile.version).label("v")).where(
        DeployedFile.kind == "bpmn", DeployedFile.tenant.in_({tenant, SHARED})).group_by(
        DeployedFile.tenant, DeployedFile.name).subquery()
    rows = session.execute(select(DeployedFile.tenant, DeployedFile.name, DeployedFile.content, DeployedFile.id).join(
        newest, (DeployedFile.tenant == newest.c.tenant) & (DeployedFile.name == newest.c.name)
        & (DeployedFile.version == newest.c.v))).all()
    files: dict[str, bytes] = {}
    # later entries win (engine/validation/files.py): the tenant's own version over the shared one, newer over older
    for _owner, name, content, _id in sorted(rows, key=lambda r: (r[0] == tenant, r[3])):
        files[name] = content
    return Known(engine.handlers.topics(), decisions, processes, engine.handlers.outside_patterns()), files
