"""The migrations build exactly the schema the models describe (a column added to a model needs one)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.db.models import Base
from engine.identity.models import IdentityBase
from handlers.notify.models import NotifyBase
from handlers.registry.models import RegistryBase
from handlers.vault.models import VaultBase

METADATA = [Base.metadata, IdentityBase.metadata, RegistryBase.metadata, VaultBase.metadata, NotifyBase.metadata]


def test_the_migrated_schema_matches_the_models(engine):  # type: ignore[no-untyped-def]
    with engine.db.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        differences = compare_metadata(context, METADATA)
    assert differences == [], "models and migrations differ; add a migration:\n" + "\n".join(map(str, differences))
