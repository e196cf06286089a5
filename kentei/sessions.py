"""`kentei sessions import FILE --tenant NN` and `kentei sessions list --tenant NN`: exam sessions (試験日程)."""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import click

from handlers.registry.sessions_csv import HEADER


def _tenant(value: str) -> str:
    if not (len(value) == 2 and value.isdigit() and 1 <= int(value) <= 47):
        raise click.BadParameter(f"a prefecture code 01–47, not {value!r}", param_hint="--tenant")
    return value


@contextmanager
def opened() -> Iterator[Any]:
    """The engine of KENTEI_… settings, closed again (its pool and the handlers' clients)."""
    from kentei.cli import _engine
    engine = _engine()
    try:
        yield engine
    finally:
        engine.db.dispose()
        engine.handlers.close()


@click.group("sessions")
def sessions() -> None:
    """Exam sessions and venues (試験日程・試験場) of a prefecture."""


@sessions.command("import", help="Add or change sessions (and their venues) from a CSV file: every row or none.\n\n"
                                 "Header (UTF-8): " + ",".join(HEADER) + "\n\nDates YYYY-MM-DD; rooms NAME:SEATS;NAME:SEATS; "
                                 "a known code changes that session.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--tenant", required=True, help="the prefecture code (01–47)")
@click.option("--json", "as_json", is_flag=True)
def import_file(file: Path, tenant: str, as_json: bool) -> None:
    from handlers.registry.sessions import Refused, announce, stale_tickets
    from handlers.registry.sessions_csv import import_sessions
    tenant = _tenant(tenant)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        click.echo(f"error: {file}: {exc.strerror}", err=True)
        sys.exit(1)
    with opened() as engine:
        try:
            with engine.transaction() as s, s.begin():
                done = import_sessions(s, tenant, raw)
        except Refused as refused:  # rolled back: nothing of the file is saved
            click.echo(f"error: {file.name}: nothing imported", err=True)
            for problem in refused.problems:
                click.echo(f"{file.name}:{problem}", err=True)
            sys.exit(1)
        with engine.reading() as s:
            stale = stale_tickets(s, tenant)
        reissued = announce(engine.correlate, tenant, stale)  # 受検票 whose venue, room, seat or dates changed
    report = {"sessions_added": done.sessions_added, "sessions_changed": done.sessions_changed,
              "venues_added": done.venues_added, "venues_changed": done.venues_changed, "tickets_reissued": reissued}
    click.echo(json.dumps(report) if as_json else
               f"{file.name}: {done.sessions_added} sessions added, {done.sessions_changed} changed; "
               f"{done.venues_added} venues added, {done.venues_changed} changed; {reissued} tickets to reissue")


@sessions.command("list")
@click.option("--tenant", required=True, help="the prefecture code (01–47)")
@click.option("--json", "as_json", is_flag=True)
def list_sessions(tenant: str, as_json: bool) -> None:
    """Each session with its venue and fill: assigned / capacity and the wait list."""
    from handlers.registry.sessions import fill
    tenant = _tenant(tenant)
    with opened() as engine, engine.reading() as s:
        rows: list[dict[str, Any]] = [
            {"code": r["session"].code, "fiscal_year": r["session"].fiscal_year, "round": r["session"].round,
             "trade_code": r["session"].trade_code, "grade": r["session"].grade,
             "written_date": r["session"].written_date, "venue": r["venue"].name if r["venue"] else None,
             "assigned": r["assigned"], "capacity": r["capacity"], "waitlisted": r["waitlisted"]}
            for r in fill(s, tenant)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, default=str))
        return
    for r in rows:
        click.echo(f"{r['code']}\t{r['fiscal_year']}{r['round']}\t{r['trade_code']}\t{r['grade']}\t{r['venue']}\t"
                   f"{r['assigned']}/{r['capacity']}\twait {r['waitlisted']}")
