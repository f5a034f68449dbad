"""documents: 文号 counters and sealed 文书 (append-only, SQLite and PostgreSQL)

Revision ID: d0c5a11e7b42
Revises: 585649306933
Create Date: 2026-11-24 11:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd0c5a11e7b42'
down_revision = '585649306933'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'document_counters',
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('series', sa.String(length=20), nullable=False),
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_document_counters_agency_id_agencies')),
        sa.PrimaryKeyConstraint('agency_id', 'series', 'year', name=op.f('pk_document_counters')),
    )
    op.create_table(
        'documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=True),
        sa.Column('kind', sa.String(length=50), nullable=False),
        sa.Column('title', sa.String(length=100), nullable=False),
        sa.Column('number', sa.String(length=100), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('supersedes_id', sa.Integer(), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sources', sa.JSON(), nullable=False),
        sa.Column('made_by', sa.Integer(), nullable=True),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_documents_agency_id_agencies')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_documents_case_id_cases')),
        sa.ForeignKeyConstraint(['made_by'], ['users.id'], name=op.f('fk_documents_made_by_users')),
        sa.ForeignKeyConstraint(['sha256'], ['stored_files.sha256'], name=op.f('fk_documents_sha256_stored_files')),
        sa.ForeignKeyConstraint(['supersedes_id'], ['documents.id'], name=op.f('fk_documents_supersedes_id_documents')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
        sa.UniqueConstraint('agency_id', 'number', 'version', name=op.f('uq_documents_agency_id')),
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_case_id'), ['case_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TRIGGER documents_append_only BEFORE UPDATE OR DELETE ON documents "
                   "FOR EACH ROW EXECUTE FUNCTION liuhen_append_only()")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER documents_no_{event.lower()} BEFORE {event} ON documents "
                       f"BEGIN SELECT RAISE(ABORT, 'documents 只能追加，不能修改或删除'); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS documents_append_only ON documents")
    else:
        op.execute("DROP TRIGGER IF EXISTS documents_no_update")
        op.execute("DROP TRIGGER IF EXISTS documents_no_delete")
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_case_id'))
    op.drop_table('documents')
    op.drop_table('document_counters')
