"""incident resolution (how an incident was closed, the note why); application.instance_id (its process)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 13:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolution', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('resolution_note', sa.Text(), nullable=True))
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('instance_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_application_instance_id'), ['instance_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_instance_id'))
        batch_op.drop_column('instance_id')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_column('resolution_note')
        batch_op.drop_column('resolution')
