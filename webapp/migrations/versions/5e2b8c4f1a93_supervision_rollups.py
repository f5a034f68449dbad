"""supervision roll-ups: the figures that read an agency's whole history, refreshed by the worker and shown with
their time, so the supervision pages cost the same however many cases there are (issue 15 point 5)

Revision ID: 5e2b8c4f1a93
Revises: c3a91f0d7e14
Create Date: 2026-11-30 08:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '5e2b8c4f1a93'
down_revision = 'c3a91f0d7e14'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'supervision_rollups',
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('window', sa.String(length=80), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.Column('watermark', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('as_of', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_supervision_rollups_agency_id_agencies')),
        sa.PrimaryKeyConstraint('agency_id', 'window', name=op.f('pk_supervision_rollups')),
    )


def downgrade() -> None:
    op.drop_table('supervision_rollups')
