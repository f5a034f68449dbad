"""the open tasks' list order as an index: inbox, approvals and /api/tasks read their page from it (issue 15 point 5)

Revision ID: d3a7c5e9f1b4
Revises: b6d2e8f41c07
Create Date: 2026-11-30 17:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "d3a7c5e9f1b4"
down_revision = "b6d2e8f41c07"
branch_labels = None
depends_on = None

READY = sa.text("state = 'ready'")


def upgrade():
    op.create_index("ix_case_tasks_ready_order", "case_tasks",
                    ["agency_id", "role", sa.text("coalesce(due_at, '9999-01-01 00:00:00+00')"), "ready_at", "pk"],
                    unique=False, postgresql_where=READY, sqlite_where=READY)


def downgrade():
    op.drop_index("ix_case_tasks_ready_order", table_name="case_tasks")
