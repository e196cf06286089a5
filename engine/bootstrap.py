"""The composition root: settings, database, handlers and clock wired into one Engine."""
from __future__ import annotations

from engine.config import Settings
from engine.db.migrate import upgrade
from engine.db.session import make_db
from engine.runtime import Engine
from engine.script_engine import Clock, system_clock
from handlers.base import HandlerRegistry


def bootstrap(settings: Settings | None = None, handlers: HandlerRegistry | None = None,
              clock: Clock = system_clock, migrate: bool = True) -> Engine:
    """Build an Engine; with `migrate` the schema is created or upgraded first."""
    settings = settings or Settings.from_env()
    db = make_db(settings.database_url, settings.sqlite_synchronous)
    if migrate:
        upgrade(db)
    return Engine(db, handlers or HandlerRegistry(), settings, clock)
