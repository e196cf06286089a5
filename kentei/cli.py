"""The `kentei` command: init, deploy, validate, decide, start, tasks, complete, message, signal, instance, incidents, retry, resolve,
worker, demo, user-add, users, document, sessions, applications and the simulators."""
from __future__ import annotations

import json
import signal
import sys
from functools import wraps
from typing import Any, Callable

import click
from sqlalchemy.exc import OperationalError, ProgrammingError

from engine.db.session import DRIVER_ERRORS

from engine.errors import EngineError
from engine.validation import ValidationFailed


def _engine(migrate: bool = False) -> Any:
    from engine.bootstrap import bootstrap
    from engine.config import Settings
    from handlers.catalog import Adapters, default_registry
    s = Settings.from_env()
    adapters = Adapters(s.database_url, s.keyring_path, s.jukinet_url, s.national_url, s.smtp_host, s.smtp_port,
                        s.mail_from, s.staff_mail, s.egov_url)
    return bootstrap(s, handlers=default_registry(adapters), migrate=migrate)


def _json_arg(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.UsageError(f"{what} is not valid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(value, dict):
        raise click.UsageError(f"{what} must be a JSON object")
    return value


def _emit(value: Any, as_json: bool, text: Callable[[Any], str]) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, default=str) if as_json else text(value))


