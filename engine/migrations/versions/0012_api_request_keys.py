"""API request ids are unique per prefecture: a partial unique index on api-… business keys

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 14:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.create_index('ux_instance_api_request', ['tenant', 'business_key'], unique=True,
                              sqlite_where=sa.text("business_key LIKE 'api-%'"),
                              postgresql_where=sa.text("business_key LIKE 'api-%'"))


def downgrade() -> None:
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.drop_index('ux_instance_api_request')
