"""certificate requests (再交付, 合格証明書) and the 別添1 counters 電子合格証書回数, 日本語/英文合格証明回数 on the passer

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-08 00:00:00

Passers registered before this revision have had no electronic certificate and no 合格証明書 (counters 0).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0024'
down_revision: Union[str, Sequence[str], None] = '0023'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COUNTERS = ('electronic_certificate_count', 'certificate_of_pass_ja_count', 'certificate_of_pass_en_count')


def upgrade() -> None:
    with op.batch_alter_table('passer', schema=None) as batch_op:
        for name in COUNTERS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default='0', nullable=False))
    op.create_table(
        'certificate_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant', sa.String(length=8), nullable=False),
        sa.Column('request_no', sa.String(length=32), nullable=False),
        sa.Column('pass_no', sa.String(length=32), nullable=True),
        sa.Column('passer_id', sa.Integer(), nullable=True),
        sa.Column('application_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('medium', sa.String(length=12), nullable=False),
        sa.Column('channel', sa.String(length=8), nullable=False),
        sa.Column('copies', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=16), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('requester_name', sa.String(length=128), nullable=True),
        sa.Column('requester_birth_date', sa.Date(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('refusal_code', sa.String(length=24), nullable=True),
        sa.Column('refusal_reason', sa.Text(), nullable=True),
        sa.Column('fee', sa.Integer(), nullable=True),
        sa.Column('payment_slip_no', sa.String(length=32), nullable=True),
        sa.Column('fee_paid_total', sa.Integer(), nullable=True),
        sa.Column('fee_paid_on', sa.Date(), nullable=True),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('requested_by', sa.String(length=128), nullable=True),
        sa.Column('instance_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['passer_id'], ['passer.id']),
        sa.ForeignKeyConstraint(['application_id'], ['application.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tenant', 'request_no'),
        sa.UniqueConstraint('tenant', 'payment_slip_no'),
    )
    op.create_index('ix_certificate_request_tenant', 'certificate_request', ['tenant'], unique=False)
    op.create_index('ix_certificate_request_passer_id', 'certificate_request', ['passer_id'], unique=False)
    op.create_index('ix_certificate_request_application_id', 'certificate_request', ['application_id'], unique=False)
    op.create_index('ix_certificate_request_instance_id', 'certificate_request', ['instance_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_certificate_request_instance_id', table_name='certificate_request')
    op.drop_index('ix_certificate_request_application_id', table_name='certificate_request')
    op.drop_index('ix_certificate_request_passer_id', table_name='certificate_request')
    op.drop_index('ix_certificate_request_tenant', table_name='certificate_request')
    op.drop_table('certificate_request')
    with op.batch_alter_table('passer', schema=None) as batch_op:
        for name in reversed(COUNTERS):
            batch_op.drop_column(name)
