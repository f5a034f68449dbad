"""Render times and sizes of the 文书: every kind (median ms, KB), a three-page 询问笔录, the agency's PAdES
signature, and the 电子案卷 of a case of 30 文书 (issue 17 targets: one-page kinds ≤ 120 ms and ≤ 60 KB on a quiet
machine, signing ≤ 30 ms, the 电子案卷 of 30 ≤ 10 s).

Targets (issue 4): a one-page document under 200 ms median on a 2-core machine and under 150 KB.
Prints median and p95 wall-clock milliseconds per document (and the CPU-time median, which other
load on a shared machine does not inflate), the PDF sizes and page counts, and which font
subsetter WeasyPrint uses (``harfbuzz``; ``fonttools`` would take seconds per document).

    .venv/bin/python bench/documents.py [--runs 30]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import datetime as dt  # noqa: E402

import documents  # noqa: E402
from documents import signing  # noqa: E402
from documents.render import renderer  # noqa: E402
from tests.documents.test_render import SINGLE, context_for  # noqa: E402


def three_page_inquiry() -> dict:
    kind = documents.kind("inquiry_record")
    ctx = context_for(kind)
    qa = "\n".join(f"问：第{i}个问题，请说明当晚核验上网人员身份证件的经过？\n答：当晚身份核验设备故障，未能逐一核验，已登记在册。"
                   for i in range(1, 29))
    ctx["doc"] = {**ctx["doc"], "content": qa}
    return ctx


def pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def measure(name: str, template: str, ctx: dict, runs: int) -> None:
    documents.render(template, ctx)  # warm: fonts and stylesheet loaded once per process
    times, cpu, pdf = [], [], b""
    for _ in range(runs):
        renderer().forget_layouts()  # each run lays the 文书 out, as its one sealing does
        started, started_cpu = time.perf_counter(), time.process_time()
        pdf = documents.render(template, ctx)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    print(f"{name:<22} pages {pages(pdf)}  median {statistics.median(times):6.1f} ms  p95 {p95(times):6.1f} ms  "
          f"(CPU median {statistics.median(cpu):6.1f} ms)  size {len(pdf) / 1024:6.1f} KB")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(f"font subsetter: {documents.subsetter()}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    started = time.perf_counter()
    documents.render("penalty_decision.html", context_for(documents.kind("penalty_decision")))
    print(f"first render (loads fonts): {(time.perf_counter() - started) * 1000:.0f} ms")
    measure("行政处罚决定书", "penalty_decision.html", context_for(documents.kind("penalty_decision")), args.runs)
    measure("询问笔录 (long)", "inquiry_record.html", three_page_inquiry(), args.runs)
    print("per kind:")
    for kind in SINGLE:
        measure(f"  {kind.title[:14]}", kind.template, context_for(kind), max(3, args.runs // 6))
    with tempfile.TemporaryDirectory() as folder:
        key, cert = Path(folder) / "k.pem", Path(folder) / "c.pem"
        signing.self_signed("测试执法队", key, cert, now=dt.datetime.now(dt.UTC))
        signer = signing.PadesSigner(key, cert)
        pdf = documents.render("penalty_decision.html", context_for(documents.kind("penalty_decision")))
        signer.sign(pdf)
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            signed = signer.sign(pdf)
            times.append((time.perf_counter() - started) * 1000)
        print(f"PAdES signature        median {statistics.median(times):6.1f} ms  (+{(len(signed) - len(pdf)) / 1024:.1f} KB)")
        filed = []
        for i in range(30):
            kind = SINGLE[i % len(SINGLE)]
            ctx = context_for(kind, n=100 + i)
            filed.append(documents.Filed(kind.title, f"测执{kind.series}〔2026〕{100 + i}号", ctx["date"], kind.template,
                                         ctx, signer.sign(documents.render(kind.template, ctx)), "0" * 64))
        front = {**context_for(documents.kind("closing_approval")), "archive_no": "抚文执档〔2026〕3号",
                 "retention": "30年", "archivist": "张明", "archived_on": "2026年3月30日", "ended_on": "2026年3月20日"}
        for label in ("the worker sealed them (layouts kept)", "sealed elsewhere (each laid out again)"):
            started = time.perf_counter()
            bound, manifest = documents.assemble_case_file(front, filed, [])
            signed = signer.sign(bound)
            print(f"电子案卷 (30 文书), {label}: {(time.perf_counter() - started):6.2f} s  pages {manifest['pages']}  "
                  f"size {len(signed) / 1024:6.1f} KB")
            renderer().forget_layouts()


if __name__ == "__main__":
    main()
