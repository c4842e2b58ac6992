"""Training time, cold start to the first answer, and resident memory per process.

1. **Training**: the project's model trained from scratch (`rasa train` in the project folder, as
   bot/training.py runs it, on config.yml, domain.yml and data/), into a temporary folder and with
   an empty training cache of its own (RASA_CACHE_DIRECTORY), so nothing is reused from an earlier
   training. About five minutes on two cores; `--skip-training` keeps the figure of the last
   report instead (marked as reused).
2. **Cold start**, per set-up (`sqlite`: what `make run` starts; `production`: PostgreSQL, Redis and
   two Rasa processes): the supervisor is started (it migrates a fresh database, then starts the
   action server, Rasa and the gateway). Measured from starting it: when the gateway first answers
   at all (/healthz, 200 or 503; polled every 0.5 s); when /healthz is 200 (every component
   ready); and when the first answer arrives to a message POSTed as soon as the gateway answered.
   That message reaches the gateway while Rasa is still loading: the gateway stores it, says 202
   "queued", and answers it once Rasa is ready; the report records the 202 and the answer.
   A new client's greeting comes before the answer to their first message, so the time of that
   first reply is recorded too.
   The operating system's file cache is warm (the model and libraries were read before), as on
   any restart but the first after boot.
3. **Memory** after warm-up (a few simulated clients taking ten turns each): resident memory
   (VmRSS) of the supervisor, the action server, each Rasa process and the gateway; for the
   production set-up also PostgreSQL (all its processes, by Pss so shared buffers count once)
   and Redis.

    .venv/bin/python benchmarks/startup.py [--skip-training] [--setups sqlite,production]

Prints the figures and writes reports/startup.json. Needs the trained model (for the stack) and,
for the production set-up, Debian's postgresql and redis-server.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_support import (
    close_all,
    MB,
    in_mb,
    postgres_memory,
    read_report,
    redis_memory,
    report_header,
    resident_memory,
    write_report,
)

from bot.settings import PROJECT_ROOT  # noqa: E402
from bot.training import model_path, rasa_environment  # noqa: E402
from tests.load_support import run_clients  # noqa: E402
from tests.servers import PostgresServer, RedisServer  # noqa: E402
from tests.stack_support import Stack, http  # noqa: E402

SETUPS = ("sqlite", "production")
ANSWER_TIMEOUT = 300


def train_from_scratch(work_dir: Path) -> dict[str, Any]:
    out = work_dir / "models"
    log_path = work_dir / "train.log"
    name = "waypoint-startup-benchmark"
    environment = {**rasa_environment(), "RASA_CACHE_DIRECTORY": str(work_dir / "cache")}
    print("training the project's model from scratch (about five minutes on two cores) ...", flush=True)
    started = time.monotonic()
    with log_path.open("w") as log:
        result = subprocess.run(
            [str(Path(sys.executable).with_name("rasa")), "train", "--out", str(out), "--fixed-model-name", name],
            cwd=PROJECT_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    seconds = time.monotonic() - started
    model = out / f"{name}.tar.gz"
    if result.returncode != 0 or not model.exists():
        raise RuntimeError(f"training failed; the log ends:\n{log_path.read_text()[-3000:]}")
    return {
        "seconds": round(seconds, 1),
        "model_size_mb": round(model.stat().st_size / MB, 1),
        "inputs_fingerprint": model_path().name.removeprefix("waypoint-").removesuffix(".tar.gz"),
        "command": "rasa train --out <tmp> --fixed-model-name ... (empty RASA_CACHE_DIRECTORY)",
    }


def first_message_during_start(stack: Stack, started: float) -> dict[str, Any]:
    """A new session and a "hello" sent as soon as the gateway answers; then wait for their answers."""
    status, body = http("POST", f"{stack.url}/api/sessions")
    if status != 201:
        raise RuntimeError(f"POST /api/sessions answered {status}: {body}")
    headers = {"Authorization": f"Bearer {body['client_token']}"}
    posted_at = time.monotonic() - started
    status, body = http("POST", f"{stack.url}/api/messages", {"text": "hello", "payload": None}, headers)
    post_returned_at = time.monotonic() - started
    if status not in (200, 202):
        raise RuntimeError(f"POST /api/messages answered {status}: {body}")
    hello_id = body["message"]["id"]
    figures: dict[str, Any] = {
        "message_posted_at_seconds": round(posted_at, 2),
        "post_status": status,
        "post_answer": body.get("status"),  # "queued" with 202, "answered" with 200
        "post_returned_at_seconds": round(post_returned_at, 2),
        "healthy_at_seconds": None,
        "greeting_reply_at_seconds": None,
        "answer_at_seconds": None,
    }
    deadline = time.monotonic() + ANSWER_TIMEOUT
    while time.monotonic() < deadline:
        now = time.monotonic() - started
        if figures["healthy_at_seconds"] is None and stack.health()[0] == 200:
            figures["healthy_at_seconds"] = round(now, 2)
        if figures["answer_at_seconds"] is None:
            status, history = http("GET", f"{stack.url}/api/messages", headers=headers)
            messages = history["messages"] if status == 200 else []
            if figures["greeting_reply_at_seconds"] is None and any(m["direction"] == "out" for m in messages):
                figures["greeting_reply_at_seconds"] = round(now, 2)
            hello = next((m for m in messages if m["id"] == hello_id), None)
            if hello is not None and hello["status"] != "pending":
                figures["answer_at_seconds"] = round(now, 2)
                # The turn's replies are stored with the answered status in one transaction.
                figures["answer_replies"] = sum(1 for m in messages if m["direction"] == "out" and m["id"] > hello_id)
        if figures["healthy_at_seconds"] is not None and figures["answer_at_seconds"] is not None:
            break
        time.sleep(0.1)
    figures["queued_then_answered"] = figures["post_status"] == 202 and figures["answer_at_seconds"] is not None
    return figures


def cold_start(setup: str, work_dir: Path, args: argparse.Namespace) -> dict[str, Any]:
    postgres = redis = stack = None
    environment: dict[str, str] = {}
    try:
        if setup == "production":
            postgres = PostgresServer(durable=True)
            postgres.start()
            redis = RedisServer()
            redis.start()
            environment = {"DATABASE_URL": postgres.create_database("startup"), "REDIS_URL": redis.url(), "RASA_PROCESSES": "2"}
        stack = Stack(work_dir, environment)
        print(f"{setup}: starting the stack ...", flush=True)
        started = time.monotonic()
        stack.start(wait_for="gateway")
        figures: dict[str, Any] = {"gateway_answers_at_seconds": round(time.monotonic() - started, 2)}
        figures.update(first_message_during_start(stack, started))
        if figures["healthy_at_seconds"] is None or figures["answer_at_seconds"] is None:
            raise RuntimeError(f"no healthy stack or no answer within {ANSWER_TIMEOUT} s; see the log:\n{stack.log_path.read_text()[-4000:]}")
        print(
            f"  gateway answers after {figures['gateway_answers_at_seconds']:.1f} s, healthy after "
            f"{figures['healthy_at_seconds']:.1f} s; \"hello\" POSTed at {figures['message_posted_at_seconds']:.1f} s: "
            f"HTTP {figures['post_status']} {figures['post_answer']}, answered at {figures['answer_at_seconds']:.1f} s",
            flush=True,
        )
        if args.warmup_clients:
            asyncio.run(run_clients(stack.url, args.warmup_clients, args.warmup_turns))
        time.sleep(2)
        memory: dict[str, int | None] = {"supervisor": resident_memory(stack.process.pid), **stack.resident_memory()}
        if postgres is not None:
            memory["postgresql (pss, all processes)"] = postgres_memory(postgres)
            memory["redis"] = redis_memory(redis)
        figures["resident_memory_mb"] = in_mb(memory)
        figures["stack_total_mb"] = round(sum(size for size in memory.values() if size) / MB, 1)
        print("  resident memory after warm-up: " + ", ".join(f"{name} {size:.0f} MB" for name, size in figures["resident_memory_mb"].items() if size))
        return figures
    finally:
        close_all(stack, redis, postgres)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-training", action="store_true", help="keep the training figure of the last reports/startup.json")
    parser.add_argument("--setups", default=",".join(SETUPS), help="comma-separated: sqlite, production")
    parser.add_argument("--warmup-clients", type=int, default=3, help="simulated clients before memory is read (0: none)")
    parser.add_argument("--warmup-turns", type=int, default=10)
    args = parser.parse_args()
    setups = [name.strip() for name in args.setups.split(",") if name.strip()]
    unknown = set(setups) - set(SETUPS)
    if unknown:
        parser.error(f"unknown set-up(s): {', '.join(sorted(unknown))}")
    previous = read_report("startup")
    report = report_header({
        "skip_training": args.skip_training, "setups": setups,
        "warmup_clients": args.warmup_clients, "warmup_turns": args.warmup_turns,
    })  # fmt: skip
    work_dir = Path(tempfile.mkdtemp(prefix="waypoint-startup-"))
    try:
        if args.skip_training:
            earlier = (previous or {}).get("training")
            if earlier and earlier.get("seconds") is not None:
                report["training"] = {**earlier, "reused_from": earlier.get("reused_from") or {"date": previous["date"], "commit": previous["commit"]}}
            else:
                report["training"] = {"seconds": None, "note": "skipped, and no earlier figure to reuse"}
        else:
            training_dir = work_dir / "training"
            training_dir.mkdir()
            report["training"] = train_from_scratch(training_dir)
            shutil.rmtree(training_dir, ignore_errors=True)
        report["cold_start"] = {}
        for setup in setups:
            setup_dir = work_dir / setup
            setup_dir.mkdir()
            report["cold_start"][setup] = cold_start(setup, setup_dir, args)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)

    training = report["training"]
    print("start-up:")
    if training.get("seconds") is not None:
        reused = f" (reused from the report of {training['reused_from']['date']})" if "reused_from" in training else ""
        print(f"  training from scratch: {training['seconds'] / 60:.1f} min{reused}")
    else:
        print("  training: skipped")
    for setup, figures in report["cold_start"].items():
        print(
            f"  {setup}: gateway {figures['gateway_answers_at_seconds']:.1f} s, healthy {figures['healthy_at_seconds']:.1f} s, "
            f"first answer {figures['answer_at_seconds']:.1f} s (message queued: {figures['queued_then_answered']}), "
            f"memory {figures['stack_total_mb']:.0f} MB in all"
        )
    write_report("startup", report)


if __name__ == "__main__":
    main()
