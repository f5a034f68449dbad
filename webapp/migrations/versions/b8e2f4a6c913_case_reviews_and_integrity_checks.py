"""案卷评查 facts per completed step (append-only), running case scores, integrity check findings (append-only)

Revision ID: b8e2f4a6c913
Revises: 53d4c050e699
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b8e2f4a6c913'
down_revision = '53d4c050e699'
branch_labels = None
depends_on = None

APPEND_ONLY = ("step_reviews", "integrity_checks")


def upgrade():
    op.create_table('step_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('spec_name', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('av_outcome', sa.String(length=10), nullable=True),
    sa.Column('av_basis', sa.Text(), nullable=True),
    sa.Column('checks', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Integer(), nullable=False),
    sa.Column('missing_records', sa.Integer(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('task_id')
    )
    with op.batch_alter_table('step_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_step_reviews_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_step_reviews_av', ['agency_id', 'av_outcome', 'title', 'av_basis'], unique=False)
        batch_op.create_index('ix_step_reviews_missing', ['agency_id', 'missing_records'], unique=False)

    op.create_table('case_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('steps', sa.Integer(), nullable=False),
    sa.Column('checks', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id')
    )
    with op.batch_alter_table('case_scores', schema=None) as batch_op:
        batch_op.create_index('ix_case_scores_agency_score', ['agency_id', 'score'], unique=False)

    op.create_table('integrity_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('problems', sa.Integer(), nullable=False),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('integrity_checks', schema=None) as batch_op:
        batch_op.create_index('ix_integrity_checks_agency', ['agency_id', 'id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION liuhen_append_only()")
    else:
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} 只能追加，不能修改或删除'); END")


def downgrade():
    op.drop_table('integrity_checks')
    op.drop_table('case_scores')
    op.drop_table('step_reviews')
