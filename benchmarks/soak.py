"""The soak: 200 simulated clients taking 10 turns each against the production set-up.

Starts a durable PostgreSQL, Redis and the stack with two Rasa processes (RASA_PROCESSES=2,
REPLY_WAIT_SECONDS=120), warms every process up with a few clients, reads the resident memory of
each process, then runs `--clients` simulated clients (tests/load_support.run_clients) at once,
each taking `--turns` turns. Measured: turns per second, errors, unanswered turns, turn p50 and
p95, whether every message was stored and reached Rasa (counted in the database: nothing lost,
nothing left pending), and memory per process before and after (5 s after the last turn).

tests/test_production_stack.py runs the same soak with assertions; this is its measuring
counterpart, with no assertions: it prints the figures and writes reports/soak.json.

    .venv/bin/python benchmarks/soak.py [--clients 200] [--turns 10] [--tf-threads 1]

TF_INTRA_OP_PARALLELISM_THREADS and TF_INTER_OP_PARALLELISM_THREADS are set as in
benchmarks/throughput.py (`--tf-threads 0` leaves TensorFlow's default). Needs the trained model
and Debian's postgresql and redis-server.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import shutil
import tempfile
import time
from pathlib import Path

from bench_support import (
    load_parameters,
    load_figures,
    add_load_options,
    close_all,
    MB,
    busy_share,
    in_mb,
    machine_cpu_times,
    ms,
    postgres_memory,
    redis_memory,
    report_header,
    resident_memory,
    write_report,
)
from throughput import tf_environment

from tests.load_support import run_clients  # noqa: E402
from tests.servers import PostgresServer, RedisServer  # noqa: E402
from tests.stack_support import Stack  # noqa: E402

# The same allowance as the soak test: caches and allocator pools may keep a little, not a leak's worth.
GROWTH_ALLOWANCE = "after <= before x 1.25 + 64 MB"


def memory_of(stack: Stack, postgres: PostgresServer, redis: RedisServer) -> dict[str, int | None]:
    return {
        "supervisor": resident_memory(stack.process.pid),
        **stack.resident_memory(),
        "postgresql (pss, all processes)": postgres_memory(postgres),
        "redis": redis_memory(redis),
    }


def counts(stack: Stack) -> dict[str, int]:
    return {
        "messages_in": stack.rows("SELECT count(*) FROM messages WHERE direction = 'in'")[0][0],
        "pending": stack.rows("SELECT count(*) FROM messages WHERE status = 'pending'")[0][0],
        "user_events": stack.rows("SELECT count(*) FROM events WHERE type_name = 'user'")[0][0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_options(parser, clients=200, warmup_help="uncounted clients before memory is read (0: none)")
    args = parser.parse_args()
    report = report_header(load_parameters(args, tf_environment(args.tf_threads), rasa_processes=2))
    work_dir = Path(tempfile.mkdtemp(prefix="waypoint-soak-"))
    postgres = redis = stack = None
    try:
        postgres = PostgresServer(durable=True)
        postgres.start()
        redis = RedisServer()
        redis.start()
        stack = Stack(work_dir, {
            "DATABASE_URL": postgres.create_database("soak"), "REDIS_URL": redis.url(), "RASA_PROCESSES": "2",
            "REPLY_WAIT_SECONDS": "120", **tf_environment(args.tf_threads),
        })  # fmt: skip
        print("starting PostgreSQL, Redis and the stack with two Rasa processes ...", flush=True)
        stack.start()
        stack.wait_for_every_rasa_process()
        if args.warmup_clients:
            asyncio.run(run_clients(stack.url, args.warmup_clients, args.warmup_turns))
        gc.collect()
        before = memory_of(stack, postgres, redis)
        counted_before = counts(stack)
        print(f"{args.clients} clients x {args.turns} turns ...", flush=True)
        machine_before = machine_cpu_times()
        result = asyncio.run(run_clients(stack.url, args.clients, args.turns))
        machine_busy = busy_share(machine_before, machine_cpu_times())
        counted_after = counts(stack)
        time.sleep(5)  # let the last requests' buffers go
        after = memory_of(stack, postgres, redis)
        restarts = stack.log_path.read_text(errors="replace").count("exited with code")
    finally:
        close_all(stack, redis, postgres)
        shutil.rmtree(work_dir, ignore_errors=True)

    expected_messages = args.clients * (args.turns + 1)  # each client's greeting and its turns
    new_messages = counted_after["messages_in"] - counted_before["messages_in"]
    new_user_events = counted_after["user_events"] - counted_before["user_events"]
    memory = {}
    for name in before:
        start, end = before[name], after.get(name)
        memory[name] = {
            "before_mb": None if start is None else round(start / MB, 1),
            "after_mb": None if end is None else round(end / MB, 1),
            "within_allowance": None if not start or end is None else end <= start * 1.25 + 64 * MB,
        }
    report.update({
        **load_figures(result),
        "machine_cpu_busy": machine_busy,
        "process_restarts": restarts,
        "messages_stored": {"expected": expected_messages, "new_inbound": new_messages, "lost": expected_messages - new_messages,
                            "pending_after": counted_after["pending"]},
        "rasa_user_events": {"expected": expected_messages, "new": new_user_events, "missing": expected_messages - new_user_events},
        "memory": memory,
        "memory_allowance": GROWTH_ALLOWANCE,
        "resident_memory_after_mb": in_mb(after),
    })  # fmt: skip
    turns = report["turn_seconds"]
    print(f"soak, {args.clients} clients x {args.turns} turns, two Rasa processes, PostgreSQL + Redis:")
    print(f"  {report['turns_per_second']:.2f} turns/s ({result.turns} turns in {result.elapsed:.0f} s), p50 {ms(turns['p50'])}, p95 {ms(turns['p95'])}")
    print(f"  errors {len(result.errors)}, unanswered {result.unanswered}, clients done {result.clients_done}/{args.clients}, process restarts {restarts}")
    print(f"  messages stored {new_messages}/{expected_messages}, pending after {counted_after['pending']}, Rasa user events {new_user_events}/{expected_messages}")
    print("  resident memory MB before/after: " + ", ".join(
        f"{name} {figures['before_mb']:.0f}/{figures['after_mb']:.0f}" for name, figures in memory.items()
        if figures["before_mb"] is not None and figures["after_mb"] is not None
    ))  # fmt: skip
    write_report("soak", report)


if __name__ == "__main__":
    main()
