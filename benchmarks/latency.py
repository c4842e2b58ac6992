"""Turn latency for one client taking sequential turns, measured three ways in the same run.

1. **full stack**: the gateway's chat API (POST /api/messages), which stores the message, calls Rasa,
   which runs the custom actions on the action server, and stores the replies before answering
   (REPLY_WAIT_SECONDS=120, so every answer comes in the response). The conversation is
   tests/load_support.CONVERSATION (consent, the start's questions, a few requests), each round a
   new client (run_clients(url, 1, 10)).
2. **direct Rasa**: the same trained model in a second `rasa run` started by this script on Rasa's
   REST channel (POST /webhooks/rest/webhook), with the stack's environment: the same action
   server, the same database and tracker store. Same messages (a button's payload where the client
   pressed one, as the gateway forwards it), each round a new client created in the database; the
   greeting the gateway sends once a new client connects is sent first and not timed, as in (1).
3. **plain Rasa**: the bot `rasa init --no-prompt` makes (its own model, trained here and timed;
   no custom actions, trackers in memory) on the REST channel, with its own kind of messages
   ("hello", "I am sad", "yes", "bye", ...).

The rounds take turns (full, direct, plain, full, ...) so that load from elsewhere on the machine
falls on all three alike; each way has warm-up rounds first that are not counted. A turn is the
time from sending a message to having read the whole answer.

    .venv/bin/python benchmarks/latency.py [--turns 60] [--warmup-rounds 1] [--postgres] [--skip-plain]

Prints p50 and p95 per way, the ratios full/direct and full/plain, and the target
"full-stack p95 <= 1.5 x direct Rasa p95" as met or not met; writes reports/latency.json. Needs
the trained model (`make run` or `make test` sets it up).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

from bench_support import (
    close_all,
    PROJECT_ROOT,
    met,
    ms,
    ratio,
    report_header,
    seconds_summary,
    start_process,
    stop_process,
    wait_until_answers,
    write_report,
)

from bot.storage import identity  # noqa: E402
from bot.storage.engine import make_engine, make_session_factory, transaction  # noqa: E402
from bot.training import model_path, rasa_environment  # noqa: E402
from tests.load_support import CONVERSATION, run_clients  # noqa: E402
from tests.servers import PostgresServer  # noqa: E402
from tests.stack_support import Stack, free_port  # noqa: E402

OPENING = "/greet"  # what the gateway sends once a new client connects (bot.gateway.wording.OPENING_PAYLOAD)
# The plain `rasa init` bot's own kind of conversation: greet, mood, affirm/deny, bot challenge, goodbye.
PLAIN_CONVERSATION = [
    "hello",
    "I am sad",
    "no",
    "hi",
    "I am feeling very good",
    "are you a bot?",
    "hey there",
    "I am sad",
    "yes",
    "bye",
]
TARGET_RATIO = 1.5
RASA = str(Path(sys.executable).with_name("rasa"))


def fixed_rasa_environment() -> dict[str, str]:
    """What bot.training.rasa_environment() sets over the environment (telemetry off, quiet TensorFlow)."""
    return {name: value for name, value in rasa_environment().items() if os.environ.get(name) != value}


def train_plain_bot(directory: Path, log_path: Path) -> float:
    """`rasa init --no-prompt` in an empty folder (it trains its model there); returns the seconds it took."""
    directory.mkdir()
    environment = {**rasa_environment(), "RASA_CACHE_DIRECTORY": str(directory.parent / "plain-cache")}
    started = time.monotonic()
    with log_path.open("w") as log:
        result = subprocess.run(
            [RASA, "init", "--no-prompt", "--init-dir", str(directory)],
            cwd=directory, env=environment, stdout=log, stderr=log,
        )  # fmt: skip
    seconds = time.monotonic() - started
    if result.returncode != 0 or not list((directory / "models").glob("*.tar.gz")):
        raise RuntimeError(f"rasa init failed; see {log_path}:\n{log_path.read_text()[-3000:]}")
    return seconds


async def rest_conversation(url: str, sender: str, messages: list[str], opening: str | None) -> tuple[list[float], list[str]]:
    """One client on Rasa's REST channel: the untimed opening, then each message timed. Returns the
    turn times and the (benchmark's own) messages that got no reply at all."""
    times, unanswered = [], []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as http:
        if opening is not None:
            async with http.post(url, json={"sender": sender, "message": opening}) as response:
                response.raise_for_status()
                await response.json(content_type=None)
        for message in messages:
            started = time.monotonic()
            async with http.post(url, json={"sender": sender, "message": message}) as response:
                response.raise_for_status()
                replies = await response.json(content_type=None)
            times.append(time.monotonic() - started)
            if not any(reply.get("text") or reply.get("image") for reply in replies or []):
                unanswered.append(message)
    return times, unanswered


class Ways:
    """The three ways to take a turn, each started and ready."""

    unanswered_messages: list[str] = []  # the benchmark's own messages a REST round got no reply to

    def __init__(self, work_dir: Path, stack: Stack, plain_dir: Path | None) -> None:
        self.work_dir = work_dir
        self.stack = stack
        self.plain_dir = plain_dir
        self.direct: tuple | None = None  # (process, url, log)
        self.plain: tuple | None = None
        self.engine = make_engine(stack.database_url)
        self.sessions = make_session_factory(self.engine)

    def start_rasa_processes(self) -> dict[str, float]:
        """The direct Rasa (project model, stack's environment) and the plain one, started together."""
        credentials = self.work_dir / "rest-credentials.yml"
        credentials.write_text("rest:\n")
        direct_port = free_port()
        environment = {**self.stack.environment, **fixed_rasa_environment(), **self.stack.settings.child_environment()}
        direct_log = self.work_dir / "direct-rasa.log"
        direct = start_process(
            [RASA, "run", "--model", str(model_path()), "--endpoints", "endpoints.yml", "--credentials", str(credentials),
             "--interface", "127.0.0.1", "--port", str(direct_port)],
            environment, PROJECT_ROOT, direct_log,
        )  # fmt: skip
        self.direct = (direct, f"http://127.0.0.1:{direct_port}", direct_log)
        if self.plain_dir is not None:
            plain_port = free_port()
            plain_log = self.work_dir / "plain-rasa.log"
            plain = start_process(
                [RASA, "run", "--model", "models", "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
                 "--interface", "127.0.0.1", "--port", str(plain_port)],
                {**rasa_environment()}, self.plain_dir, plain_log,
            )  # fmt: skip
            self.plain = (plain, f"http://127.0.0.1:{plain_port}", plain_log)
        loaded = {}
        for name, started in (("direct", self.direct), ("plain", self.plain)):
            if started is not None:
                process, url, log = started
                loaded[name] = round(wait_until_answers(f"{url}/webhooks/rest/", process, log), 1)
        return loaded

    def stop(self) -> None:
        for started in (self.direct, self.plain):
            if started is not None:
                stop_process(started[0])
        self.engine.dispose()

    def new_client_id(self) -> str:
        """A client as the gateway would create it, so that the actions can store their answers."""
        with transaction(self.sessions) as session:
            client, _ = identity.create_web_client(session)
            return client.id

    def full_round(self, turns: int) -> tuple[list[float], int, list[str]]:
        result = asyncio.run(run_clients(self.stack.url, 1, turns))
        return result.turn_seconds, result.unanswered, result.errors

    def direct_round(self, turns: int) -> tuple[list[float], int, list[str]]:
        messages = [payload or text for text, payload in CONVERSATION][:turns]
        return self._rest_round(self.direct[1], self.new_client_id(), messages, OPENING)

    def plain_round(self, turns: int) -> tuple[list[float], int, list[str]]:
        return self._rest_round(self.plain[1], f"bench-{uuid.uuid4().hex}", PLAIN_CONVERSATION[:turns], None)

    @staticmethod
    def _rest_round(base_url: str, sender: str, messages: list[str], opening: str | None) -> tuple[list[float], int, list[str]]:
        try:
            times, unanswered = asyncio.run(rest_conversation(f"{base_url}/webhooks/rest/webhook", sender, messages, opening))
            Ways.unanswered_messages += unanswered
            return times, len(unanswered), []
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            return [], 0, [f"{type(error).__name__}: {error}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=60, help="measured turns per way (rounds of up to 10 turns, each a new client)")
    parser.add_argument("--warmup-rounds", type=int, default=1, help="uncounted rounds per way before measuring")
    parser.add_argument("--postgres", action="store_true", help="the stack on a durable PostgreSQL instead of SQLite")
    parser.add_argument("--skip-plain", action="store_true", help="leave out the plain `rasa init` bot (and its training)")
    args = parser.parse_args()
    turns_per_round = len(CONVERSATION)
    rounds = max(1, math.ceil(args.turns / turns_per_round))
    round_sizes = [min(turns_per_round, args.turns - number * turns_per_round) for number in range(rounds)]
    report = report_header({
        "turns": args.turns, "rounds": rounds, "warmup_rounds": args.warmup_rounds, "clients": 1,
        "database": "postgresql (durable)" if args.postgres else "sqlite",
        "reply_wait_seconds": 120, "plain_bot": not args.skip_plain,
    })  # fmt: skip
    names = ["full", "direct"] + ([] if args.skip_plain else ["plain"])
    times: dict[str, list[float]] = {name: [] for name in names}
    unanswered = {name: 0 for name in names}
    errors: dict[str, list[str]] = {name: [] for name in names}

    work_dir = Path(tempfile.mkdtemp(prefix="waypoint-latency-"))
    postgres = stack = ways = None
    try:
        plain_dir = None
        if not args.skip_plain:
            plain_dir = work_dir / "plain-bot"
            print("training the plain `rasa init` bot ...", flush=True)
            report["plain_bot_training_seconds"] = round(train_plain_bot(plain_dir, work_dir / "plain-init.log"), 1)
            print(f"  rasa init (with its training): {report['plain_bot_training_seconds']:.0f} s")
        environment = {"REPLY_WAIT_SECONDS": "120"}
        if args.postgres:
            postgres = PostgresServer(durable=True)
            postgres.start()
            environment["DATABASE_URL"] = postgres.create_database("latency")
        print("starting the stack and the direct Rasa ...", flush=True)
        stack = Stack(work_dir / "stack", environment)
        stack.work_dir.mkdir()
        stack.start()
        ways = Ways(work_dir, stack, plain_dir)
        report["rasa_load_seconds"] = ways.start_rasa_processes()
        take = {"full": ways.full_round, "direct": ways.direct_round, "plain": ways.plain_round}
        for _ in range(args.warmup_rounds):
            for name in names:
                take[name](turns_per_round)
        for number, size in enumerate(round_sizes, start=1):
            for name in names:
                round_times, round_unanswered, round_errors = take[name](size)
                times[name] += round_times
                unanswered[name] += round_unanswered
                errors[name] += round_errors
            print(f"  round {number}/{rounds} done", flush=True)
    finally:
        close_all(ways, stack, postgres)
        shutil.rmtree(work_dir, ignore_errors=True)

    summaries = {name: seconds_summary(values) for name, values in times.items()}
    report["ways"] = {
        name: {**summaries[name], "unanswered": unanswered[name], "errors": errors[name][:20], "seconds": [round(t, 4) for t in times[name]]}
        for name in names
    }
    report["rest_messages_without_reply"] = Ways.unanswered_messages[:20]
    report["ways"]["full"]["what"] = "gateway POST /api/messages: store, Rasa, action server, store replies"
    report["ways"]["direct"]["what"] = "the same model on Rasa's REST channel, same action server and database"
    if "plain" in names:
        report["ways"]["plain"]["what"] = "`rasa init` bot on Rasa's REST channel (no custom actions, trackers in memory)"
    full, direct = summaries["full"], summaries["direct"]
    plain = summaries.get("plain", {})
    report["ratios"] = {
        "full_over_direct_p50": ratio(full["p50"], direct["p50"]),
        "full_over_direct_p95": ratio(full["p95"], direct["p95"]),
        "full_over_plain_p50": ratio(full["p50"], plain.get("p50")),
        "full_over_plain_p95": ratio(full["p95"], plain.get("p95")),
    }
    target_met = None if full["p95"] is None or direct["p95"] is None else full["p95"] <= TARGET_RATIO * direct["p95"]
    report["target"] = {"rule": "full-stack p95 <= 1.5 x direct Rasa p95", "met": target_met}

    print(f"turn latency, one client, {args.turns} turns per way ({rounds} rounds):")
    for name in names:
        summary = summaries[name]
        trouble = f", {unanswered[name]} unanswered, {len(errors[name])} errors" if unanswered[name] or errors[name] else ""
        print(f"  {name:<6}  p50 {ms(summary['p50']):>8}   p95 {ms(summary['p95']):>8}   ({summary['count']} turns{trouble})")
    ratios = report["ratios"]
    print(f"  full/direct: p50 x{ratios['full_over_direct_p50']}, p95 x{ratios['full_over_direct_p95']}")
    if "plain" in names:
        print(f"  full/plain:  p50 x{ratios['full_over_plain_p50']}, p95 x{ratios['full_over_plain_p95']}")
    print(f"  target full-stack p95 <= {TARGET_RATIO} x direct Rasa p95: {met(target_met)}")
    write_report("latency", report)


if __name__ == "__main__":
    main()
