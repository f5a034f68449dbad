"""Benchmark: the evidence log at 30,000 cases (issue 14) — incremental and full ``verify``, and what checkpoints cost.

Builds — or with ``--reuse`` reuses — the demo agency filled by ``flask liuhen generate-cases`` in a SQLite file
under /tmp/bench14/ (or, with ``--pg``, in schema ``bench14`` of that PostgreSQL database; ``--name`` another name
for both, to keep a second size beside it).  Each measurement
that reports memory runs in a fresh child process (its peak RSS is then the measurement's own).  Prints:

- full ``flask liuhen verify --full`` (chains recomputed, every sealed table both ways, files, leaks): seconds and
  peak RSS; and the chain part alone;
- after a checkpoint, 1,000 new audit entries and ``--new-cases`` new cases (real rows to check above the sealed
  tables' watermarks): the incremental chain verify, and the default ``verify`` (chains from the checkpoint,
  sealed tables from the watermarks the ``--full`` run left, files, leak analysis);
- the cost of the log per append (MAC, frontier, stray check) and of one append-time checkpoint (consistency
  proof, Ed25519 signature, write-once file; appends with and without one interleaved), and so the average cost
  checkpoints add to a completion.

Targets: incremental verify after 1,000 entries ≤ 2 s; full verify memory flat, under 200 MiB; ≤ 0.5 ms per
completion averaged.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from handlers.audit_actions import Action  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.db import db  # noqa: E402
from webapp.demo import DEMO_AGENCY, seed_demo  # noqa: E402
from webapp.loadgen.generator import generate  # noqa: E402
from webapp.models import Agency, AuditEntry, AuditHead, Case  # noqa: E402
from webapp.store import audit, checkpoints  # noqa: E402
from webapp.supervision.accountability import verify_and_record  # noqa: E402


def url(args: argparse.Namespace) -> str:
    if args.pg:
        return f"{args.pg}{'&' if '?' in args.pg else '?'}options=-csearch_path%3D{args.name}"
    return f"sqlite:///{Path('/tmp') / args.name / 'liuhen.sqlite'}"


def make_app(args: argparse.Namespace, **extra: object) -> Flask:
    root = Path("/tmp") / args.name
    root.mkdir(parents=True, exist_ok=True)
    if args.pg:
        with sa.create_engine(args.pg).begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{args.name}"'))
    os.environ["LIUHEN_INSTANCE"] = str(root)
    engine = "pg" if args.pg else "sqlite"
    return create_app({"SQLALCHEMY_DATABASE_URI": url(args), "SECRET_KEY": "bench", "LIUHEN_RENDER_AT_START": False,
                       "LIUHEN_FILE_STORE": str(root / f"files-{engine}"), **extra})


def agency_id() -> int:
    return int(db.session.scalar(sa.select(Agency.id).where(Agency.code == DEMO_AGENCY[0])) or 0)


def build(args: argparse.Namespace) -> None:
    app = make_app(args)
    with app.app_context():
        upgrade(revision="heads")
        aid = agency_id()
        have = db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(Case.agency_id == aid)) if aid else 0
        if args.reuse and have >= args.cases:
            print(f"数据库：已有 {have} 件（复用）")
            return
        seed_demo()
        summary = generate(DEMO_AGENCY[0], args.cases, seed=1, echo=lambda line: print(f"  {line}"))
        print(f"数据库：生成 {summary.cases} 件，用时 {summary.seconds:.0f} 秒")


def peak_mib() -> float:
    """This process's peak RSS (VmHWM: ``ru_maxrss`` would carry the parent's peak across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args: argparse.Namespace, phase: str) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--phase", phase, "--name", args.name, *(["--pg", args.pg] if args.pg else [])]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def phase(args: argparse.Namespace) -> dict[str, float]:
    app = make_app(args)
    with app.app_context():
        aid = agency_id()
        head = db.session.get(AuditHead, aid)
        base = peak_mib()
        started = time.perf_counter()
        if args.phase == "chain-full":
            res = audit.verify_chain(aid, head.seq, head.hash, full=True)
            return {"s": time.perf_counter() - started, "peak": peak_mib(), "base": base, "read": res.entries_read,
                    "breaks": len(res.breaks)}
        if args.phase == "chain-incremental":
            res = audit.verify_chain(aid, head.seq, head.hash)
            return {"s": time.perf_counter() - started, "peak": peak_mib(), "base": base, "read": res.entries_read,
                    "breaks": len(res.breaks)}
        run = verify_and_record(full=args.phase == "verify-full")
        db.session.commit()
        return {"s": time.perf_counter() - started, "peak": peak_mib(), "base": base, "findings": len(run.findings),
                "rows": sum(c.rows_read for c in run.tables), "tables_full": sum(1 for c in run.tables if c.full),
                "read": sum(r.entries_read for r in run.chains)}


