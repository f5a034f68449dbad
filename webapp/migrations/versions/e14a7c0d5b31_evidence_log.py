"""evidence log: one record version per (task, kind, version); the Merkle frontier of each audit chain; entry MACs

Revision ID: e14a7c0d5b31
Revises: 17cf7530a75d
Create Date: 2026-11-29 22:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = "e14a7c0d5b31"
down_revision = "17cf7530a75d"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    twice = bind.execute(sa.text(
        "SELECT task_id, kind, version, COUNT(*) FROM records GROUP BY task_id, kind, version HAVING COUNT(*) > 1"
    )).all()
    if twice:
        listed = "；".join(f"任务 {t} 的 {k} 第 {v} 版 {n} 条" for t, k, v, n in twice[:20])
        raise RuntimeError(f"records 中有重复的版本号，不能建立唯一约束（记录只能追加，不能删除）：{listed}。"
                           "请先备份，再按 README 中“审计链的恢复”一节处理后升级。")
    # an index, not a constraint: on SQLite a new constraint would rebuild the table and drop its append-only triggers
    op.create_index("uq_records_task_kind_version", "records", ["task_id", "kind", "version"], unique=True)
    op.add_column("audit_heads", sa.Column("frontier", sa.JSON(), nullable=True))
    op.add_column("audit_entries", sa.Column("mac", sa.String(length=100), nullable=True))


def downgrade():
    op.drop_column("audit_entries", "mac")
    op.drop_column("audit_heads", "frontier")
    op.drop_index("uq_records_task_kind_version", table_name="records")
