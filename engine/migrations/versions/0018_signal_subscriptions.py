"""signal subscriptions, and the signals thrown for other instances

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 03:00:00

Instances waiting at a signal catch event before this revision have no subscription row, so a signal
reaches them only after their next step; none existed, as signals did not run before it.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0018'
down_revision: Union[str, Sequence[str], None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'signal_subscription',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('tenant', sa.String(length=8), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=False),
        sa.Column('element_id', sa.String(length=255), nullable=False),
        sa.Column('signal_name', sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('signal_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signal_subscription_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index('ix_signal_subscription_lookup', ['tenant', 'signal_name'], unique=False)
    op.create_table(
        'thrown_signal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant', sa.String(length=8), nullable=False),
        sa.Column('signal_name', sa.String(length=255), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('source_instance_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('thrown_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('thrown_signal', schema=None) as batch_op:
        batch_op.create_index('ix_thrown_signal_pending', ['status', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('thrown_signal', schema=None) as batch_op:
        batch_op.drop_index('ix_thrown_signal_pending')
    op.drop_table('thrown_signal')
    with op.batch_alter_table('signal_subscription', schema=None) as batch_op:
        batch_op.drop_index('ix_signal_subscription_lookup')
        batch_op.drop_index(batch_op.f('ix_signal_subscription_instance_id'))
    op.drop_table('signal_subscription')
