"""render queue: documents a completed task calls for, rendered after the completion commits

Revision ID: f3a9d2c41b07
Revises: d0c5a11e7b42
Create Date: 2026-11-23 18:10:00
"""
from alembic import op
import sqlalchemy as sa

revision = "f3a9d2c41b07"
down_revision = "d0c5a11e7b42"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "render_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("task_title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_render_jobs_agency_id_agencies")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_render_jobs_case_id_cases")),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], name=op.f("fk_render_jobs_document_id_documents")),
        sa.ForeignKeyConstraint(["requested_by"], ["users.id"], name=op.f("fk_render_jobs_requested_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_render_jobs")),
    )
    with op.batch_alter_table("render_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_render_jobs_case_id"), ["case_id"], unique=False)


def downgrade():
    with op.batch_alter_table("render_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_render_jobs_case_id"))
    op.drop_table("render_jobs")
