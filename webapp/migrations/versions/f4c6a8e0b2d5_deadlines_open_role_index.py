"""a role's open periods in due order: the overdue lists' own page reads off it, not every overdue period of the
agency (issue 15 point 5)

Revision ID: f4c6a8e0b2d5
Revises: e8b2d4f6a1c3
Create Date: 2026-11-30 18:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = "f4c6a8e0b2d5"
down_revision = "e8b2d4f6a1c3"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade():
    op.create_index("ix_deadlines_open_role", "deadlines", ["agency_id", "role", "due_at", "id"], unique=False,
                    postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade():
    op.drop_index("ix_deadlines_open_role", table_name="deadlines")
