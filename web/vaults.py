"""The 個人番号 vault as the web app uses it: one per keyring path, built on first use; filing with a number."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app

from engine.ops_instances import start_on
from handlers.vault import REGISTRATION, Keyring, Vault

from .auth import engine


def vault() -> Vault:
    """The vault over the engine's keyring (loaded once per keyring path)."""
    path = engine().settings.keyring_path
    cached = current_app.extensions.get("kentei.vault")
    if cached is None or cached[0] != path:
        cached = (path, Vault(Keyring.load_or_create(path), clock=engine().now))
        current_app.extensions["kentei.vault"] = cached
    return cached[1]


def file_with_number(process: str, tenant: str, digits: str, actor: str, start_data: Callable[[str], dict[str, Any]],
                     business_key: str) -> int:
    """Store the 個人番号 and start the filing's process in one transaction; the new instance's id.

    `start_data(ref)` makes the start data from the vault reference. Whatever fails (the process is not
    deployed, the business key is taken, the start breaks half way), the number and its access-log row
    go with it: no record is left that no application refers to."""
    eng = engine()
    with eng.unit() as conn:
        with eng.Session(bind=conn) as session:  # joins the unit's transaction: commits and rolls back with it
            ref = vault().store(session, tenant, digits, actor=actor, purpose=REGISTRATION)
            session.flush()
        step = start_on(eng, conn, process, tenant, start_data(ref), business_key=business_key, actor=actor)
    eng.publish(step)
    return int(step.row.id)