def append_entries(args: argparse.Namespace, n: int, every: int) -> float:
    """Append ``n`` entries (one per transaction, as completions do); seconds per append."""
    app = make_app(args, LIUHEN_CHECKPOINT_EVERY=every, LIUHEN_CHECKPOINT_MINUTES=10**9)
    with app.app_context():
        aid = agency_id()
        started = time.perf_counter()
        for i in range(n):
            audit.append(aid, Action.INTEGRITY_CHECKED, detail={"bench": i})
            db.session.commit()
        return (time.perf_counter() - started) / n


def checkpoint_cost(args: argparse.Namespace, rounds: int = 10, block: int = 20) -> tuple[float, float]:
    """Seconds per append without a checkpoint and with one at every append: blocks of each interleaved, medians of
    the blocks (on a shared machine the load changes by the minute; two runs one after the other differ more than
    a checkpoint costs)."""
    app = make_app(args, LIUHEN_CHECKPOINT_MINUTES=10**9)
    times: dict[int, list[float]] = {10**9: [], 1: []}
    with app.app_context():
        aid = agency_id()
        for _ in range(rounds):
            for every, spent in times.items():
                app.config["LIUHEN_CHECKPOINT_EVERY"] = every
                started = time.perf_counter()
                for i in range(block):
                    audit.append(aid, Action.INTEGRITY_CHECKED, detail={"bench": i})
                    db.session.commit()
                spent.append((time.perf_counter() - started) / block)
    return statistics.median(times[10**9]), statistics.median(times[1])


def grow(args: argparse.Namespace, cases: int) -> tuple[int, float]:
    """New cases through the real service and the copier (records, 文书, their sealing entries): new audit entries."""
    app = make_app(args)
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) or 0
        started = time.perf_counter()
        generate(DEMO_AGENCY[0], cases, seed=2, echo=lambda line: None)
        db.session.commit()
        seconds = time.perf_counter() - started
        return (db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) or 0) - before, seconds


def anchor(args: argparse.Namespace) -> int:
    app = make_app(args)
    with app.app_context():
        aid = agency_id()
        head = db.session.get(AuditHead, aid)
        res = audit.verify_chain(aid, head.seq, head.hash)
        checkpoints.checkpoint_now(aid, res.size, res.head, res.frontier)
        return res.size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=30_000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--skip-full", action="store_true",
                        help="with --reuse: skip the full runs (the watermarks of an earlier run's verify stay)")
    parser.add_argument("--new-cases", type=int, default=30, help="cases added after the checkpoint (default 30)")
    parser.add_argument("--pg", default="", help="PostgreSQL URL (schema bench14); default SQLite in /tmp/bench14")
    parser.add_argument("--name", default="bench14", help="the schema and the /tmp directory (default bench14)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args)))
        return
    build(args)
    if not args.skip_full:
        full = child(args, "verify-full")
        chain = child(args, "chain-full")
        print(f"verify --full：{full['s']:.1f} 秒，峰值内存 {full['peak']:.0f} MiB（启动后 {full['base']:.0f} MiB），"
              f"审计链 {full['read']:.0f} 条、封存表 {full['rows']:.0f} 行，发现 {full['findings']:.0f} 项")
        print(f"  其中审计链全量重算：{chain['s']:.1f} 秒，{chain['read']:.0f} 条，峰值内存 {chain['peak']:.0f} MiB")
    size = anchor(args)
    per_append = append_entries(args, 1000, every=10**9)
    new, _ = grow(args, args.new_cases)
    incr = child(args, "chain-incremental")
    default = child(args, "verify")
    print(f"检查点（{size} 条）之后追加 1000 条、再办理 {args.new_cases} 件新案件（又 {new} 条及其记录、文书）：")
    print(f"  增量校验审计链 {incr['s']:.2f} 秒（读 {incr['read']:.0f} 条）；缺省 verify（审计链、各封存表自水位起、"
          f"文件、泄露分析）{default['s']:.2f} 秒，峰值内存 {default['peak']:.0f} MiB，"
          f"核对封存表 {default['rows']:.0f} 行（逐行核对的表 {default['tables_full']:.0f} 张），发现 {default['findings']:.0f} 项")
    plain, with_cp = checkpoint_cost(args)
    cost = with_cp - plain
    per_completion = 3 * (cost / 1000)  # a completion appends about three entries; one checkpoint per 1000 entries
    print(f"每次追加：{per_append * 1000:.2f} 毫秒（含认证码、默克尔紧凑范围、异常条目检查）；"
          f"交替 10 轮、每轮各 20 次的中位数：不签 {plain * 1000:.2f} 毫秒、每次都签检查点 {with_cp * 1000:.2f} 毫秒，"
          f"每个检查点另加 {cost * 1000:.2f} 毫秒（一致性证明、Ed25519 签名、一次写入）；"
          f"按每 1000 条一个检查点、每次办结约 3 条计，平均每次办结 {per_completion * 1000:.4f} 毫秒")


if __name__ == "__main__":
    main()
