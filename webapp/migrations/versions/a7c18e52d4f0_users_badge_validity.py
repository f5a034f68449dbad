"""users: the validity of the 执法证 (badge_valid_until), beside its number (badge_no)

An officer whose certificate has expired may not be named as one of the two officers of an act
(行政处罚法 第四十二条); the roster the task forms offer and the record check read this date.

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


def downgrade():
    with op.batch_alter_table('users') as batch:
        batch.drop_column('badge_valid_until')
