"""staff sessions kept on the server; unknown sign-in names in the login history of their prefecture

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 16:00:00

Sessions signed in before this revision carry no session record, so they end: everyone signs in again.
Earlier failed sign-ins with an unknown name that ends in a prefecture suffix ("reviewr1-13") join that
prefecture's login history, as new ones do.
"""
import re
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SUFFIX = re.compile(r"-(\d{2})$")
TENANTS = frozenset(f"{n:02d}" for n in range(1, 48))


def upgrade() -> None:
    op.create_table(
        'staff_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_session_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_session_last_seen_at'), ['last_seen_at'], unique=False)

    events = sa.table('login_event', sa.column('id', sa.Integer()), sa.column('username', sa.String()),
                      sa.column('tenant', sa.String()), sa.column('user_id', sa.Integer()))
    conn = op.get_bind()
    unknown = conn.execute(sa.select(events.c.id, events.c.username)
                           .where(events.c.user_id.is_(None), events.c.tenant.is_(None))).all()
    for row_id, name in unknown:
        m = SUFFIX.search(name or "")
        if m and m.group(1) in TENANTS:
            conn.execute(events.update().where(events.c.id == row_id).values(tenant=m.group(1)))


def downgrade() -> None:
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_session_last_seen_at'))
        batch_op.drop_index(batch_op.f('ix_staff_session_user_id'))
    op.drop_table('staff_session')
