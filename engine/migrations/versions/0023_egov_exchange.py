"""the e-Gov exchange: packages taken (without 個人番号) and the 電子通知書 to send back

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 23:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0023'
down_revision: Union[str, Sequence[str], None] = '0022'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'egov_package',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant', sa.String(length=8), nullable=False),
        sa.Column('package_id', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('form', sa.Text(), nullable=True),
        sa.Column('attachments', sa.Text(), nullable=True),
        sa.Column('vault_ref', sa.String(length=36), nullable=True),
        sa.Column('application_no', sa.String(length=32), nullable=True),
        sa.Column('refusal_reason', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('package_id'),
    )
    op.create_index('ix_egov_package_tenant', 'egov_package', ['tenant'], unique=False)
    op.create_index('ix_egov_package_application_no', 'egov_package', ['application_no'], unique=False)
    op.create_table(
        'egov_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant', sa.String(length=8), nullable=False),
        sa.Column('package_id', sa.String(length=64), nullable=False),
        sa.Column('application_no', sa.String(length=32), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('package_id', 'kind'),
    )
    op.create_index('ix_egov_notice_tenant', 'egov_notice', ['tenant'], unique=False)
    op.create_index('ix_egov_notice_sent_at', 'egov_notice', ['sent_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_egov_notice_sent_at', table_name='egov_notice')
    op.drop_index('ix_egov_notice_tenant', table_name='egov_notice')
    op.drop_table('egov_notice')
    op.drop_index('ix_egov_package_application_no', table_name='egov_package')
    op.drop_index('ix_egov_package_tenant', table_name='egov_package')
    op.drop_table('egov_package')
