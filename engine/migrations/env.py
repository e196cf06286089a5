"""Alembic environment: migrates the database the caller's connection points at."""
from alembic import context
from sqlalchemy import engine_from_config, pool

from engine.db.models import Base
from engine.identity.models import IdentityBase
from handlers.notify.models import NotifyBase
from handlers.registry.models import RegistryBase
from handlers.vault.models import VaultBase

config = context.config
# the engine's tables and the handlers' (registry, …): one schema, one migration history
target_metadata = [Base.metadata, IdentityBase.metadata, RegistryBase.metadata, VaultBase.metadata, NotifyBase.metadata]


def run_migrations() -> None:
    """Run on the connection handed over by engine.db.migrate, or on sqlalchemy.url."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connectable = engine_from_config(config.get_section(config.config_ini_section) or {}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
