"""merge the evidence log (issue 14) and access security (issue 16) branches

Revision ID: f28e9949e9a1
Revises: 6b1f0e2d9a51, e14a7c0d5b31
Create Date: 2026-11-29 23:40:42.377671

"""

# revision identifiers, used by Alembic.
revision = 'f28e9949e9a1'
down_revision = ('6b1f0e2d9a51', 'e14a7c0d5b31')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