def _errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Engine refusals print one clear line on stderr and exit 1, never a traceback."""
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ValidationFailed as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            sys.exit(1)
        except EngineError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except (OperationalError, ProgrammingError, *DRIVER_ERRORS) as exc:
            text = str(exc.orig) if getattr(exc, "orig", None) is not None else str(exc)
            hint = " (run `kentei init` first)" if "no such table" in text or "does not exist" in text else ""
            click.echo(f"error: database: {text.splitlines()[0]}{hint}", err=True)
            sys.exit(1)
    return wrapper


@click.group()
def main() -> None:
    """kentei — the 技能検定 workflow system."""


def _tenant(value: str | None) -> str | None:
    """A --tenant option: a prefecture code, or None."""
    from engine.ops_instances import TENANT
    if value is not None and not TENANT.fullmatch(value):
        raise click.BadParameter(f"a prefecture code 01–47, not {value!r}", param_hint="--tenant")
    return value


@main.command()
@_errors
def init() -> None:
    """Create or upgrade the database at KENTEI_DATABASE_URL."""
    engine = _engine(migrate=True)
    click.echo(f"database ready: {engine.db.url.render_as_string(hide_password=True)}")


TENANT_OPTION = click.option("--tenant", default=None, help="都道府県コード 01–47; without it: shared, for every prefecture")


@main.command()
@click.argument("paths", nargs=-1)
@TENANT_OPTION
@click.option("--json", "as_json", is_flag=True)
@_errors
def deploy(paths: tuple[str, ...], tenant: str | None, as_json: bool) -> None:
    """Validate and deploy BPMN/DMN files (default: workflows/), shared or for one prefecture (--tenant)."""
    from engine.deploy import collect
    engine = _engine()
    files = collect(list(paths) or [str(engine.settings.workflows_dir)])
    report = engine.deploy(files, actor="cli", tenant=_tenant(tenant))
    _emit(report.__dict__, as_json, lambda r: "\n".join(
        [f"deployed {x}" for x in r["deployed"]] + [f"unchanged {x}" for x in r["unchanged"]]
        + [f"process {x}" for x in r["processes"]] + [f"decision {x}" for x in r["decisions"]]) or "nothing to deploy")


@main.command()
@click.argument("paths", nargs=-1, required=True)
@TENANT_OPTION
@_errors
def validate(paths: tuple[str, ...], tenant: str | None) -> None:
    """Check BPMN/DMN files without deploying; problems as FILE:ELEMENT: sentence."""
    from engine.deploy import collect
    engine = _engine()
    files = collect(list(paths))
    engine.validate(files, tenant=_tenant(tenant))
    click.echo(f"{len(files)} file(s) valid")


@main.command()
@click.argument("key")
@click.option("--tenant", required=True, help="都道府県コード, 01–47")
@click.option("--data", default="{}", help="JSON object of start variables")
@click.option("--business-key", default=None)
@click.option("--user", default="cli")
@click.option("--json", "as_json", is_flag=True)
@_errors
def start(key: str, tenant: str, data: str, business_key: str | None, user: str, as_json: bool) -> None:
    """Start process KEY for a prefecture."""
    engine = _engine()
    iid = engine.start(key, tenant, _json_arg(data, "--data"), business_key=business_key, actor=user)
    _emit({"instance_id": iid}, as_json, lambda r: f"started instance {r['instance_id']}")


@main.command()
@click.option("--tenant", default=None)
@click.option("--group", default=None)
@click.option("--instance", "instance_id", type=int, default=None)
@click.option("--json", "as_json", is_flag=True)
@_errors
def tasks(tenant: str | None, group: str | None, instance_id: int | None, as_json: bool) -> None:
    """List open user tasks."""
    found = _engine().tasks(tenant=tenant, group=group, instance_id=instance_id)
    _emit(found, as_json, lambda rows: "\n".join(
        f"{t['id']}  {t['tenant']}  #{t['instance_id']}  {t['element_id']}  {t['name'] or ''}  "
        f"[{t['candidate_groups'] or '-'}]" for t in rows) or "no open tasks")


@main.command()
@click.argument("task_id")
@click.option("--user", required=True)
@click.option("--data", default="{}")
@_errors
def complete(task_id: str, user: str, data: str) -> None:
    """Complete user task TASK_ID as --user with --data."""
    iid = _engine().complete_task(task_id, user, _json_arg(data, "--data"))
    click.echo(f"completed task {task_id} (instance {iid})")


@main.command()
@click.argument("name")
@click.option("--key", default=None, help="correlation key (default: the business key)")
@click.option("--data", default="{}")
@click.option("--id", "message_id", default=None, help="message id; a repeated id is applied once per prefecture")
@click.option("--tenant", default=None, help="the prefecture (default: the one the key names, 13-2026-…)")
@click.option("--json", "as_json", is_flag=True)
@_errors
def message(name: str, key: str | None, data: str, message_id: str | None, tenant: str | None,
            as_json: bool) -> None:
    """Correlate message NAME to the instance waiting with --key."""
    result = _engine().correlate(name, key, _json_arg(data, "--data"), message_id=message_id,
                                 tenant=_tenant(tenant))
    _emit(result, as_json, lambda r: f"{r['status']} (instance {r['instance_id']})")


@main.command("signal")
@click.argument("name")
@click.option("--tenant", required=True, help="都道府県コード 01–47: a signal reaches only that prefecture's instances")
@click.option("--data", default="{}", help="variables set in every instance the signal reaches or starts")
@click.option("--json", "as_json", is_flag=True)
@_errors
def signal_command(name: str, tenant: str, data: str, as_json: bool) -> None:
    """Send signal NAME to a prefecture: every instance waiting for it, and its signal start events."""
    result = _engine().signal(name, _tenant(tenant), _json_arg(data, "--data"), actor="cli")
    _emit(result, as_json, lambda r: f"signal {r['name']}: reached {len(r['delivered'])} instance(s) "
                                     f"{r['delivered']}, started {len(r['started'])} {r['started']}")


@main.command()
@click.argument("instance_id", type=int)
@click.option("--history", is_flag=True, help="include the history events and check their hash chain")
@click.option("--json", "as_json", is_flag=True)
@_errors
def instance(instance_id: int, history: bool, as_json: bool) -> None:
    """Show an instance: status, open tasks, timers, jobs, incidents, variables."""
    engine = _engine()
    info = engine.instance(instance_id)
    if history:
        info["history"] = engine.history(instance_id)
        info["history_problems"] = engine.verify_history(instance_id)
    _emit(info, as_json, lambda i: json.dumps(i, ensure_ascii=False, indent=2, default=str))


@main.command()
@click.option("--all", "show_all", is_flag=True, help="include resolved incidents")
@click.option("--json", "as_json", is_flag=True)
@_errors
def incidents(show_all: bool, as_json: bool) -> None:
    """List incidents."""
    found = _engine().incidents(status=None if show_all else "open")
    _emit(found, as_json, lambda rows: "\n".join(
        f"{i['id']}  {i['status']}  #{i['instance_id']}  {i['element_id']}  {i['message']}" for i in rows)
        or "no incidents")


@main.command()
@click.argument("incident_id", type=int)
@click.option("--user", default="cli")
@_errors
def retry(incident_id: int, user: str) -> None:
    """Resume after incident INCIDENT_ID."""
    click.echo(_engine().retry(incident_id, user))


@main.command()
@click.argument("incident_id", type=int)
@click.option("--note", required=True, help="what was done outside kentei (required)")
@click.option("--data", "data_json", default="{}", help="the failed step's result values, a JSON object")
@click.option("--user", default="cli")
@_errors
def resolve(incident_id: int, note: str, data_json: str, user: str) -> None:
    """Resolve a failed job's incident by hand, without a retry: its task completes with --data."""
    _engine().resolve(incident_id, user, note, _json_arg(data_json, "--data"))
    click.echo("resolved_by_hand")


