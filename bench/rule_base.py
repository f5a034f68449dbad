"""The rule base's cost at the gate: per completion, with and without the agency's law, interleaved.

For every user task of the shipped general procedure (and its called procedures) with its sample records,
times the gate as it ran before the rule base (``gate.missing`` on the diagram's properties) and as it runs
now (the agency's settings read from its stored profile, the rules that govern the task's act, the gate with
them, and every refusal cited by real title), in alternating rounds on the same inputs.  Pure: no database,
so the figure is the added CPU per completion, not the I/O of reading a fact (one indexed SELECT, only for
tasks under a ``not_before`` rule).

    .venv/bin/python bench/rule_base.py [--rounds 200] [--profile fushun-culture]
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project's documents/, not bench/documents.py

from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask  # noqa: E402

from handlers import gate, profiles  # noqa: E402
from handlers.diagrams import parse  # noqa: E402
from handlers.settings import Settings  # noqa: E402
from handlers.task_rules import rules_of  # noqa: E402
from handlers.workcalendar import national  # noqa: E402
from webapp.loadgen.payloads import PAYLOADS, payload  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def tasks() -> list[tuple[str, object]]:
    files = {p.name: p.read_bytes() for p in (ROOT / "workflows" / "base").glob("*.bpmn")}
    spec, subs = parse(files, "general_procedure")
    return [(name, ts) for s in (spec, *subs.values()) for name, ts in s.task_specs.items() if isinstance(ts, UserTask)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--profile", default="fushun-culture")
    args = ap.parse_args()
    snapshot = profiles.load(args.profile).agency_profile(national())
    work = []
    for name, ts in tasks():
        rules = rules_of(ts)
        records = {k: [payload(k)] for k in rules.records if k in PAYLOADS}
        work.append((name, rules, records))
    exists = lambda _: True  # noqa: E731 - the store lookup is the same before and after
    timing = gate.Timing({}, dt.datetime.now(dt.UTC), national())

    def before() -> None:
        for _, rules, records in work:
            gate.missing(rules, records, exists)

    def after() -> None:
        for name, rules, records in work:
            settings = Settings.of(snapshot)
            law = gate.applying(settings.law(), name, rules)
            found = gate.missing(rules, records, exists, gate.AvFacts(), law, timing)
            citer = settings.citer()
            [citer.all(m.basis) for m in found]

    before(), after()  # warm caches (rule files, catalogue schemas)
    b, a = [], []
    for _ in range(args.rounds):
        for fn, out in ((before, b), (after, a)):
            t = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t) * 1000 / len(work))
    mb, ma = statistics.median(b), statistics.median(a)
    print(f"profile {args.profile}: {len(work)} user tasks, {args.rounds} interleaved rounds")
    print(f"gate per completion, before the rule base: median {mb:.3f} ms")
    print(f"gate per completion, with the agency's law: median {ma:.3f} ms")
    print(f"added per completion: {ma - mb:.3f} ms (target ≤ 1 ms)")


if __name__ == "__main__":
    main()
