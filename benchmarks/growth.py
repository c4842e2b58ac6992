"""Turn cost as a conversation grows, and as the database grows: latency and CPU time per turn.

One client takes `--turns` turns (300 by default) in one Rasa session, five ways at once, in turns
(way A's turn 1, way B's turn 1, ..., way A's turn 2, ...) so that load from elsewhere on the
machine falls on all of them alike:

- **full/empty** and **full/big**: through the whole stack (gateway POST /api/messages → Rasa →
  action server, stored both ways; REPLY_WAIT_SECONDS=120), one stack on an empty database and one
  on a big one;
- **direct/empty** and **direct/big**: the same trained model in a second `rasa run` on Rasa's REST
  channel, with that stack's environment (its action server, database and tracker store);
- **plain**: the `rasa init` bot (trained here), a turn at each position too, its own ten messages,
  a new conversation every ten turns (as in latency.py).

The big database holds `--clients` clients (10,000), `--messages` stored messages (a million)
and `--events` Rasa events in the tracker store (a million), written by this script with bulk
inserts before its stack starts; the empty one holds only what the migrations create.

The messages are tests/load_support.CONVERSATION over and over (consent and the start's questions
first, then the same ten messages again); the full-stack ways answer the greeting first, untimed, as
the web chat does. For each way the script reads the CPU time of the processes that serve it
(/proc/<pid>/stat: the gateway, Rasa and the action server; the direct Rasa and the action server;
the plain Rasa) before and after every turn, and reports milliseconds per turn. CPU time is the
robust figure on a shared machine; the load average and how busy the cores were are printed with it.

Figures: p50/p95 and CPU per turn over turns 1-30 and over the last 30 (271-300), their ratios
(target: last/first <= 1.3, p50 and p95); big/empty over all turns (target <= 1.3); full/plain p95
over turns 1-30 (target <= 3); and the CPU per turn of the full stack against the baseline (target:
at least 30 % less): reports/growth-baseline.json when a run with `--baseline` wrote one, else
benchmarks/growth-baseline.json, the figures measured on two cores before issue 17's changes.

    .venv/bin/python benchmarks/growth.py [--turns 300] [--window 30] [--skip-plain] [--skip-big]

Writes reports/growth.json (`--baseline` writes reports/growth-baseline.json instead). Needs the
trained model (`make run` or `make test` sets it up). Small check: `--turns 20 --window 5
--clients 100 --messages 5000 --events 5000`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Awaitable, Callable

import aiohttp

from bench_support import (
    busy_share,
    close_all,
    cpu_seconds,
    machine_cpu_times,
    met,
    ms,
    ratio,
    read_report,
    report_header,
    seconds_summary,
    write_report,
)
from latency import OPENING, PLAIN_CONVERSATION, Ways, train_plain_bot

from bot.storage.engine import make_engine  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.models import Client, Message, utcnow  # noqa: E402
from tests.load_support import CONVERSATION, GREETING_TIMEOUT, _wait_for_reply  # noqa: E402
from tests.stack_support import Stack, say_hello  # noqa: E402

GROWTH_TARGET = 1.3  # last window / first window, p50 and p95
SIZE_TARGET = 1.3  # big database / empty database
PLAIN_TARGET = 3.0  # full-stack p95 / plain bot p95
CPU_CUT_TARGET = 0.30  # CPU per turn of the full stack, below the baseline's
CHUNK = 20_000


# --- the big database -------------------------------------------------------------------------


def _user_event(number: int, timestamp: float, message_id: str) -> dict[str, Any]:
    intents = ["affirm", "inform", "help", "show_progress", "show_plan", "thank", "deny", "unsure", "greet", "skip"]
    ranking = [{"name": name, "confidence": round(random.random(), 4)} for name in intents]
    return {
        "event": "user", "timestamp": timestamp, "metadata": {"answering": {"question": "question", "slot": "situation"}},
        "text": f"an answer of some length, number {number}, about work and study and what comes next",
        "parse_data": {
            "intent": ranking[0], "entities": [], "text": "an answer", "message_id": message_id,
            "metadata": {}, "intent_ranking": ranking, "response_selector": {},
        },
        "input_channel": "gateway", "message_id": message_id,
    }  # fmt: skip


def _event_rows(sender_id: str, count: int, start: float) -> list[dict[str, Any]]:
    """About what Rasa stores for a conversation: per turn the user's message, its featurization, an
    action, a slot, the bot's reply and action_listen."""
    rows: list[dict[str, Any]] = []
    timestamp = start
    while len(rows) < count:
        timestamp += 20
        message_id = uuid.uuid4().hex
        turn = [
            ("user", "affirm", None, _user_event(len(rows), timestamp, message_id)),
            ("user_featurization", None, None, {"event": "user_featurization", "timestamp": timestamp, "use_text_for_featurization": False}),
            ("action", None, "action_store_answer", {"event": "action", "timestamp": timestamp, "name": "action_store_answer", "policy": "RulePolicy", "confidence": 1.0, "action_text": None, "hide_rule_turn": False}),
            ("slot", None, None, {"event": "slot", "timestamp": timestamp, "name": "stage", "value": "reflection"}),
            ("bot", None, None, {"event": "bot", "timestamp": timestamp, "text": "Thank you. What matters most to you in your work?", "data": {"buttons": [{"title": "Skip", "payload": "/skip"}], "custom": {"question": "question", "slot": "values"}}, "metadata": {"utter_action": "utter_ask_values"}}),
            ("action", None, "action_listen", {"event": "action", "timestamp": timestamp, "name": "action_listen", "policy": "RulePolicy", "confidence": 1.0, "action_text": None, "hide_rule_turn": True}),
        ]  # fmt: skip
        for type_name, intent_name, action_name, data in turn:
            rows.append({
                "sender_id": sender_id, "type_name": type_name, "timestamp": data["timestamp"],
                "intent_name": intent_name, "action_name": action_name, "data": json.dumps(data),
            })  # fmt: skip
    return rows[:count]


