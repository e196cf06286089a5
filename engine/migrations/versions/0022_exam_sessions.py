"""exam sessions and venues (試験日程・試験場・試験室), seats on the exam record, fees and the 納付書 on the application

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-14 10:00:00

Exam records written before this revision keep their venue text and seat; they have no session
(session_id NULL) and count as one issued 受検票 (ticket_version 1, ticket_issued_version 1).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0022'
down_revision: Union[str, Sequence[str], None] = '0021'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'exam_venue',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant', sa.String(length=8), nullable=False),
        sa.Column('name', sa.String(length=128), nullable=False),
        sa.Column('address', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tenant', 'name'),
    )
    op.create_index('ix_exam_venue_tenant', 'exam_venue', ['tenant'], unique=False)
    op.create_table(
        'exam_room',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('venue_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('seats', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['venue_id'], ['exam_venue.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('venue_id', 'name'),
    )
    op.create_index('ix_exam_room_venue_id', 'exam_room', ['venue_id'], unique=False)
    op.create_table(
        'exam_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant', sa.String(length=8), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('fiscal_year', sa.Integer(), nullable=False),
        sa.Column('round', sa.String(length=8), nullable=False),
        sa.Column('trade_code', sa.String(length=16), nullable=False),
        sa.Column('trade_name', sa.String(length=64), nullable=False),
        sa.Column('task_code', sa.String(length=16), nullable=True),
        sa.Column('task_name', sa.String(length=64), nullable=True),
        sa.Column('grade', sa.String(length=16), nullable=False),
        sa.Column('written_date', sa.Date(), nullable=True),
        sa.Column('practical_start', sa.Date(), nullable=True),
        sa.Column('practical_end', sa.Date(), nullable=True),
        sa.Column('announcement_date', sa.Date(), nullable=True),
        sa.Column('venue_id', sa.Integer(), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=False),
        sa.Column('assigned', sa.Integer(), server_default='0', nullable=False),
        sa.Column('closed', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(['venue_id'], ['exam_venue.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tenant', 'code'),
    )
    op.create_index('ix_exam_session_tenant', 'exam_session', ['tenant'], unique=False)
    op.create_index('ix_exam_session_venue_id', 'exam_session', ['venue_id'], unique=False)
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('written_fee', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('practical_fee', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('payment_slip_no', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('payment_slip_issued_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('fee_paid_total', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('fee_status', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('fee_refund', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('waitlist_session_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('waitlisted_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('admission_ticket_issued_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_application_waitlist_session_id', ['waitlist_session_id'], unique=False)
        batch_op.create_foreign_key('fk_application_waitlist_session', 'exam_session', ['waitlist_session_id'], ['id'])
        batch_op.create_unique_constraint('uq_application_payment_slip_no', ['tenant', 'payment_slip_no'])
    with op.batch_alter_table('exam_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('preferred_session_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('seat_index', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('room', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('venue_address', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('practical_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('practical_end', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ticket_version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('ticket_issued_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_exam_record_session_id', ['session_id'], unique=False)
        batch_op.create_foreign_key('fk_exam_record_session', 'exam_session', ['session_id'], ['id'])
        batch_op.create_foreign_key('fk_exam_record_preferred_session', 'exam_session', ['preferred_session_id'], ['id'])
        batch_op.create_unique_constraint('uq_exam_record_session_seat', ['session_id', 'seat_index'])
    op.execute("UPDATE exam_record SET ticket_issued_version = 1")  # the tickets issued before sessions existed


def downgrade() -> None:
    with op.batch_alter_table('exam_record', schema=None) as batch_op:
        batch_op.drop_constraint('uq_exam_record_session_seat', type_='unique')
        batch_op.drop_constraint('fk_exam_record_preferred_session', type_='foreignkey')
        batch_op.drop_constraint('fk_exam_record_session', type_='foreignkey')
        batch_op.drop_index('ix_exam_record_session_id')
        for name in ('ticket_issued_version', 'ticket_version', 'practical_end', 'practical_start', 'venue_address',
                     'room', 'seat_index', 'preferred_session_id', 'session_id'):
            batch_op.drop_column(name)
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_constraint('uq_application_payment_slip_no', type_='unique')
        batch_op.drop_constraint('fk_application_waitlist_session', type_='foreignkey')
        batch_op.drop_index('ix_application_waitlist_session_id')
        for name in ('admission_ticket_issued_on', 'waitlisted_on', 'waitlist_session_id', 'fee_refund', 'fee_status',
                     'fee_paid_total', 'payment_slip_issued_on', 'payment_slip_no', 'practical_fee', 'written_fee'):
            batch_op.drop_column(name)
    op.drop_index('ix_exam_session_venue_id', table_name='exam_session')
    op.drop_index('ix_exam_session_tenant', table_name='exam_session')
    op.drop_table('exam_session')
    op.drop_index('ix_exam_room_venue_id', table_name='exam_room')
    op.drop_table('exam_room')
    op.drop_index('ix_exam_venue_tenant', table_name='exam_venue')
    op.drop_table('exam_venue')
