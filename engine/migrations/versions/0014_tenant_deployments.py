"""tenant-aware deployments and messages: a deployment belongs to one prefecture or is shared ('');
message ids are a prefecture's own namespace

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 14:00:00

Existing deployments all become shared, whoever deployed them: before this revision every prefecture
started the newest version of a key, whoever's it was, and after it every prefecture still does (a
prefecture's own version would otherwise win over a newer one, and change what it starts). Existing
messages take the tenant of the instance they reached, else the prefecture their key names (申請受付ID
"13-…"), else shared. Downgrading refuses while any prefecture has deployments of its own.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# the unique constraints of 0001 were unnamed: SQLite's batch mode finds them by this convention
OLD_UNIQUE = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
TABLES = (("deployed_file", "name"), ("process_definition", "key"), ("decision_definition", "key"))


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table, column in TABLES:
        old = _old_unique(inspector, table, column)
        with op.batch_alter_table(table, schema=None, naming_convention=OLD_UNIQUE) as batch_op:
            batch_op.add_column(sa.Column('tenant', sa.String(length=8), server_default='', nullable=False))
            batch_op.drop_constraint(old, type_='unique')
            batch_op.create_unique_constraint(f"uq_{table}_tenant_{column}_version", ['tenant', column, 'version'])
    with op.batch_alter_table('start_timer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tenant', sa.String(length=8), server_default='', nullable=False))
    # every existing deployment is shared now (the server default ''): see the docstring

    # received_message: the key is (tenant, message_id) now; rebuilt (SQLite cannot change a primary key)
    _rebuild_messages(with_tenant=True)
    op.execute("INSERT INTO received_message_new (tenant, message_id, message_name, correlation_key, payload, status, "
               "instance_id, received_at, expires_at) SELECT COALESCE((SELECT i.tenant FROM process_instance i "
               "WHERE i.id = m.instance_id), CASE WHEN m.correlation_key LIKE '__-%' "
               "THEN SUBSTR(m.correlation_key, 1, 2) ELSE '' END, ''), m.message_id, m.message_name, "
               "m.correlation_key, m.payload, m.status, m.instance_id, m.received_at, m.expires_at "
               "FROM received_message m")
    _swap_messages()


def _old_unique(inspector: sa.engine.Inspector, table: str, column: str) -> str:
    """The (column, version) constraint's name: PostgreSQL's own, a downgrade's, or OLD_UNIQUE's for 0001's unnamed."""
    for found in inspector.get_unique_constraints(table):
        if found["column_names"] == [column, "version"] and found.get("name"):
            return str(found["name"])
    return f"uq_{table}_{column}"


def _rebuild_messages(with_tenant: bool) -> None:
    columns = [sa.Column('tenant', sa.String(length=8), server_default='', nullable=False)] if with_tenant else []
    op.create_table(
        'received_message_new', *columns,
        sa.Column('message_id', sa.String(length=128), nullable=False),
        sa.Column('message_name', sa.String(length=255), nullable=False),
        sa.Column('correlation_key', sa.String(length=255), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        # the old table's key keeps its name until it is dropped (PostgreSQL: one namespace), so each shape has its own
        sa.PrimaryKeyConstraint(*(['tenant'] if with_tenant else []), 'message_id',
                                name='received_message_tenant_pkey' if with_tenant else 'received_message_pkey'),
    )


def _swap_messages() -> None:
    op.drop_index('ix_received_pending', table_name='received_message')
    op.drop_table('received_message')
    op.rename_table('received_message_new', 'received_message')
    op.create_index('ix_received_pending', 'received_message', ['message_name', 'correlation_key', 'status'])


def downgrade() -> None:
    own = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM deployed_file WHERE tenant <> ''")).scalar()
    if own:
        raise RuntimeError(f"cannot downgrade below 0014: {own} deployed file(s) belong to one prefecture, and "
                           "the older schema has one line of versions for all; remove them first")
    _rebuild_messages(with_tenant=False)
    op.execute("INSERT INTO received_message_new (message_id, message_name, correlation_key, payload, status, "
               "instance_id, received_at, expires_at) SELECT message_id, message_name, correlation_key, payload, "
               "status, instance_id, received_at, expires_at FROM received_message m WHERE m.tenant = "
               "(SELECT MIN(o.tenant) FROM received_message o WHERE o.message_id = m.message_id)")  # one row per id
    _swap_messages()
    with op.batch_alter_table('start_timer', schema=None) as batch_op:
        batch_op.drop_column('tenant')
    for table, column in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"uq_{table}_tenant_{column}_version", type_='unique')
            batch_op.create_unique_constraint(f"{table}_{column}_version_key", [column, 'version'])
            batch_op.drop_column('tenant')
