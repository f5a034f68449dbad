"""audio/video evidence: uploads, metadata, explanations, holds, requests, disposals, exports;
append-only triggers on the sealed tables (SQLite and PostgreSQL); stored_files.size BIGINT on PostgreSQL

Revision ID: a7c3e1f20b66
Revises: 585649306933
Create Date: 2026-11-24 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a7c3e1f20b66'
down_revision = '585649306933'
branch_labels = None
depends_on = None

APPEND_ONLY = ("media_items", "media_explanations", "media_holds", "file_disposals", "media_exports")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    ref_table = target.split(".")[0]
    return sa.ForeignKeyConstraint([column], [target], name=op.f(f"fk_{table}_{column}_{ref_table}"))


def _append_only_triggers() -> None:
    """Metadata, explanations, holds, disposals and exports cannot be changed in the database either."""
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION liuhen_append_only()")
    else:
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} 只能追加，不能修改或删除'); END")


def _wide_file_sizes() -> None:
    """Recordings pass 2 GiB: stored_files.size becomes BIGINT on PostgreSQL (SQLite's INTEGER is 64-bit already)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE stored_files ALTER COLUMN size TYPE BIGINT")


def upgrade():
    _wide_file_sizes()
    op.create_table(
        'media_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('media_kind', sa.String(length=10), nullable=False),
        sa.Column('file_name', sa.String(length=300), nullable=False),
        sa.Column('cause', sa.String(length=300), nullable=False),
        sa.Column('recorded_by', sa.String(length=100), nullable=False),
        sa.Column('officers', sa.JSON(), nullable=False),
        sa.Column('device_id', sa.String(length=100), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('place', sa.String(length=300), nullable=False),
        sa.Column('confidentiality', sa.String(length=20), nullable=False),
        sa.Column('protected_persons', sa.Boolean(), nullable=False),
        sa.Column('interruptions', sa.JSON(), nullable=False),
        sa.Column('incomplete', sa.Boolean(), nullable=False),
        sa.Column('remote_reason', sa.Text(), nullable=True),
        sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('handover_due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('handover_rule', sa.String(length=100), nullable=False),
        sa.Column('late', sa.Boolean(), nullable=False),
        sa.Column('retention_months', sa.Integer(), nullable=False),
        sa.Column('uploaded_by', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('row_hash', sa.String(length=64), nullable=False),
        _fk('media_items', 'agency_id', 'agencies.id'),
        _fk('media_items', 'case_id', 'cases.id'),
        _fk('media_items', 'sha256', 'stored_files.sha256'),
        _fk('media_items', 'uploaded_by', 'users.id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_media_items')),
    )
    with op.batch_alter_table('media_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_media_items_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_media_items_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_media_items_sha256'), ['sha256'], unique=False)

    op.create_table(
        'media_uploads',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('received', sa.BigInteger(), nullable=False),
        sa.Column('meta', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('media_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        _fk('media_uploads', 'agency_id', 'agencies.id'),
        _fk('media_uploads', 'case_id', 'cases.id'),
        _fk('media_uploads', 'user_id', 'users.id'),
        _fk('media_uploads', 'media_id', 'media_items.id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_media_uploads')),
    )
    with op.batch_alter_table('media_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_media_uploads_agency_id'), ['agency_id'], unique=False)

    op.create_table(
        'media_explanations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('media_id', sa.Integer(), nullable=False),
        sa.Column('form', sa.String(length=10), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('voice_sha256', sa.String(length=64), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('row_hash', sa.String(length=64), nullable=False),
        _fk('media_explanations', 'agency_id', 'agencies.id'),
        _fk('media_explanations', 'case_id', 'cases.id'),
        _fk('media_explanations', 'media_id', 'media_items.id'),
        _fk('media_explanations', 'voice_sha256', 'stored_files.sha256'),
        _fk('media_explanations', 'author_id', 'users.id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_media_explanations')),
    )
    with op.batch_alter_table('media_explanations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_media_explanations_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_media_explanations_media_id'), ['media_id'], unique=False)

    op.create_table(
        'media_holds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('media_id', sa.Integer(), nullable=True),
        sa.Column('trigger', sa.String(length=20), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('row_hash', sa.String(length=64), nullable=False),
        _fk('media_holds', 'agency_id', 'agencies.id'),
        _fk('media_holds', 'case_id', 'cases.id'),
        _fk('media_holds', 'media_id', 'media_items.id'),
        _fk('media_holds', 'author_id', 'users.id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_media_holds')),
    )
    with op.batch_alter_table('media_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_media_holds_case_id'), ['case_id'], unique=False)

    op.create_table(
        'media_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('media_ids', sa.JSON(), nullable=False),
        sa.Column('department', sa.String(length=200), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('requested_by', sa.Integer(), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=True),
        _fk('media_requests', 'agency_id', 'agencies.id'),
        _fk('media_requests', 'case_id', 'cases.id'),
        _fk('media_requests', 'requested_by', 'users.id'),
        _fk('media_requests', 'decided_by', 'users.id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_media_requests')),
    )
    with op.batch_alter_table('media_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_media_requests_agency_id'), ['agency_id'], unique=False)

    op.create_table(
        'file_disposals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('requested_by', sa.Integer(), nullable=False),
        sa.Column('approved_by', sa.Integer(), nullable=False),
        sa.Column('retention_until', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('disposed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('row_hash', sa.String(length=64), nullable=False),
        _fk('file_disposals', 'agency_id', 'agencies.id'),
        _fk('file_disposals', 'sha256', 'stored_files.sha256'),
        _fk('file_disposals', 'request_id', 'media_requests.id'),
        _fk('file_disposals', 'requested_by', 'users.id'),
        _fk('file_disposals', 'approved_by', 'users.id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_file_disposals')),
        sa.UniqueConstraint('sha256', name=op.f('uq_file_disposals_sha256')),
    )

    op.create_table(
        'media_exports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('department', sa.String(length=200), nullable=True),
        sa.Column('request_id', sa.Integer(), nullable=True),
        sa.Column('extractor', sa.String(length=200), nullable=False),
        sa.Column('producer_id', sa.Integer(), nullable=False),
        sa.Column('media_ids', sa.JSON(), nullable=False),
        sa.Column('package_sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('manifest', sa.JSON(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('row_hash', sa.String(length=64), nullable=False),
        _fk('media_exports', 'agency_id', 'agencies.id'),
        _fk('media_exports', 'case_id', 'cases.id'),
        _fk('media_exports', 'request_id', 'media_requests.id'),
        _fk('media_exports', 'producer_id', 'users.id'),
        _fk('media_exports', 'package_sha256', 'stored_files.sha256'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_media_exports')),
    )
    with op.batch_alter_table('media_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_media_exports_case_id'), ['case_id'], unique=False)

    _append_only_triggers()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    else:
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE stored_files ALTER COLUMN size TYPE INTEGER")
    for table in ("media_exports", "file_disposals", "media_requests", "media_holds", "media_explanations",
                  "media_uploads", "media_items"):
        op.drop_table(table)
