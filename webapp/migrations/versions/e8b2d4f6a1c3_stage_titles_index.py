"""the ready tasks' titles by agency: the case list's stage filter reads each title once off it (issue 15 point 5)

Revision ID: e8b2d4f6a1c3
Revises: d3a7c5e9f1b4
Create Date: 2026-11-30 18:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "e8b2d4f6a1c3"
down_revision = "d3a7c5e9f1b4"
branch_labels = None
depends_on = None

READY = sa.text("state = 'ready'")


def upgrade():
    op.create_index("ix_case_tasks_ready_title", "case_tasks", ["agency_id", "title"], unique=False,
                    postgresql_where=READY, sqlite_where=READY)


def downgrade():
    op.drop_index("ix_case_tasks_ready_title", table_name="case_tasks")
