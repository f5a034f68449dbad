"""outbox jobs: acts a request asks for and the worker performs (电子送达), stored with the request's record

Revision ID: b6d2e8f41c07
Revises: 5e2b8c4f1a93
Create Date: 2026-11-30 11:10:00
"""
from alembic import op
import sqlalchemy as sa

revision = "b6d2e8f41c07"
down_revision = "5e2b8c4f1a93"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_outbox_jobs_agency_id_agencies")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_outbox_jobs_case_id_cases")),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], name=op.f("fk_outbox_jobs_record_id_records")),
        sa.ForeignKeyConstraint(["outcome_id"], ["records.id"], name=op.f("fk_outbox_jobs_outcome_id_records")),
        sa.ForeignKeyConstraint(["requested_by"], ["users.id"], name=op.f("fk_outbox_jobs_requested_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_jobs")),
    )
    op.create_index(op.f("ix_outbox_jobs_case_id"), "outbox_jobs", ["case_id"], unique=False)
    op.create_index("ix_outbox_jobs_open", "outbox_jobs", ["id"], unique=False,
                    postgresql_where=sa.text("done_at IS NULL"), sqlite_where=sa.text("done_at IS NULL"))


def downgrade():
    op.drop_index("ix_outbox_jobs_open", table_name="outbox_jobs")
    op.drop_index(op.f("ix_outbox_jobs_case_id"), table_name="outbox_jobs")
    op.drop_table("outbox_jobs")
