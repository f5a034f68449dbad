"""case scores kept by a trigger on step_reviews: a completion writes its step's review, the database adds it to the
case's running totals in the same statement (issue 15 point 4: ≤ 8 SQL statements per completion)

Revision ID: 0d3f6a9b2c71
Revises: f4c6a8e0b2d5
Create Date: 2026-11-30 17:05:00
"""
from alembic import op

revision = "0d3f6a9b2c71"
down_revision = "f4c6a8e0b2d5"
branch_labels = None
depends_on = None

#: the totals after adding the step (``NEW``): what webapp.supervision.case_review wrote itself before
ADD = """INSERT INTO case_scores (agency_id, case_id, steps, checks, passed, score, updated_at)
VALUES (NEW.agency_id, NEW.case_id, 1, NEW.checks, NEW.passed,
        CASE WHEN NEW.checks > 0 THEN 100.0 * NEW.passed / NEW.checks ELSE 100.0 END, NEW.created_at)
ON CONFLICT (case_id) DO UPDATE SET steps = case_scores.steps + 1, checks = case_scores.checks + excluded.checks,
  passed = case_scores.passed + excluded.passed,
  score = CASE WHEN case_scores.checks + excluded.checks > 0
               THEN 100.0 * (case_scores.passed + excluded.passed) / (case_scores.checks + excluded.checks)
               ELSE 100.0 END,
  updated_at = excluded.updated_at"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE FUNCTION liuhen_score_step() RETURNS trigger AS $$\nBEGIN\n  {ADD};\n  RETURN NULL;\n"
                   "END $$ LANGUAGE plpgsql")
        op.execute("CREATE TRIGGER step_reviews_scored AFTER INSERT ON step_reviews "
                   "FOR EACH ROW EXECUTE FUNCTION liuhen_score_step()")
    else:
        op.execute(f"CREATE TRIGGER step_reviews_scored AFTER INSERT ON step_reviews BEGIN {ADD}; END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER step_reviews_scored ON step_reviews")
        op.execute("DROP FUNCTION liuhen_score_step()")
    else:
        op.execute("DROP TRIGGER step_reviews_scored")
