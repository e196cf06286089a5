"""async continuations as external_job rows of kind 'async'; an element's failedJobRetryTimeCycle per job

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 03:00:00

Every existing row is a remote handler's job: kind 'external', no retry cycle (the global settings).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0017'
down_revision: Union[str, Sequence[str], None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('external_job') as batch:
        batch.add_column(sa.Column('kind', sa.String(length=16), server_default='external', nullable=False))
        batch.add_column(sa.Column('retry_cycle', sa.String(length=255), nullable=True))


def downgrade() -> None:
    waiting = op.get_bind().execute(sa.text(
        "SELECT count(*) FROM external_job WHERE kind = 'async' AND status IN ('pending', 'locked', 'incident')"
    )).scalar()
    if waiting:
        raise RuntimeError(f"{waiting} instances wait at an async continuation, which revision 0016 cannot run; "
                           "let the worker continue them (or cancel the instances) before downgrading")
    op.execute("UPDATE incident SET job_id = NULL WHERE job_id IN (SELECT id FROM external_job WHERE kind = 'async')")
    op.execute("DELETE FROM external_job WHERE kind = 'async'")
    with op.batch_alter_table('external_job') as batch:
        batch.drop_column('retry_cycle')
        batch.drop_column('kind')
