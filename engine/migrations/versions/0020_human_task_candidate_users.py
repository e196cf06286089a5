"""a user task's candidate users (camunda:candidateUsers), in the inbox index beside its candidate groups

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 07:10:00

Tasks opened before this revision have none (candidateUsers was refused at deploy before it). The inbox
index is rebuilt with the column, so the inbox's count and page stay index-only scans.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0020'
down_revision: Union[str, Sequence[str], None] = '0019'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OLD = ['tenant', 'status', 'due_at', 'assignee', 'candidate_groups', 'instance_id', 'id']
NEW = ['tenant', 'status', 'due_at', 'assignee', 'candidate_groups', 'candidate_users', 'instance_id', 'id']


def upgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('candidate_users', sa.String(length=1000), nullable=True))
        batch_op.drop_index('ix_human_task_inbox')
        batch_op.create_index('ix_human_task_inbox', NEW, unique=False)


def downgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_inbox')
        batch_op.create_index('ix_human_task_inbox', OLD, unique=False)
        batch_op.drop_column('candidate_users')
