"""audit entries by action and agency: the default verify finds quarantined strays, re-anchorings, its last
watermarks and the recordings' access entries without reading the whole log (issue 14 point 3)

A plain index (no table rebuild), so the append-only triggers of audit_entries stay as they are on SQLite and
PostgreSQL.

Revision ID: c3a91f0d7e14
Revises: 84997be5dc8d
Create Date: 2026-11-30 05:20:00

"""
from alembic import op


revision = 'c3a91f0d7e14'
down_revision = '84997be5dc8d'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_entries_action_agency", "audit_entries", ["action", "agency_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_entries_action_agency", table_name="audit_entries")
