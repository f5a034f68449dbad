"""The deploy-time proof's cost: the static proof and the dry run of every shipped procedure of one profile.

A designer waits for this at every save, so it must answer while they edit (issue 13: both together
≤ 2 s per profile on the 2-core machine).  Pure: no database; each figure is the median of ``--rounds``
fresh runs (no cache), per procedure and for the profile, in wall-clock time and in this process's CPU
time (the figure to trust when other work shares the machine).  The dry run's coverage is printed beside
it: user tasks and end events of the composed diagram (call activities inlined) it reached on some path.

    .venv/bin/python bench/deploy_proof.py [--profile fushun-culture|all] [--rounds 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project's documents/, not bench/documents.py

from handlers import profiles  # noqa: E402
from handlers.diagrams import parse  # noqa: E402
from handlers.law import dryrun, proof  # noqa: E402
from handlers.law.cite import for_agency  # noqa: E402
from handlers.law.schema import binding  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def timed(fn: Callable[[], Any], rounds: int) -> tuple[float, float, Any]:
    """Median wall-clock and CPU seconds of ``rounds`` calls, and the last result."""
    wall, cpu, result = [], [], None
    for _ in range(rounds):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu), result


def bench(code: str, rounds: int) -> tuple[float, float, float, float]:
    prof = profiles.load(code)
    sources = profiles.compose_sources(prof, {p.name: p.read_bytes() for p in sorted((ROOT / "workflows/base").glob("*.bpmn"))})
    rules, citer = binding(prof.rules), for_agency(prof.code, prof.data["regulation"])
    sums = [0.0, 0.0, 0.0, 0.0]
    print(f"{code}: {'procedure':24} {'static ms':>10} {'(cpu)':>6} {'dry run ms':>11} {'(cpu)':>6} "
          f"{'tasks':>9} {'ends':>7} {'states':>6} {'copies':>6}")
    for pid in prof.procedures:
        spec, subs = parse(sources, pid)
        sw, sc, found = timed(lambda pid=pid: proof.prove(sources, [pid], rules, citer), rounds)
        dw, dc, walk = timed(lambda spec=spec, subs=subs: dryrun.explore(spec, subs), rounds)
        assert found == [] and walk.faults == [], (found, walk.faults)
        for i, v in enumerate((sw, sc, dw, dc)):
            sums[i] += v
        print(f"{'':{len(code) + 2}}{pid:24} {sw * 1000:10.0f} {sc * 1000:6.0f} {dw * 1000:11.0f} {dc * 1000:6.0f} "
              f"{len(walk.reached):>4}/{len(walk.tasks):<4} {len(walk.ends):>3}/{len(walk.all_ends):<3} "
              f"{walk.states:6} {walk.copies:6}")
    sw, sc, dw, dc = sums
    print(f"profile total: static {sw:.2f} s, dry run {dw:.2f} s, together {sw + dw:.2f} s "
          f"(cpu {sc + dc:.2f} s; target ≤ 2 s)")
    return sw, sc, dw, dc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--profile", default="fushun-culture", help="a profile's code, or all")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    codes = sorted(profiles.load_all()) if args.profile == "all" else [args.profile]
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for code in codes:
        bench(code, args.rounds)


if __name__ == "__main__":
    main()
