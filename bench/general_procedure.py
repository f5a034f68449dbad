"""Benchmark: complete general-procedure cases through the service layer, beside the bare engine step.

Prints, per database: median and p95 ms per task completion (gate + engine step + persist + audit) and per
whole task (its records submitted, then the completion), cases per second, the median bare SpiffWorkflow step
for the same tasks with the state-only round-trip the runner uses (run, do_engine_steps, state to JSON and
back, spec from memory) and the ratios against it; the stock serializer's step (spec included) for reference;
the processor time of a completion in this process beside the bare step's (a busy machine disturbs it less).
Each service call stands for a request of the JSON API: the user is loaded before it is timed, as signing in
loads it, and it shares no restored workflow with the call before (``webapp.loadgen.walker``).
Targets: issue 15 — completion and whole task ≤ 3× the bare step with state round-trip on both databases;
issue 2 — median < 15 ms on SQLite, < 20 ms on PostgreSQL.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

from handlers.catalogue import CATALOGUE  # noqa: E402
from handlers.clock import FixedClock  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.accounts import create_agency, create_user  # noqa: E402
from webapp.db import db  # noqa: E402
from webapp.demo import DEMO_USERS  # noqa: E402
from webapp.engine import runner
from webapp.engine.deployment import deploy_base  # noqa: E402
from webapp.engine.diagrams import PROCEDURES  # noqa: E402
from webapp.loadgen import flows  # noqa: E402
from webapp.loadgen.walker import ServiceWalker  # noqa: E402
from webapp.models import DiagramVersion  # noqa: E402

FULL = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))  # the stock serializer, spec included


def walk(w: Any) -> None:
    cid = flows.file_case(w)
    flows.investigate(w, cid)
    flows.report_to_statement(w, cid)
    flows.decide_and_close(w, cid)


def service_run(url: str, n: int, files: str) -> tuple[list[float], list[float], list[float], float,
                                                       list[tuple[str, dict]]]:
    # Documents are queued by the completion and rendered after it commits; bench/documents.py times rendering.
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LIUHEN_FILE_STORE": files, "SECRET_KEY": "bench",
                      "LIUHEN_CLOCK": FixedClock(), "LIUHEN_RENDER_INLINE": False})
    timings: list[float] = []
    whole: list[float] = []
    cpu: list[float] = []
    steps: list[tuple[str, dict]] = []
    with app.app_context():
        upgrade(revision="heads")
        agency = create_agency(f"bench-{uuid.uuid4().hex[:6]}", "基准测试执法队", PROCEDURES)
        users = {u: create_user(agency, f"{u}-{agency.id}-{uuid.uuid4().hex[:4]}", name, roles, "pw")
                 for u, name, roles in DEMO_USERS}
        deploy_base(agency, PROCEDURES)
        db.session.commit()
        first = []
        w = ServiceWalker(users, lambda name, s, rec: (timings.append(s), whole.append(w.records_seconds + s),
                                                      cpu.append(w.cpu_seconds), first.append((name, rec))))
        walk(w)  # warm-up: caches, first queries
        steps = list(first)
        timings.clear()
        whole.clear()
        cpu.clear()
        started = time.perf_counter()
        for _ in range(n):
            walk(w)
        elapsed = time.perf_counter() - started
        version = db.session.scalar(sa.select(DiagramVersion).where(DiagramVersion.process_id == "general_procedure")
                                    .order_by(DiagramVersion.id.desc()))
        spec_len = len(version.spec)
        db.engine.dispose()
    print(f"  stored spec per diagram version: {spec_len / 1024:.1f} KB (once, not per case)")
    return timings, whole, cpu, n / elapsed, steps


def bare_steps(steps: list[tuple[str, dict]], n: int) -> dict[str, list[float]]:
    """The same task sequence on a bare BpmnWorkflow, with a JSON round-trip after each step.

    ``full``: the stock serializer, spec included (the issue's reference).  ``state``: the
    instance state only, spec restored from memory — what the runner does, minus the database.
    """
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

    from handlers.diagrams import parse

    root = Path(__file__).resolve().parent.parent / "workflows" / "base"
    spec, subs = parse({p.name: p.read_bytes() for p in root.glob("*.bpmn")}, "general_procedure")

    def full(wf: BpmnWorkflow) -> BpmnWorkflow:
        return FULL.deserialize_json(FULL.serialize_json(wf))

    def state(wf: BpmnWorkflow) -> BpmnWorkflow:
        return runner.restore(runner.dump(wf), spec, subs)

    out: dict[str, list[float]] = {"full": [], "state": [], "state_cpu": []}
    for label, round_trip in (("full", full), ("state", state)):
        for _ in range(n):
            wf = BpmnWorkflow(spec, subs, script_engine=runner.ENGINE)
            for t in wf.get_tasks(state=TaskState.READY):
                t.data.update({"emergency": False})
            wf.do_engine_steps()
            for name, records in steps:
                started, cpu = time.perf_counter(), time.process_time()
                task = next(t for t in wf.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.name == name)
                task.set_data(**{k: CATALOGUE[k].exported(v) for k, v in records.items() if CATALOGUE[k].exports})
                task.run()
                wf.do_engine_steps()
                wf = round_trip(wf)
                wf.script_engine = runner.ENGINE
                out[label].append(time.perf_counter() - started)
                if label == "state":
                    out["state_cpu"].append(time.process_time() - cpu)
    return out


def pg_schema_url(url: str) -> tuple[str, Any]:
    schema = f"liuhen_bench_{os.getpid()}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()

    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}", drop


def report(label: str, timings: list[float], whole: list[float], cpu: list[float], cps: float,
           bare: dict[str, list[float]], target: float) -> None:
    med = statistics.median(timings) * 1000
    p95 = statistics.quantiles(timings, n=20)[-1] * 1000
    whole_med = statistics.median(whole) * 1000
    whole_p95 = statistics.quantiles(whole, n=20)[-1] * 1000
    bare_med = statistics.median(bare["full"]) * 1000
    state_med = statistics.median(bare["state"]) * 1000
    print(f"{label}: {len(timings)} task completions")
    print(f"  bare SpiffWorkflow step with the state round-trip the runner uses (run + do_engine_steps + state to JSON "
          f"and back): median {state_med:.2f} ms")
    print(f"  task completion (gate + engine + persist + audit): median {med:.2f} ms, p95 {p95:.2f} ms "
          f"(target median < {target:.0f} ms); ratio to the bare step {med / state_med:.2f}x (target ≤ 3x)")
    print(f"  whole task (records submitted + completion): median {whole_med:.2f} ms, p95 {whole_p95:.2f} ms; "
          f"ratio to the bare step {whole_med / state_med:.2f}x")
    cpu_med, bare_cpu = statistics.median(cpu) * 1000, statistics.median(bare["state_cpu"]) * 1000
    print(f"  processor time of a completion in this process (Python{' and SQLite' if label == 'SQLite' else ''}; "
          f"less disturbed by a busy machine): median {cpu_med:.2f} ms, ratio to the bare step's {bare_cpu:.2f} ms "
          f"{cpu_med / bare_cpu:.2f}x")
    print(f"  cases per second: {cps:.2f}")
    print(f"  for reference, the bare step with the stock serializer (spec included): median {bare_med:.2f} ms; "
          f"ratio service / that {med / bare_med:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="PostgreSQL URL ('' to skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        timings, whole, cpu, cps, steps = service_run(f"sqlite:///{tmp}/bench.sqlite", args.cases, f"{tmp}/files")
        bare = bare_steps(steps, args.cases)
        report("SQLite", timings, whole, cpu, cps, bare, 15)
        if args.pg:
            url, drop = pg_schema_url(args.pg)
            try:
                timings, whole, cpu, cps, _ = service_run(url, args.cases, f"{tmp}/files-pg")
            finally:
                drop()
            report("PostgreSQL", timings, whole, cpu, cps, bare, 20)


if __name__ == "__main__":
    main()
