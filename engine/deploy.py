"""Deploy BPMN and DMN files: validate all, store each changed file as a new version.

Every deploy that stores anything records a Deployment (Camunda 7's: the files sent together, by name and
source); its files point at it. Rows are never renumbered or deleted on redeploy, so old definition ids stay
valid. The REST API's policies (duplicate filtering, deploy-changed-only) are in engine/deployments.py.

A deployment belongs to one prefecture (`tenant`), or is shared (tenant None: the ministry's
standard process, deployed by the operator). Versions count per tenant and key, as in Camunda;
a prefecture sees, validates against and calls its own definitions and the shared ones, never
another prefecture's.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from engine import start_timers
from engine.db.models import SHARED, DecisionDefinition, DeployedFile, Deployment, ProcessDefinition
from engine.validation import Problem, ValidationFailed
from engine.validation.bpmn_rules import Known
from engine.validation.files import CheckedFile, check_files

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
    deployment_id: str | None = None  # the Deployment recorded (None when every file was unchanged)


@dataclass
class Stored:
    """What store() wrote: the deployment, its files, and its definitions in document order."""

    deployment: Deployment
    files: list[DeployedFile] = field(default_factory=list)
    processes: list[ProcessDefinition] = field(default_factory=list)
    decisions: list[DecisionDefinition] = field(default_factory=list)


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
        changed = []
        for item in checked:
            latest = _latest_file(session, scope, item.name)
            if latest is not None and latest.sha256 == item.sha256:
                report.unchanged.append(item.name)
            else:
                changed.append(item)
        if not changed:
            return report
        stored = store(engine, session, changed, scope, actor, common_stem([i.name for i in checked]), "kentei")
        report.deployment_id = stored.deployment.id
        report.deployed = [f"{f.name} v{f.version}" for f in stored.files]
        report.processes = [f"{d.key} v{d.version}" for d in stored.processes]
        report.decisions = [f"{d.key} v{d.version}" for d in stored.decisions]
    return report


def store(engine: Kernel, session: "Session", items: list[CheckedFile], scope: str, actor: str | None,
          name: str | None, source: str | None) -> Stored:
    """Store checked files (and plain resources: kind form|resource, nothing parsed) as one new Deployment;
    each file gets the next version of its name, each process and decision the next version of its key."""
    now = engine.now()
    deployment = Deployment(id=str(uuid.uuid4()), tenant=scope, name=name, source=source, deployed_at=now,
                            deployed_by=actor)
    session.add(deployment)
    session.flush()  # before its files, which point at it
    stored = Stored(deployment)
    for item in items:
        latest = _latest_file(session, scope, item.name)
        f = DeployedFile(tenant=scope, name=item.name, kind=item.kind, sha256=item.sha256, content=item.content,
                         version=(latest.version + 1) if latest else 1, deployed_at=now, deployed_by=actor,
                         deployment_id=deployment.id)
        session.add(f)
        session.flush()
        stored.files.append(f)
        for key, (spec, subs, title) in item.processes.items():
            definition = ProcessDefinition(tenant=scope, key=key, version=_next_version(session, ProcessDefinition,
                                                                                        key, scope),
                                           name=title, file_id=f.id, deployed_at=now,
                                           spec_json=engine.serializer.dump_spec(spec, subs))
            session.add(definition)
            session.flush()
            start_timers.schedule(session, definition.id, key, scope, spec, engine.tz, now)
            stored.processes.append(definition)
        for key, decision in item.decisions.items():
            made = DecisionDefinition(tenant=scope, key=key, version=_next_version(session, DecisionDefinition, key,
                                                                                  scope),
                                      name=decision.name, file_id=f.id, deployed_at=now)
            session.add(made)
            session.flush()
            stored.decisions.append(made)
    return stored


def common_stem(names: list[str]) -> str:
    """A deployment's name for files deployed without one: their common stem (application.bpmn and
    application.dmn → "application"), else "kentei deploy"."""
    stems = {n.split(".", 1)[0] for n in names}
    return stems.pop() if len(stems) == 1 and "" not in stems else "kentei deploy"


def _latest_file(session: "Session", scope: str, name: str) -> DeployedFile | None:
    return session.scalars(select(DeployedFile).where(DeployedFile.tenant == scope, DeployedFile.name == name)
                           .order_by(DeployedFile.version.desc()).limit(1)).first()


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
