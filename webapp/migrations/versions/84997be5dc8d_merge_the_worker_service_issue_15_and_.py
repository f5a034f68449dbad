"""merge the worker service (issue 15) and the users' certificate validity, e-mail and notifications (issue 18)

Revision ID: 84997be5dc8d
Revises: a7c18e52d4f0, a7e3c9150b42
Create Date: 2026-11-30 02:53:47.987258

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '84997be5dc8d'
down_revision = ('a7c18e52d4f0', 'a7e3c9150b42')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
