"""supervision and the inbox at 100,000 cases: indexes on open tasks (partial, ready only), cases by status
and procedure, recordings by late handover; running counts of cases and deadlines per status kept by
triggers (SQLite and PostgreSQL)

Revision ID: 9c1e5a7d3b20
Revises: 53d4c050e699
Create Date: 2026-11-23 21:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '9c1e5a7d3b20'
down_revision = '53d4c050e699'
branch_labels = None
depends_on = None

READY = sa.text("state = 'ready'")
#: (table, subject, procedure column or '' literal)
COUNTED = (("cases", "case", "process_id"), ("deadlines", "deadline", "''"))
UPSERT = ("INSERT INTO status_counts (agency_id, subject, process_id, status, n) VALUES ({a}, '{s}', {p}, {st}, {d}) "
          "ON CONFLICT (agency_id, subject, process_id, status) DO UPDATE SET n = status_counts.n + excluded.n")
PG_FUNCTION = """
CREATE FUNCTION liuhen_count_{subject}() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status THEN RETURN NULL; END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {minus}; END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN {plus}; END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql
"""


def _row(prefix: str, subject: str, proc: str, delta: int) -> str:
    return UPSERT.format(a=f"{prefix}.agency_id", s=subject, p=proc if proc == "''" else f"{prefix}.{proc}",
                         st=f"{prefix}.status", d=delta)


def _pg_counts() -> None:
    for table, subject, proc in COUNTED:
        op.execute(PG_FUNCTION.format(subject=subject, minus=_row("OLD", subject, proc, -1),
                                      plus=_row("NEW", subject, proc, 1)))
        op.execute(f"CREATE CONSTRAINT TRIGGER {table}_counted AFTER INSERT OR UPDATE OF status OR DELETE ON {table} "
                   f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION liuhen_count_{subject}()")


def _sqlite_counts() -> None:
    for table, subject, proc in COUNTED:
        op.execute(f"CREATE TRIGGER {table}_counted_insert AFTER INSERT ON {table} "
                   f"BEGIN {_row('NEW', subject, proc, 1)}; END")
        op.execute(f"CREATE TRIGGER {table}_counted_update AFTER UPDATE OF status ON {table} "
                   f"WHEN OLD.status IS NOT NEW.status "
                   f"BEGIN {_row('OLD', subject, proc, -1)}; {_row('NEW', subject, proc, 1)}; END")
        op.execute(f"CREATE TRIGGER {table}_counted_delete AFTER DELETE ON {table} "
                   f"BEGIN {_row('OLD', subject, proc, -1)}; END")


def upgrade():
    op.create_index('ix_case_tasks_ready_role', 'case_tasks', ['agency_id', 'role', 'due_at'], unique=False,
                    postgresql_where=READY, sqlite_where=READY)
    op.create_index('ix_case_tasks_ready_case', 'case_tasks', ['agency_id', 'case_id', 'spec_name'], unique=False,
                    postgresql_where=READY, sqlite_where=READY)
    op.create_index('ix_cases_agency_status', 'cases',
                    ['agency_id', 'status', 'process_id', 'diagram_version_id', 'id'], unique=False)
    op.create_index('ix_media_items_agency_late', 'media_items', ['agency_id', 'late', 'uploaded_at'], unique=False)
    op.create_table('status_counts',
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=20), nullable=False),
    sa.Column('process_id', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('n', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_status_counts_agency_id_agencies')),
    sa.PrimaryKeyConstraint('agency_id', 'subject', 'process_id', 'status', name=op.f('pk_status_counts'))
    )
    for table, subject, proc in COUNTED:
        group = "agency_id, status" if proc == "''" else f"agency_id, {proc}, status"
        op.execute(f"INSERT INTO status_counts (agency_id, subject, process_id, status, n) "
                   f"SELECT agency_id, '{subject}', {proc}, status, count(*) FROM {table} GROUP BY {group}")
    (_pg_counts if op.get_bind().dialect.name == "postgresql" else _sqlite_counts)()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table, subject, _ in COUNTED:
            op.execute(f"DROP TRIGGER {table}_counted ON {table}")
            op.execute(f"DROP FUNCTION liuhen_count_{subject}()")
    else:
        for table, _, _ in COUNTED:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_counted_{event}")
    op.drop_table('status_counts')
    op.drop_index('ix_media_items_agency_late', table_name='media_items')
    op.drop_index('ix_cases_agency_status', table_name='cases')
    op.drop_index('ix_case_tasks_ready_case', table_name='case_tasks')
    op.drop_index('ix_case_tasks_ready_role', table_name='case_tasks')
