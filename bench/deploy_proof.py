"""The deploy-time proof's cost: the static proof and the dry run of every shipped procedure of one profile.

A designer waits for this at every save, so it must answer while they edit (issue 13: both together
≤ 2 s per profile on the 2-core machine).  Pure: no database; each figure is the median of ``--rounds``
fresh runs (no cache), per procedure and for the profile.

    .venv/bin/python bench/deploy_proof.py [--profile fushun-culture] [--rounds 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project's documents/, not bench/documents.py

from handlers import profiles  # noqa: E402
from handlers.diagrams import parse  # noqa: E402
from handlers.law import dryrun, proof  # noqa: E402
from handlers.law.cite import for_agency  # noqa: E402
from handlers.law.schema import binding  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--profile", default="fushun-culture")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    prof = profiles.load(args.profile)
    sources = profiles.compose_sources(prof, {p.name: p.read_bytes() for p in sorted((ROOT / "workflows/base").glob("*.bpmn"))})
    rules, citer = binding(prof.rules), for_agency(prof.code, prof.data["regulation"])
    totals: dict[str, list[float]] = {"static": [], "dry": []}
    print(f"{args.profile}: {'procedure':24} {'static ms':>10} {'dry run ms':>11}")
    for pid in prof.procedures:
        spec, subs = parse(sources, pid)
        static, dry = [], []
        for _ in range(args.rounds):
            t = time.perf_counter()
            assert proof.prove(sources, [pid], rules, citer) == []
            static.append(time.perf_counter() - t)
            t = time.perf_counter()
            assert dryrun.dry_run(spec, subs) == []
            dry.append(time.perf_counter() - t)
        totals["static"].append(statistics.median(static))
        totals["dry"].append(statistics.median(dry))
        print(f"{'':{len(args.profile) + 2}}{pid:24} {statistics.median(static) * 1000:10.0f} "
              f"{statistics.median(dry) * 1000:11.0f}")
    s, d = sum(totals["static"]), sum(totals["dry"])
    print(f"profile total: static {s:.2f} s, dry run {d:.2f} s, together {s + d:.2f} s (target ≤ 2 s)")


if __name__ == "__main__":
    main()
