"""Run the production-and-scale benchmarks one after the other, then print a summary table.

Runs benchmarks/latency.py, throughput.py, startup.py and soak.py in that order, each in its own
process and never two at once (each starts its own stack), then reads their reports/*.json and
prints the figures side by side. A benchmark that fails is reported and the others still run.
At full size the whole takes roughly half an hour on an otherwise idle two-core machine
(training from scratch included).

    .venv/bin/python benchmarks/run_all.py                    # full size
    .venv/bin/python benchmarks/run_all.py --skip-training    # startup.py reuses its training figure
    .venv/bin/python benchmarks/run_all.py --small            # tiny sizes: checks that each one works
    .venv/bin/python benchmarks/run_all.py --only latency,soak
    .venv/bin/python benchmarks/run_all.py --summary-only     # just the table, from the existing reports

The small sizes overwrite the reports too (their parameters say so): run full size before
quoting figures.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from typing import Any

from bench_support import PROJECT_ROOT, read_report

BENCHMARKS = ("latency", "throughput", "startup", "soak")
SMALL = {
    "latency": ["--turns", "10", "--warmup-rounds", "0"],
    "throughput": ["--clients", "5", "--turns", "3", "--warmup-clients", "1", "--warmup-turns", "2"],
    "startup": ["--skip-training", "--warmup-clients", "1", "--warmup-turns", "3"],
    "soak": ["--clients", "5", "--turns", "3", "--warmup-clients", "1", "--warmup-turns", "2"],
}


def fmt(value: Any, unit: str = "", scale: float = 1.0, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value * scale:.{digits}f}{unit}"


def verdict(value: bool | None) -> str:
    return {True: "met", False: "NOT met", None: "-"}[value]


def summary_rows() -> list[tuple[str, str, str, str]]:
    """(benchmark, figure, value, target) from each report there is."""
    rows: list[tuple[str, str, str, str]] = []
    latency = read_report("latency")
    if latency:
        ways = latency["ways"]
        for name in ("full", "direct", "plain"):
            if name in ways:
                rows.append(("latency", f"{name}: p50 / p95", f"{fmt(ways[name]['p50'], ' ms', 1000)} / {fmt(ways[name]['p95'], ' ms', 1000)}", ""))
        ratios = latency["ratios"]
        rows.append(("latency", "full/direct p95", fmt(ratios["full_over_direct_p95"], "x", digits=2), f"<= 1.5x: {verdict(latency['target']['met'])}"))
        if ratios.get("full_over_plain_p95") is not None:
            rows.append(("latency", "full/plain p95", fmt(ratios["full_over_plain_p95"], "x", digits=2), ""))
        if latency.get("plain_bot_training_seconds") is not None:
            rows.append(("latency", "rasa init (with training)", fmt(latency["plain_bot_training_seconds"], " s"), ""))
    throughput = read_report("throughput")
    if throughput:
        clients = throughput["parameters"]["clients"]
        rows.append(("throughput", f"{clients} clients, one Rasa", fmt(throughput["one_rasa_process"]["turns_per_second"], " turns/s", digits=2), ""))
        rows.append(("throughput", f"{clients} clients, two Rasa", fmt(throughput["two_rasa_processes"]["turns_per_second"], " turns/s", digits=2), ""))
        rows.append(("throughput", "two/one", fmt(throughput["two_over_one"], "x", digits=2), f">= 1.6x: {verdict(throughput['target']['met'])}"))
    startup = read_report("startup")
    if startup:
        training = startup.get("training", {})
        reused = " (reused)" if "reused_from" in training else ""
        rows.append(("startup", "training from scratch", fmt(training.get("seconds"), " min", 1 / 60, 1) + reused, ""))
        for setup, figures in startup.get("cold_start", {}).items():
            rows.append(("startup", f"{setup}: healthy / first answer", f"{fmt(figures['healthy_at_seconds'], ' s', digits=1)} / {fmt(figures['answer_at_seconds'], ' s', digits=1)}", ""))
            rows.append(("startup", f"{setup}: queued (202) then answered", str(figures["queued_then_answered"]), ""))
            rows.append(("startup", f"{setup}: memory after warm-up", fmt(figures["stack_total_mb"], " MB"), ""))
    soak = read_report("soak")
    if soak:
        parameters = soak["parameters"]
        turns = soak["turn_seconds"]
        rows.append(("soak", f"{parameters['clients']} x {parameters['turns_per_client']} turns", fmt(soak["turns_per_second"], " turns/s", digits=2), ""))
        rows.append(("soak", "p50 / p95", f"{fmt(turns['p50'], ' ms', 1000)} / {fmt(turns['p95'], ' ms', 1000)}", ""))
        lost = soak["messages_stored"]["lost"] + soak["messages_stored"]["pending_after"] + soak["rasa_user_events"]["missing"]
        rows.append(("soak", "errors / unanswered / lost", f"{soak['errors']} / {soak['unanswered']} / {lost}", "0 / 0 / 0"))
        grown = [name for name, figures in soak["memory"].items() if figures["within_allowance"] is False]
        rows.append(("soak", "memory back near the start", "yes" if not grown else "grew: " + ", ".join(grown), soak["memory_allowance"]))
    return rows


def print_summary() -> None:
    rows = summary_rows()
    if not rows:
        print("no reports yet")
        return
    header = ("benchmark", "figure", "value", "target")
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(4)]
    for number, row in enumerate([header, *rows]):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if number == 0:
            print("  ".join("-" * width for width in widths))
    dates = {name: (read_report(name) or {}).get("date") for name in BENCHMARKS}
    print("reports from: " + ", ".join(f"{name} {date}" for name, date in dates.items() if date))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="tiny sizes, to check that each benchmark works")
    parser.add_argument("--skip-training", action="store_true", help="pass --skip-training to startup.py")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated subset of " + ", ".join(BENCHMARKS))
    parser.add_argument("--summary-only", action="store_true", help="run nothing; print the table from the existing reports")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    failed = []
    if not args.summary_only:
        for name in [name for name in BENCHMARKS if name in chosen]:
            options = list(SMALL[name]) if args.small else []
            if name == "startup" and args.skip_training and "--skip-training" not in options:
                options.append("--skip-training")
            command = [sys.executable, str(PROJECT_ROOT / "benchmarks" / f"{name}.py"), *options]
            print(f"=== {name}: {' '.join(command[1:])}", flush=True)
            started = time.monotonic()
            code = subprocess.run(command, cwd=PROJECT_ROOT).returncode
            print(f"=== {name}: {'done' if code == 0 else f'FAILED (exit code {code})'} in {time.monotonic() - started:.0f} s\n", flush=True)
            if code != 0:
                failed.append(name)
    print_summary()
    if failed:
        print("failed: " + ", ".join(failed) + " (the table shows their earlier reports, if any)")
        sys.exit(1)


if __name__ == "__main__":
    main()