@main.command()
@click.option("--json", "as_json", is_flag=True)
@_errors
def timers(as_json: bool) -> None:
    """List due and upcoming timers (instances' and timer start events'), soonest first."""
    engine = _engine()
    from datetime import datetime
    now = engine.now()
    found = ([{**t, "kind": "timer"} for t in engine.timers(limit=1000)]
             + [{**t, "kind": "start"} for t in engine.start_timers()])
    for t in found:
        t["due"] = datetime.fromisoformat(t["due_at"]) <= now
    found.sort(key=lambda t: datetime.fromisoformat(t["due_at"]))

    def line(t: dict[str, Any]) -> str:
        where = f"#{t['instance_id']}" if t["kind"] == "timer" else f"start {t['process']} ({t['value']})"
        return f"{t['due_at']}  {'DUE ' if t['due'] else '    '}{where}  {t['element_id']}"
    _emit(found, as_json, lambda rows: "\n".join(line(t) for t in rows) or "no timers")


@main.command()
@click.option("--once", is_flag=True, help="run one round and exit")
@click.option("--interval", type=float, default=None, help="seconds between wake-ups (default KENTEI_POLL_SECONDS, 1)")
@click.option("--name", default=None, help="worker name (default host:pid)")
@_errors
def worker(once: bool, interval: float | None, name: str | None) -> None:
    """Fire due timers, run external jobs and the periodic jobs (APScheduler) until stopped."""
    from dataclasses import replace

    from engine.scheduler import Scheduler
    engine = _engine()
    if interval is not None:
        engine.settings = replace(engine.settings, poll_seconds=interval)
    scheduler = Scheduler(engine, name=name, blocking=True)
    if once:
        counts = scheduler.run_once()
        click.echo(f"worker {scheduler.name}: {counts.timers} timers, {counts.jobs} jobs", err=True)
        return
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    click.echo(f"worker {scheduler.name} running (every {engine.settings.poll_seconds:g} s)", err=True)
    try:
        scheduler.start()
    except KeyboardInterrupt:
        pass


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--reload", "use_reloader", is_flag=True, help="restart on code changes (development)")
@click.option("--simulators", is_flag=True,
              help="the demo: also run the 住基ネット and national-system simulators and an SMTP sink (seed 1), "
                   "and turn the portal's demo sign-in on (KENTEI_PORTAL_DEMO_SIGNIN=1)")
@_errors
def serve(host: str, port: int, use_reloader: bool, simulators: bool) -> None:
    """Serve the web app with the embedded scheduler (one process; production: gunicorn, see README)."""
    import os

    from werkzeug.serving import run_simple

    from web import create_app
    if simulators and not os.environ.get("KENTEI_EGOV_URL"):  # the e-Gov channel, to the demo's simulator
        os.environ["KENTEI_EGOV_URL"] = "http://127.0.0.1:8703"
    settings = _engine(migrate=True).settings  # the schema first
    if use_reloader:
        os.environ["KENTEI_RELOADER"] = "1"
    if simulators:  # the demo's: a pseudonymous ID alone signs in to the portal (read by create_app, the reloader's too)
        os.environ["KENTEI_PORTAL_DEMO_SIGNIN"] = "1"
    if simulators and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        from kentei.demo import start_simulators
        started = start_simulators(settings)
        click.echo(f"simulators: {', '.join(started)}", err=True)
    if os.environ.get("KENTEI_PORTAL_DEMO_SIGNIN", "").strip().lower() in ("1", "true", "yes"):
        click.echo("portal: demo sign-in on (a pseudonymous ID alone signs in): for the demo only", err=True)
    click.echo(f"kentei serving on http://{host}:{port}", err=True)
    run_simple(host, port, create_app(), use_reloader=use_reloader, threaded=True)


@main.command()
@click.option("-n", "count", default=200, show_default=True, help="how many applications")
@click.option("--seed", default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="print the counts as one JSON object on the last line")
@_errors
def demo(count: int, seed: int, as_json: bool) -> None:
    """Run synthetic applications of three prefectures through the whole lifecycle."""
    from rich.console import Console
    from rich.table import Table

    from kentei.demo import run
    _engine(migrate=True)  # the schema first
    result = run(count, seed, progress=not as_json)
    table = Table(title=f"kentei demo: {count} applications in {result['elapsed_s']} s")
    table.add_column("outcome")
    table.add_column("count", justify="right")
    for key, value in result.items():
        if isinstance(value, dict):  # seats (and the like): one row per entry
            for sub, n in value.items():
                table.add_row(f"{key}: {sub}", str(n))
        elif key not in ("applications", "elapsed_s", "staff_created", "open_for_inbox"):
            table.add_row(key, str(value))
    console = Console(stderr=as_json)
    console.print(table)
    from kentei.demo_staff import DEMO_PASSWORD
    console.print(f"demo staff accounts: {result['staff_created']} created; e.g. reviewer1-13, scorer1-13, "
                  f"approver1-13, admin1-13, analyst1-13 (also -27, -01), password {DEMO_PASSWORD}", highlight=False)
    console.print(f"{result['open_for_inbox']} new applications wait for review in the inbox "
                  "(kentei serve, then http://127.0.0.1:8000/ as reviewer1-13)", highlight=False)
    console.print("applicants' portal: http://127.0.0.1:8000/portal/login lists some of the demo's applicants "
                  "(pseudonymous IDs are random) with kentei serve --simulators, which turns the demo sign-in on",
                  highlight=False)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))


