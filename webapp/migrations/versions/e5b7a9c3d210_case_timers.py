"""case_timers: the next BPMN timer due on each case (webapp.timers)

Revision ID: e5b7a9c3d210
Revises: 585649306933
Create Date: 2026-11-25 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e5b7a9c3d210'
down_revision = '585649306933'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_timers',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('case_id')
    )
    with op.batch_alter_table('case_timers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_timers_due_at'), ['due_at'], unique=False)


def downgrade():
    with op.batch_alter_table('case_timers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_timers_due_at'))
    op.drop_table('case_timers')
