"""Throughput of the whole stack under many simulated clients: one Rasa process against two.

Starts a durable PostgreSQL and a Redis server, then the stack twice, one after the other, each on
a fresh database: first with one Rasa process, then with two (RASA_PROCESSES=2, the gateway
spreading turns over both). Both runs use PostgreSQL and Redis's lock store, so that only the
number of Rasa processes differs. Each run has an uncounted warm-up (a few clients), then
`--clients` simulated clients (tests/load_support.run_clients) take `--turns` turns each at once;
turns per second is answered turns over the wall-clock time of that phase.

The simulated clients run in this script, on the same cores as the stack; the report shows the
CPU time each part used (Rasa, gateway, action server, PostgreSQL, the clients) and how busy the
machine was, so a ratio short of the target can be read against where the cores went.

TensorFlow's thread pools: Rasa 3.6 reads TF_INTRA_OP_PARALLELISM_THREADS and
TF_INTER_OP_PARALLELISM_THREADS at start-up (rasa/utils/tensorflow/environment.py). By default this
script sets both to 1 in both runs (`--tf-threads 1`), so that two processes do not each start
thread pools sized for every core; `--tf-threads 0` leaves TensorFlow's own default.

    .venv/bin/python benchmarks/throughput.py [--clients 50] [--turns 10] [--tf-threads 1]

Prints turns/s for each, the ratio two/one and the target (>= 1.6x) as met or not met; writes
reports/throughput.json. Needs the trained model and Debian's postgresql and redis-server.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_support import (
    load_parameters,
    load_figures,
    add_load_options,
    close_all,
    busy_seconds,
    busy_share,
    cpu_seconds,
    cpu_used,
    in_mb,
    machine_cpu_times,
    met,
    ms,
    own_cpu_seconds,
    postgres_cpu_seconds,
    postgres_memory,
    ratio,
    redis_memory,
    report_header,
    stack_cpu_seconds,
    write_report,
)

from tests.load_support import run_clients  # noqa: E402
from tests.servers import PostgresServer, RedisServer  # noqa: E402
from tests.stack_support import Stack  # noqa: E402

TARGET_RATIO = 1.6


def tf_environment(threads: int) -> dict[str, str]:
    if threads <= 0:
        return {}
    return {"TF_INTRA_OP_PARALLELISM_THREADS": str(threads), "TF_INTER_OP_PARALLELISM_THREADS": str(threads)}


def cpu_readings(stack: Stack, postgres: PostgresServer, redis: RedisServer) -> dict[str, float | None]:
    return {
        "supervisor": cpu_seconds(stack.process.pid),  # it relays every line the others log
        **stack_cpu_seconds(stack),
        "postgresql": postgres_cpu_seconds(postgres),
        "redis": cpu_seconds(redis.process.pid),
        "clients (this script)": own_cpu_seconds(),
    }


def measure_stack(
    work_dir: Path, postgres: PostgresServer, redis: RedisServer, rasa_processes: int, args: argparse.Namespace
) -> dict[str, Any]:
    database = f"throughput_{rasa_processes}_{os.getpid()}"
    environment = {
        "DATABASE_URL": postgres.create_database(database),
        "REDIS_URL": redis.url(),
        "RASA_PROCESSES": str(rasa_processes),
        # Each answer comes in the response however busy Rasa is (no 202 and polling).
        "REPLY_WAIT_SECONDS": "120",
        **tf_environment(args.tf_threads),
    }
    stack = Stack(work_dir, environment)
    print(f"{rasa_processes} Rasa process(es): starting the stack ...", flush=True)
    stack.start()
    try:
        stack.wait_for_every_rasa_process()
        if args.warmup_clients:
            asyncio.run(run_clients(stack.url, args.warmup_clients, args.warmup_turns))
        gc.collect()
        cpu_before, machine_before = cpu_readings(stack, postgres, redis), machine_cpu_times()
        print(f"  {args.clients} clients x {args.turns} turns ...", flush=True)
        result = asyncio.run(run_clients(stack.url, args.clients, args.turns))
        cpu_after, machine_after = cpu_readings(stack, postgres, redis), machine_cpu_times()
        memory = {**stack.resident_memory(), "postgresql (pss)": postgres_memory(postgres), "redis": redis_memory(redis)}
        processes = sorted(stack.processes())
    finally:
        stack.stop()
        postgres.drop_database(database)
    figures = {
        "rasa_processes": rasa_processes,
        "processes": processes,
        **load_figures(result),
        "cpu_seconds_used": cpu_used(cpu_before, cpu_after),
        "machine_cpu_busy": busy_share(machine_before, machine_after),
        "machine_cpu_seconds_busy": busy_seconds(machine_before, machine_after),
        "resident_memory_mb": in_mb(memory),
    }
    known = sum(used for used in figures["cpu_seconds_used"].values() if used is not None)
    # What the cores did besides the stack, its databases and the clients (other work on the machine).
    figures["cpu_seconds_used"]["everything else on the machine"] = round(max(0.0, figures["machine_cpu_seconds_busy"] - known), 1)
    # Cores each part kept busy on average: one Rasa process near 1.0 is as fast as it can go.
    figures["cores_used"] = {
        name: None if used is None or not result.elapsed else round(used / result.elapsed, 2)
        for name, used in figures["cpu_seconds_used"].items()
    }
    busy = figures["machine_cpu_busy"]
    print(
        f"  {figures['turns_per_second']:.2f} turns/s ({result.turns} turns in {result.elapsed:.1f} s), "
        f"p50 {ms(figures['turn_seconds']['p50'])}, p95 {ms(figures['turn_seconds']['p95'])}, "
        f"errors {len(result.errors)}, unanswered {result.unanswered}, machine busy {busy if busy is None else f'{busy:.0%}'}"
    )
    print("  cores used: " + ", ".join(f"{name} {used}" for name, used in figures["cores_used"].items()))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_options(parser, clients=50, warmup_help="uncounted clients before measuring (0: none)")
    args = parser.parse_args()
    report = report_header(load_parameters(args, tf_environment(args.tf_threads)))
    work_dir = Path(tempfile.mkdtemp(prefix="waypoint-throughput-"))
    postgres = redis = None
    runs = {}
    try:
        postgres = PostgresServer(durable=True)
        postgres.start()
        redis = RedisServer()
        redis.start()
        for processes in (1, 2):
            run_dir = work_dir / f"rasa-{processes}"
            run_dir.mkdir()
            runs[processes] = measure_stack(run_dir, postgres, redis, processes, args)
            time.sleep(2)  # let the stopped stack's memory and sockets go before the next
    finally:
        close_all(redis, postgres)
        shutil.rmtree(work_dir, ignore_errors=True)

    one, two = runs[1]["turns_per_second"], runs[2]["turns_per_second"]
    speedup = ratio(two, one)
    report["one_rasa_process"] = runs[1]
    report["two_rasa_processes"] = runs[2]
    report["two_over_one"] = speedup
    report["target"] = {"rule": "turns/s with two Rasa processes >= 1.6 x with one", "met": None if speedup is None else speedup >= TARGET_RATIO}
    print(f"throughput, {args.clients} clients x {args.turns} turns, {os.cpu_count()} cores:")
    print(f"  one Rasa process:  {one:.2f} turns/s")
    print(f"  two Rasa processes: {two:.2f} turns/s")
    print(f"  two/one: x{speedup}   target >= {TARGET_RATIO}x: {met(report['target']['met'])}")
    write_report("throughput", report)


if __name__ == "__main__":
    main()
