"""deployments (the files sent together, as Camunda 7 groups them) and outside workers' external tasks

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 14:20:00

Each file deployed before this revision becomes a deployment of its own, named after the file, with
source "kentei" (files deployed together were not recorded as such). external_job gets the fields an
outside worker's task carries in Camunda 7's REST API: retries (as the worker set them), error details
and a priority; human_task the owner and delegation state of Camunda's delegate/resolve, and a priority.
"""
import uuid
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0021'
down_revision: Union[str, Sequence[str], None] = '0020'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'deployment',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('tenant', sa.String(length=8), server_default='', nullable=False),
        sa.Column('name', sa.String(length=255), nullable=True),
        sa.Column('source', sa.String(length=255), nullable=True),
        sa.Column('deployed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('deployed_by', sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_deployment_name', 'deployment', ['tenant', 'name', 'source'], unique=False)
    with op.batch_alter_table('deployed_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deployment_id', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_deployed_file_deployment_id'), ['deployment_id'], unique=False)
        batch_op.create_foreign_key('fk_deployed_file_deployment', 'deployment', ['deployment_id'], ['id'])
    conn = op.get_bind()
    files = conn.execute(sa.text("SELECT id, tenant, name, deployed_at, deployed_by FROM deployed_file")).all()
    for file_id, tenant, name, at, by in files:
        new = str(uuid.uuid4())
        conn.execute(sa.text("INSERT INTO deployment (id, tenant, name, source, deployed_at, deployed_by) "
                             "VALUES (:id, :tenant, :name, 'kentei', :at, :by)"),
                     {"id": new, "tenant": tenant, "name": name.rsplit('.', 1)[0], "at": at, "by": by})
        conn.execute(sa.text("UPDATE deployed_file SET deployment_id = :d WHERE id = :id"), {"d": new, "id": file_id})
    with op.batch_alter_table('external_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retries', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('error_details', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('priority', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('delegation_state', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('priority', sa.Integer(), server_default='50', nullable=False))


def downgrade() -> None:
    n = op.get_bind().execute(sa.text(
        "SELECT count(*) FROM external_job WHERE kind = 'outside' AND status IN ('pending', 'locked', 'incident')"
    )).scalar()
    if n:
        raise RuntimeError(f"{n} external tasks wait for outside workers; finish or cancel them before downgrading")
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_column('priority')
        batch_op.drop_column('delegation_state')
        batch_op.drop_column('owner')
    with op.batch_alter_table('external_job', schema=None) as batch_op:
        batch_op.drop_column('priority')
        batch_op.drop_column('error_details')
        batch_op.drop_column('retries')
    with op.batch_alter_table('deployed_file', schema=None) as batch_op:
        batch_op.drop_constraint('fk_deployed_file_deployment', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_deployed_file_deployment_id'))
        batch_op.drop_column('deployment_id')
    op.drop_index('ix_deployment_name', table_name='deployment')
    op.drop_table('deployment')
