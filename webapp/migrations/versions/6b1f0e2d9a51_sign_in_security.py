"""sign-in security: lockout and password state on users, 执法证号 for single sign-on; per-device sessions and API tokens (user_sessions)

Revision ID: 6b1f0e2d9a51
Revises: 17cf7530a75d
Create Date: 2026-11-29 22:25:00

"""
import sqlalchemy as sa
from alembic import op


revision = '6b1f0e2d9a51'
down_revision = '17cf7530a75d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('badge_no', sa.String(length=40), nullable=True))
        batch.create_unique_constraint('uq_users_badge_no', ['badge_no'])
        batch.drop_constraint('uq_users_api_token_hash', type_='unique')
        batch.drop_column('api_token_hash')
    op.create_table(
        'user_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('device', sa.String(length=100), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_reason', sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_user_sessions_secret_hash')),
    )
    op.create_index(op.f('ix_user_sessions_user_id'), 'user_sessions', ['user_id'])


def downgrade():
    op.drop_index(op.f('ix_user_sessions_user_id'), table_name='user_sessions')
    op.drop_table('user_sessions')
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('api_token_hash', sa.String(length=64), nullable=True))
        batch.create_unique_constraint('uq_users_api_token_hash', ['api_token_hash'])
        batch.drop_constraint('uq_users_badge_no', type_='unique')
        batch.drop_column('badge_no')
        batch.drop_column('must_change_password')
        batch.drop_column('password_changed_at')
        batch.drop_column('locked_until')
        batch.drop_column('failed_logins')
