"""worker service: render job claims and back-off, scheduled jobs, worker heartbeats

Revision ID: a7e3c9150b42
Revises: f28e9949e9a1
Create Date: 2026-11-30 02:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = "a7e3c9150b42"
down_revision = "f28e9949e9a1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("render_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("not_before", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_render_jobs_pending", "render_jobs", ["id"], unique=False,
                    postgresql_where=sa.text("document_id IS NULL"), sqlite_where=sa.text("document_id IS NULL"))
    op.create_table(
        "scheduled_jobs",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("summary", sa.String(length=1000), nullable=True),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("worker", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduled_jobs")),
    )
    op.create_table(
        "worker_heartbeats",
        sa.Column("worker", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("doing", sa.String(length=200), nullable=True),
        sa.Column("jobs_done", sa.Integer(), nullable=False),
        sa.Column("jobs_failed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("worker", name=op.f("pk_worker_heartbeats")),
    )
    op.create_index(op.f("ix_worker_heartbeats_beat_at"), "worker_heartbeats", ["beat_at"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_worker_heartbeats_beat_at"), table_name="worker_heartbeats")
    op.drop_table("worker_heartbeats")
    op.drop_table("scheduled_jobs")
    op.drop_index("ix_render_jobs_pending", table_name="render_jobs")
    with op.batch_alter_table("render_jobs", schema=None) as batch_op:
        batch_op.drop_column("not_before")
        batch_op.drop_column("claimed_by")
