"""The migrations build exactly the schema the models describe (a column added to a model needs one)."""
from __future__ import annotations

import pytest
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


def test_tenant_deployments_migrate_existing_data_and_downgrade(db_url):  # type: ignore[no-untyped-def]
    """0014 on a database with data: every deployment becomes shared (each prefecture goes on starting the
    newest, whoever deployed it), a buffered message takes the prefecture its key names; down to 0013 and up
    again keeps working, the same message id of two prefectures included; a prefecture's own deployment stops
    a downgrade with a sentence."""
    import sqlalchemy as sa
    from alembic import command

    from engine.db.migrate import alembic_config
    cfg = alembic_config(db_url)
    command.upgrade(cfg, "0013")
    db = sa.create_engine(db_url)
    with db.begin() as conn:
        conn.execute(sa.text("INSERT INTO staff_user (id, username, display_name, tenant, roles, password_hash, active, "
                             "failed_attempts, password_changed_at, created_at) VALUES (1, 'admin1-27', 'A', '27', "
                             "'admin', 'x', :yes, 0, '2026-01-01', '2026-01-01')"), {"yes": True})
        for file_id, by in ((1, "admin1-27"), (2, "cli")):
            conn.execute(sa.text("INSERT INTO deployed_file (id, name, kind, sha256, version, content, deployed_at, "
                                 "deployed_by) VALUES (:id, :name, 'bpmn', 'h', 1, :c, '2026-01-01', :by)"),
                         {"id": file_id, "name": f"f{file_id}.bpmn", "c": b"<x/>", "by": by})
        conn.execute(sa.text("INSERT INTO received_message (message_id, message_name, correlation_key, payload, "
                             "status, received_at) VALUES ('PAY-1', 'fee_paid', '27-2026-A000001', '{}', 'buffered', "
                             "'2026-01-01')"))
    command.upgrade(cfg, "head")
    with db.begin() as conn:
        owners = dict(conn.execute(sa.text("SELECT deployed_by, tenant FROM deployed_file")).all())
        message = conn.execute(sa.text("SELECT tenant, message_id FROM received_message")).one()
    assert owners == {"admin1-27": "", "cli": ""} and tuple(message) == ("27", "PAY-1")
    with db.begin() as conn:  # the same id in 13 now; and one of 27's alone
        for tenant, mid in (("13", "PAY-1"), ("27", "PAY-2")):
            conn.execute(sa.text("INSERT INTO received_message (tenant, message_id, message_name, correlation_key, "
                                 "payload, status, received_at) VALUES (:t, :m, 'fee_paid', 'k', '{}', 'buffered', "
                                 "'2026-01-01')"), {"t": tenant, "m": mid})
    command.downgrade(cfg, "0013")
    command.upgrade(cfg, "head")
    with db.begin() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM received_message")).scalar() == 2  # PAY-1 once, PAY-2
        conn.execute(sa.text("INSERT INTO deployed_file (id, name, kind, sha256, version, content, deployed_at, "
                             "tenant) VALUES (9, 'f1.bpmn', 'bpmn', 'h', 1, :c, '2026-01-01', '13')"), {"c": b"<x/>"})
    with pytest.raises(RuntimeError, match="belong to one prefecture"):
        command.downgrade(cfg, "0013")
    db.dispose()
