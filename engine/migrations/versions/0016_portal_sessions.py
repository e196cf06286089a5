"""applicants' portal sessions kept on the server

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 15:00:00

Portal sessions signed in before this revision carry no record, so they end: applicants sign in again.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0016'
down_revision: Union[str, Sequence[str], None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'portal_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pseudonym_id', sa.String(length=64), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    with op.batch_alter_table('portal_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_session_pseudonym_id'), ['pseudonym_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_session_last_seen_at'), ['last_seen_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('portal_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_session_last_seen_at'))
        batch_op.drop_index(batch_op.f('ix_portal_session_pseudonym_id'))
    op.drop_table('portal_session')
