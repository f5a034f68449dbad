"""merge supervision branches (case reviews, spot checks, scale indexes)

Revision ID: 17cf7530a75d
Revises: 9c1e5a7d3b20, b8e2f4a6c913, d455ee1cbee8
Create Date: 2026-11-23 20:46:03.579075

"""

# revision identifiers, used by Alembic.
revision = '17cf7530a75d'
down_revision = ('9c1e5a7d3b20', 'b8e2f4a6c913', 'd455ee1cbee8')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