@main.command("user-add")
@click.argument("username")
@click.option("--tenant", required=True, help="都道府県コード, 01–47")
@click.option("--role", "roles", multiple=True, required=True,
              help="reviewer, scorer, approver, admin, auditor, analyst, worker, payment, or the system-wide operator "
                   "(repeat for several)")
@click.option("--display-name", required=True, help="the person's name as colleagues see it")
@click.option("--password-stdin", is_flag=True, help="read the password from stdin instead of asking")
@_errors
def user_add(username: str, tenant: str, roles: tuple[str, ...], display_name: str, password_stdin: bool) -> None:
    """Create a staff account (one per person; the password is asked for, never an option)."""
    from engine.identity import Identity, IdentityError
    password = (sys.stdin.readline().rstrip("\n") if password_stdin
                else click.prompt("password", hide_input=True, confirmation_prompt=True))
    engine = _engine()
    try:
        with engine.transaction() as session, session.begin():
            user = Identity(clock=engine.now).create_user(session, username, display_name, tenant, roles, password)
            click.echo(f"created {user.username} ({user.tenant}, {user.roles})")
    except IdentityError as exc:
        raise EngineError(str(exc)) from None


@main.command("token-create")
@click.argument("username")
@click.option("--name", default="token", help="what the token is for, e.g. payment-gateway")
@_errors
def token_create(username: str, name: str) -> None:
    """Issue an API token for a staff account; it is printed once and stored only as a digest."""
    from sqlalchemy import select

    from engine.identity import StaffUser
    from engine.identity.tokens import issue
    engine = _engine()
    with engine.transaction() as session, session.begin():
        user = session.scalar(select(StaffUser).where(StaffUser.username == username.lower()))
        if user is None or not user.active:
            raise EngineError(f"no active account {username}")
        click.echo(issue(session, user, name, engine.now(), actor="cli"))


@main.command()
@click.option("--tenant", default=None)
@click.option("--json", "as_json", is_flag=True)
@_errors
def users(tenant: str | None, as_json: bool) -> None:
    """List staff accounts (never their hashes)."""
    from sqlalchemy import select

    from engine.identity import StaffUser
    engine = _engine()
    with engine.reading() as session:
        query = select(StaffUser).order_by(StaffUser.tenant, StaffUser.username)
        if tenant:
            query = query.where(StaffUser.tenant == tenant)
        rows = [{"username": u.username, "display_name": u.display_name, "tenant": u.tenant,
                 "roles": sorted(u.role_set), "active": u.active, "locked_until": u.locked_until,
                 "last_login_at": u.last_login_at} for u in session.scalars(query)]
    _emit(rows, as_json, lambda rs: "\n".join(
        f"{r['tenant']}  {r['username']:<16} {','.join(r['roles']):<20} {r['display_name']}"
        + ("" if r["active"] else "  (inactive)") for r in rs) or "no accounts")


@main.command("jukinet-sim", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def jukinet_sim(args: tuple[str, ...]) -> None:
    """Run the 住基ネット simulator (--port 8701 --seed 1 --count 500)."""
    from handlers.jukinet.__main__ import main as run
    sys.exit(run(list(args)))


@main.command("national-sim", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def national_sim(args: tuple[str, ...]) -> None:
    """Run the national qualification system simulator (--port 8702)."""
    from handlers.national.__main__ import main as run
    sys.exit(run(list(args)))


@main.command("egov-sim", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def egov_sim(args: tuple[str, ...]) -> None:
    """Run the e-Gov 電子申請 simulator (--port 8703): packages to fetch, 電子通知書 received."""
    from handlers.egov.__main__ import main as run
    sys.exit(run(list(args)))


def _add_commands() -> None:
    from kentei.applications import applications
    from kentei.decide import decide
    from kentei.document import document
    from kentei.sessions import sessions
    for command in (decide, document, sessions, applications):
        main.add_command(command)


_add_commands()

if __name__ == "__main__":
    main()
