"""account changes: the record of who gave or took which access

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 14:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'account_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant', sa.String(length=8), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.String(length=64), nullable=False),
        sa.Column('target', sa.String(length=64), nullable=False),
        sa.Column('change', sa.String(length=16), nullable=False),
        sa.Column('before', sa.String(length=128), nullable=True),
        sa.Column('after', sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('account_change', schema=None) as batch_op:
        batch_op.create_index('ix_account_change_tenant_at', ['tenant', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('account_change', schema=None) as batch_op:
        batch_op.drop_index('ix_account_change_tenant_at')
    op.drop_table('account_change')
