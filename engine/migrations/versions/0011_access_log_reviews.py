"""access-log reviews: an auditor's record of having read one period of the 個人番号 access log

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 13:50:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'my_number_audit_review',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant', sa.String(length=8), nullable=False),
        sa.Column('period_from', sa.DateTime(timezone=True), nullable=False),
        sa.Column('period_to', sa.DateTime(timezone=True), nullable=False),
        sa.Column('entries', sa.Integer(), nullable=False),
        sa.Column('denied', sa.Integer(), nullable=False),
        sa.Column('reviewed_by', sa.String(length=64), nullable=False),
        sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('note', sa.String(length=1000), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('my_number_audit_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_my_number_audit_review_tenant'), ['tenant'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('my_number_audit_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_my_number_audit_review_tenant'))
    op.drop_table('my_number_audit_review')
