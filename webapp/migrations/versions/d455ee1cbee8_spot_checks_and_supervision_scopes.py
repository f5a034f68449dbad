"""检查台账 (spot checks, naiman-culture 第十四条) and 司法局 supervision scopes; both append-only
(triggers on SQLite and PostgreSQL)

Revision ID: d455ee1cbee8
Revises: 53d4c050e699
Create Date: 2026-11-25 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd455ee1cbee8'
down_revision = '53d4c050e699'
branch_labels = None
depends_on = None

APPEND_ONLY = ("spot_checks", "supervision_scopes")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    ref_table = target.split(".")[0]
    return sa.ForeignKeyConstraint([column], [target], name=op.f(f"fk_{table}_{column}_{ref_table}"))


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION liuhen_append_only()")
    else:
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} 只能追加，不能修改或删除'); END")


def upgrade():
    op.create_table(
        'spot_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('media_id', sa.Integer(), nullable=True),
        sa.Column('checker_id', sa.Integer(), nullable=False),
        sa.Column('aspects', sa.JSON(), nullable=False),
        sa.Column('finding', sa.String(length=10), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('rectification', sa.Text(), nullable=True),
        sa.Column('follow_up_of', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        _fk('spot_checks', 'agency_id', 'agencies.id'),
        _fk('spot_checks', 'case_id', 'cases.id'),
        _fk('spot_checks', 'media_id', 'media_items.id'),
        _fk('spot_checks', 'checker_id', 'users.id'),
        _fk('spot_checks', 'follow_up_of', 'spot_checks.id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_checks')),
        sa.UniqueConstraint('follow_up_of', name=op.f('uq_spot_checks_follow_up_of')),
    )
    with op.batch_alter_table('spot_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_checks_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spot_checks_media_id'), ['media_id'], unique=False)
        batch_op.create_index('ix_spot_checks_ledger', ['agency_id', 'at'], unique=False)

    op.create_table(
        'supervision_scopes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=10), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('granted_by', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        _fk('supervision_scopes', 'user_id', 'users.id'),
        _fk('supervision_scopes', 'agency_id', 'agencies.id'),
        _fk('supervision_scopes', 'granted_by', 'users.id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_scopes')),
    )
    with op.batch_alter_table('supervision_scopes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_scopes_user_id'), ['user_id'], unique=False)
    _append_only_triggers()


def downgrade():
    for table in APPEND_ONLY:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    op.drop_table('supervision_scopes')
    op.drop_table('spot_checks')
