"""deadlines (persisted periods of every case) and compliance exceptions (append-only)

Revision ID: c4d81e2a9f07
Revises: 585649306933
Create Date: 2026-11-24 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4d81e2a9f07'
down_revision = '585649306933'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deadlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('spec_name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('period', sa.String(length=30), nullable=False),
    sa.Column('counting', sa.String(length=200), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['closed_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('task_id')
    )
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadlines_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_deadlines_open', ['agency_id', 'status', 'due_at'], unique=False)

    op.create_table('compliance_exceptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.String(length=64), nullable=False),
    sa.Column('basis', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('compliance_exceptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compliance_exceptions_agency_id'), ['agency_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TRIGGER compliance_exceptions_append_only BEFORE UPDATE OR DELETE ON compliance_exceptions "
                   "FOR EACH ROW EXECUTE FUNCTION liuhen_append_only()")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER compliance_exceptions_no_{event.lower()} BEFORE {event} ON compliance_exceptions "
                       f"BEGIN SELECT RAISE(ABORT, 'compliance_exceptions 只能追加，不能修改或删除'); END")


def downgrade():
    op.drop_table('compliance_exceptions')
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_deadlines_open')
        batch_op.drop_index(batch_op.f('ix_deadlines_case_id'))
    op.drop_table('deadlines')
