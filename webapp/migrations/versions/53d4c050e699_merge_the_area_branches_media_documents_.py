"""merge the area branches (media, documents, render queue, deadlines, timers)

Revision ID: 53d4c050e699
Revises: a7c3e1f20b66, c4d81e2a9f07, e5b7a9c3d210, f3a9d2c41b07
Create Date: 2026-11-23 18:51:14.242974

"""


# revision identifiers, used by Alembic.
revision = '53d4c050e699'
down_revision = ('a7c3e1f20b66', 'c4d81e2a9f07', 'e5b7a9c3d210', 'f3a9d2c41b07')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
