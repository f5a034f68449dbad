"""users: the validity of the 执法证 (badge_valid_until) and an e-mail address; notification_deliveries

An officer whose certificate has expired may not be named as one of the two officers of an act
(行政处罚法 第四十二条); the roster the task forms offer and the record check read badge_valid_until.
Notifications (new task, approval waiting, period about to end, overdue) go out by e-mail once each:
notification_deliveries keeps what was sent (append-only).

Revision ID: a7c18e52d4f0
Revises: f28e9949e9a1
Create Date: 2026-11-30 01:55:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a7c18e52d4f0'
down_revision = 'f28e9949e9a1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('badge_valid_until', sa.Date(), nullable=True))
        batch.add_column(sa.Column('email', sa.String(length=200), nullable=True))
    op.create_table(
        'notification_deliveries',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('user_id', 'key', 'channel'),
    )
    op.create_index('ix_notification_deliveries_user_id', 'notification_deliveries', ['user_id'])


def downgrade():
    op.drop_index('ix_notification_deliveries_user_id', 'notification_deliveries')
    op.drop_table('notification_deliveries')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('email')
        batch.drop_column('badge_valid_until')
