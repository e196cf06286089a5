"""`kentei document APPLICATION_ID --kind KIND -o FILE`: an application's 受検票, notice or certificate as PDF."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from handlers.documents.kinds import KINDS, TITLES

KIND_HELP = "; ".join(f"{k} ({t})" for k, t in TITLES.items())


def _write(output: str, data: bytes) -> None:
    """The PDF to FILE (whole or not at all: an existing file is replaced only by a complete one), or to stdout."""
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    target = Path(output)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or Path("."))
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _document(application_id: str, kind: str, output: str, tenant: str | None) -> None:
    from engine.bootstrap import bootstrap
    from engine.config import Settings
    from handlers.documents import DocumentError, build
    from handlers.documents.fonts import use_font_dir
    engine = bootstrap(Settings.from_env(), migrate=False)
    try:
        today = engine.now().astimezone(engine.tz).date()  # the prefecture's day (JST)
        use_font_dir(engine.settings.document_font_dir)
        with engine.reading() as session:
            document = build(session, application_id, kind, today, tenant=tenant)
    except DocumentError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    finally:
        engine.db.dispose()
    try:
        _write(output, document.data)
    except OSError as exc:
        click.echo(f"error: {output}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    if output != "-":
        click.echo(f"{output}: {TITLES[kind]} of {application_id}, {len(document.data):,} bytes")


@click.command("document")
@click.argument("application_id")
@click.option("--kind", required=True, type=click.Choice(KINDS), help=KIND_HELP)
@click.option("-o", "--output", required=True, metavar="FILE", help="where to write the PDF (- for stdout)")
@click.option("--tenant", default=None, metavar="NN", help="the prefecture (都道府県コード), when two hold the number")
def document(application_id: str, kind: str, output: str, tenant: str | None) -> Any:
    """Write an application's document as PDF: the 受検票 once its exam is scheduled, the notices from the
    合格発表日, the certificates once the pass is registered. APPLICATION_ID is the 申請受付ID."""
    from .cli import _errors, _tenant
    return _errors(_document)(application_id, kind, output, _tenant(tenant))