def fill_database(url: str, clients: int, messages: int, events: int) -> dict[str, Any]:
    """Migrate the database at `url` and add `clients` clients with `messages` messages between them (in
    and out, answered and sent) and `events` events in Rasa's tracker store, with bulk inserts."""
    from rasa.core.tracker_store import SQLTrackerStore

    random.seed(17)
    started = time.monotonic()
    engine = make_engine(url)
    try:
        upgrade(engine)
        SQLTrackerStore.Base.metadata.create_all(engine)  # Rasa's events table, as Rasa creates it
        now = utcnow()
        ids = [uuid.uuid4().hex for _ in range(clients)]
        with engine.begin() as connection:
            for first in range(0, clients, CHUNK):
                connection.execute(Client.__table__.insert(), [
                    {"id": client_id, "created_at": now - timedelta(days=60), "last_active_at": now - timedelta(days=1), "opened_at": now - timedelta(days=60)}
                    for client_id in ids[first:first + CHUNK]
                ])  # fmt: skip
        per_client = max(1, messages // max(clients, 1))
        written = 0
        with engine.begin() as connection:
            batch: list[dict[str, Any]] = []
            for number in range(messages):
                client_id = ids[(number // per_client) % clients]
                inbound = number % 2 == 0
                batch.append({
                    "client_id": client_id, "direction": "in" if inbound else "out", "channel": "web",
                    "text": "I work in a shop and would like to work with animals" if inbound else "Thank you. What matters most to you in your work?",
                    "payload": None, "content": None if inbound else {"buttons": [{"title": "Skip", "payload": "/skip"}]},
                    "status": "answered" if inbound else "sent", "reply_to_id": None,
                    "created_at": now - timedelta(days=60) + timedelta(seconds=number),
                })  # fmt: skip
                if len(batch) == CHUNK:
                    connection.execute(Message.__table__.insert(), batch)
                    written += len(batch)
                    batch = []
            if batch:
                connection.execute(Message.__table__.insert(), batch)
                written += len(batch)
        events_per_client = max(1, events // max(clients, 1))
        table = SQLTrackerStore.SQLEvent.__table__
        stored_events = 0
        with engine.begin() as connection:
            batch = []
            start = time.time() - 60 * 86400
            for client_id in ids:
                if stored_events + len(batch) >= events:
                    break
                batch += _event_rows(client_id, min(events_per_client, events - stored_events - len(batch)), start)
                if len(batch) >= CHUNK:
                    connection.execute(table.insert(), batch)
                    stored_events += len(batch)
                    batch = []
            if batch:
                connection.execute(table.insert(), batch)
                stored_events += len(batch)
    finally:
        engine.dispose()
    return {"clients": clients, "messages": written, "rasa_events": stored_events, "seconds": round(time.monotonic() - started, 1)}


# --- the ways of taking a turn ----------------------------------------------------------------


@dataclass
class Way:
    """One conversation: `turn(number)` takes turn `number` (0-based) and returns its seconds; `pids`
    gives the processes whose CPU time it costs."""

    name: str
    turn: Callable[[int], Awaitable[float]]
    pids: Callable[[], dict[str, int]]
    seconds: list[float] = field(default_factory=list)
    cpu: list[dict[str, float]] = field(default_factory=list)  # per turn: process -> CPU seconds
    errors: list[str] = field(default_factory=list)


def _message(number: int) -> tuple[str, str | None]:
    return CONVERSATION[number % len(CONVERSATION)]


async def full_stack_way(http: aiohttp.ClientSession, name: str, stack: Stack) -> Way:
    async with http.post(f"{stack.url}/api/sessions") as response:
        assert response.status == 201, await response.text()
        token = (await response.json())["client_token"]
    headers = {"Authorization": f"Bearer {token}"}
    await say_hello(stack.url, token, http)
    if not await _wait_for_reply(http, stack.url, headers, 0, GREETING_TIMEOUT):
        raise RuntimeError(f"{name}: no greeting")

    async def turn(number: int) -> float:
        text, payload = _message(number)
        started = time.monotonic()
        async with http.post(f"{stack.url}/api/messages", json={"text": text, "payload": payload}, headers=headers) as response:
            body = await response.json(content_type=None)
            status = response.status
        if status == 202:
            if not await _wait_for_reply(http, stack.url, headers, body["message"]["id"], GREETING_TIMEOUT):
                raise RuntimeError("no reply")
        elif status != 200:
            raise RuntimeError(f"HTTP {status}")
        return time.monotonic() - started

    pids = stack.processes()  # read once: /proc is scanned for them
    return Way(name, turn, lambda: pids)


async def rest_way(http: aiohttp.ClientSession, name: str, url: str, sender: Callable[[int], str], message: Callable[[int], str],
                   opening: str | None, pids: Callable[[], dict[str, int]]) -> Way:  # fmt: skip
    """A conversation on Rasa's REST channel; `sender(number)` may start a new one (the plain bot's rounds)."""
    opened: set[str] = set()

    async def turn(number: int) -> float:
        who = sender(number)
        if opening is not None and who not in opened:
            async with http.post(url, json={"sender": who, "message": opening}) as response:
                response.raise_for_status()
                await response.json(content_type=None)
            opened.add(who)
        started = time.monotonic()
        async with http.post(url, json={"sender": who, "message": message(number)}) as response:
            response.raise_for_status()
            await response.json(content_type=None)
        return time.monotonic() - started

    return Way(name, turn, pids)


async def take_turns(ways: list[Way], turns: int) -> None:
    for number in range(turns):
        for way in ways:
            pids = way.pids()
            before = {process: cpu_seconds(pid) for process, pid in pids.items()}
            try:
                way.seconds.append(await way.turn(number))
            except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError, ValueError, KeyError) as error:
                way.errors.append(f"turn {number + 1}: {type(error).__name__}: {error}")
                way.seconds.append(float("nan"))
            after = {process: cpu_seconds(pid) for process, pid in pids.items()}
            way.cpu.append({
                process: round(after[process] - before[process], 3)
                for process in pids if before[process] is not None and after[process] is not None
            })  # fmt: skip
        if (number + 1) % 25 == 0:
            print(f"  turn {number + 1}/{turns}  (load {os.getloadavg()[0]:.1f})", flush=True)


# --- figures ----------------------------------------------------------------------------------


def window_figures(way: Way, first: int, last: int) -> dict[str, Any]:
    """p50/p95 and CPU ms per turn (per process and together) over turns first..last (1-based, inclusive)."""
    seconds = [value for value in way.seconds[first - 1:last] if value == value]  # NaN: a failed turn
    cpu = way.cpu[first - 1:last]
    processes = sorted({process for turn in cpu for process in turn})
    per_process = {process: round(1000 * sum(turn.get(process, 0.0) for turn in cpu) / max(len(cpu), 1), 1) for process in processes}
    return {
        "turns": f"{first}-{last}", **seconds_summary(seconds),
        "cpu_ms_per_turn": per_process, "cpu_ms_per_turn_total": round(sum(per_process.values()), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300, help="turns in the one conversation of each way")
    parser.add_argument("--window", type=int, default=30, help="turns compared at the start and at the end")
    parser.add_argument("--clients", type=int, default=10_000, help="clients in the big database")
    parser.add_argument("--messages", type=int, default=1_000_000, help="stored messages in the big database")
    parser.add_argument("--events", type=int, default=1_000_000, help="Rasa events in the big database's tracker store")
    parser.add_argument("--warmup-turns", type=int, default=10, help="turns of an uncounted conversation per way first")
    parser.add_argument("--skip-plain", action="store_true", help="leave out the plain `rasa init` bot (and its training)")
    parser.add_argument("--skip-big", action="store_true", help="leave out the big database")
    parser.add_argument("--baseline", action="store_true", help="write reports/growth-baseline.json, the run later ones compare with")
    args = parser.parse_args()
    window = min(args.window, args.turns)
    report = report_header({
        "turns": args.turns, "window": window, "database": "sqlite", "reply_wait_seconds": 120,
        "big_database": None if args.skip_big else {"clients": args.clients, "messages": args.messages, "rasa_events": args.events},
        "plain_bot": not args.skip_plain,
    })  # fmt: skip
    variants = ["empty"] + ([] if args.skip_big else ["big"])
    work_dir = Path(tempfile.mkdtemp(prefix="waypoint-growth-"))
    stacks: dict[str, Stack] = {}
    rasas: dict[str, Ways] = {}
    ways: list[Way] = []
    try:
        plain_dir = None
        if not args.skip_plain:
            plain_dir = work_dir / "plain-bot"
            print("training the plain `rasa init` bot ...", flush=True)
            report["plain_bot_training_seconds"] = round(train_plain_bot(plain_dir, work_dir / "plain-init.log"), 1)
        for variant in variants:
            directory = work_dir / variant
            directory.mkdir()
            stack = Stack(directory, {"REPLY_WAIT_SECONDS": "120"})
            if variant == "big":
                print(f"filling the big database ({args.clients} clients, {args.messages} messages, {args.events} Rasa events) ...", flush=True)
                report["big_database_fill"] = fill_database(stack.database_url, args.clients, args.messages, args.events)
                print(f"  {report['big_database_fill']['seconds']:.0f} s, {stack.database_path.stat().st_size / 2**20:.0f} MB")
            print(f"starting the stack and the direct Rasa on the {variant} database ...", flush=True)
            stack.start()
            stacks[variant] = stack
            rasas[variant] = Ways(directory, stack, plain_dir if variant == "empty" else None)
            report.setdefault("rasa_load_seconds", {})[variant] = rasas[variant].start_rasa_processes()
        report["load_average_before_turns"] = [round(value, 2) for value in os.getloadavg()]
        machine_before = machine_cpu_times()
        asyncio.run(_run(args.turns, args.warmup_turns, stacks, rasas, ways))
        machine_after = machine_cpu_times()
        report["load_average_after_turns"] = [round(value, 2) for value in os.getloadavg()]
        report["machine_busy_share"] = busy_share(machine_before, machine_after)
    finally:
        close_all(*rasas.values(), *stacks.values())
        shutil.rmtree(work_dir, ignore_errors=True)

    last_first = args.turns - window + 1
    figures: dict[str, Any] = {}
    for way in ways:
        figures[way.name] = {
            "first": window_figures(way, 1, window),
            "last": window_figures(way, last_first, args.turns),
            "all": window_figures(way, 1, args.turns),
            "errors": way.errors[:20],
            "seconds": [round(value, 4) for value in way.seconds],
        }
    report["ways"] = figures
    print_and_judge(report, figures, window, last_first, args.turns)
    write_report("growth-baseline" if args.baseline else "growth", report)


async def _run(turns: int, warmup_turns: int, stacks: dict[str, Stack], rasas: dict[str, Ways], ways: list[Way]) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600)) as http:
        if warmup_turns:
            print(f"warming up: a conversation of {warmup_turns} turns per way, not counted ...", flush=True)
            warmup: list[Way] = []
            await _open_ways(http, stacks, rasas, warmup)
            await take_turns(warmup, warmup_turns)
        await _open_ways(http, stacks, rasas, ways)
        await take_turns(ways, turns)


async def _open_ways(http: aiohttp.ClientSession, stacks: dict[str, Stack], rasas: dict[str, Ways], ways: list[Way]) -> None:
    """A new conversation for each way (the full and direct ways of each database, the plain bot)."""
    for variant, stack in stacks.items():
        ways.append(await full_stack_way(http, f"full/{variant}", stack))
        direct = rasas[variant]
        client_id = direct.new_client_id()

        served_by = {"rasa": direct.direct[0].pid, "actions": stack.processes()["actions"]}
        ways.append(await rest_way(
            http, f"direct/{variant}", f"{direct.direct[1]}/webhooks/rest/webhook", lambda _, who=client_id: who,
            lambda number: (lambda text, payload: payload or text)(*_message(number)), OPENING, lambda served_by=served_by: served_by,
        ))  # fmt: skip
    plain = rasas["empty"].plain
    if plain is not None:
        run = uuid.uuid4().hex[:8]
        ways.append(await rest_way(
            http, "plain", f"{plain[1]}/webhooks/rest/webhook",
            lambda number: f"plain-{run}-{number // len(PLAIN_CONVERSATION)}",
            lambda number: PLAIN_CONVERSATION[number % len(PLAIN_CONVERSATION)], None,
            lambda: {"rasa": plain[0].pid},
        ))  # fmt: skip


def print_and_judge(report: dict[str, Any], figures: dict[str, Any], window: int, last_first: int, turns: int) -> None:
    load = report.get("load_average_before_turns")
    print(f"turn cost by position, one conversation per way ({turns} turns; load before {load}, after "
          f"{report.get('load_average_after_turns')}, cores busy {report.get('machine_busy_share')}):")
    print(f"  {'way':<13} {'turns':<9} {'p50':>8} {'p95':>8}   CPU ms per turn (total: per process)")
    for name, way in figures.items():
        for key in ("first", "last"):
            part = way[key]
            processes = ", ".join(f"{process} {value:.0f}" for process, value in part["cpu_ms_per_turn"].items())
            print(f"  {name:<13} {part['turns']:<9} {ms(part['p50']):>8} {ms(part['p95']):>8}   {part['cpu_ms_per_turn_total']:.0f}: {processes}")
        if way["errors"]:
            print(f"  {name:<13} {len(way['errors'])} errors, e.g. {way['errors'][0]}")
    ratios: dict[str, Any] = {}
    targets: dict[str, Any] = {}
    for name, way in figures.items():
        if name == "plain":
            continue
        ratios[f"{name} last/first"] = {
            "p50": ratio(way["last"]["p50"], way["first"]["p50"]),
            "p95": ratio(way["last"]["p95"], way["first"]["p95"]),
            "cpu": ratio(way["last"]["cpu_ms_per_turn_total"], way["first"]["cpu_ms_per_turn_total"]),
        }
    for kind in ("full", "direct"):
        big, empty = figures.get(f"{kind}/big"), figures.get(f"{kind}/empty")
        if big and empty:
            ratios[f"{kind} big/empty"] = {
                "p50": ratio(big["all"]["p50"], empty["all"]["p50"]),
                "p95": ratio(big["all"]["p95"], empty["all"]["p95"]),
                "cpu": ratio(big["all"]["cpu_ms_per_turn_total"], empty["all"]["cpu_ms_per_turn_total"]),
            }
    if "plain" in figures:
        ratios[f"full/plain p95, turns 1-{window}"] = ratio(figures["full/empty"]["first"]["p95"], figures["plain"]["first"]["p95"])
        ratios["full/plain p95, all turns"] = ratio(figures["full/empty"]["all"]["p95"], figures["plain"]["all"]["p95"])
    print(f"  ratios (last = turns {last_first}-{turns}, first = turns 1-{window}; big/empty over all turns):")
    for name, value in ratios.items():
        shown = value if not isinstance(value, dict) else "  ".join(f"{key} x{figure}" for key, figure in value.items())
        print(f"    {name:<30} {shown}")

    def within(value: float | None, limit: float) -> bool | None:
        return None if value is None else value <= limit

    growth = [ratios[f"{kind}/empty last/first"][p] for kind in ("full", "direct") for p in ("p50", "p95") if f"{kind}/empty last/first" in ratios]
    targets["turns at the end <= 1.3 x turns at the start (p50, p95; full and direct, empty database)"] = (
        None if None in growth else all(value <= GROWTH_TARGET for value in growth)
    )
    size = [ratios[f"{kind} big/empty"][p] for kind in ("full", "direct") for p in ("p50", "p95") if f"{kind} big/empty" in ratios]
    targets["big database <= 1.3 x empty (p50, p95; full and direct)"] = (
        None if not size or None in size else all(value <= SIZE_TARGET for value in size)
    )
    targets[f"full-stack p95 <= 3 x plain bot p95 (turns 1-{window})"] = within(ratios.get(f"full/plain p95, turns 1-{window}"), PLAIN_TARGET)
    baseline = read_report("growth-baseline") or _committed_baseline()
    if baseline and baseline.get("ways", {}).get("full/empty") and "full/empty" in figures:
        before = baseline["ways"]["full/empty"]["all"]["cpu_ms_per_turn_total"]
        now = figures["full/empty"]["all"]["cpu_ms_per_turn_total"]
        cut = round(1 - now / before, 3) if before else None
        report["cpu_against_baseline"] = {
            "baseline_commit": baseline.get("commit"), "baseline_date": baseline.get("date"),
            "baseline_load": baseline.get("load_average_before_turns"),
            "baseline_cpu_ms_per_turn": before, "cpu_ms_per_turn": now, "cut": cut,
        }  # fmt: skip
        print(f"  CPU per turn, full stack, all turns: {now:.0f} ms against {before:.0f} ms in the baseline "
              f"({baseline.get('date')}): {cut * 100:.0f} % less" if cut is not None else "")
        targets["CPU per turn (all processes) >= 30 % below the baseline"] = None if cut is None else cut >= CPU_CUT_TARGET
    report["ratios"] = ratios
    report["targets"] = {rule: {"met": value} for rule, value in targets.items()}
    for rule, value in targets.items():
        print(f"  target {rule}: {met(value)}")


def _committed_baseline() -> dict[str, Any] | None:
    path = Path(__file__).resolve().parent / "growth-baseline.json"
    return json.loads(path.read_text()) if path.exists() else None


if __name__ == "__main__":
    main()
