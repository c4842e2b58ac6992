"""Simulated clients for the soak test and the benchmarks: many at once over the chat API.

Each client opens a conversation (and connects, as the web chat does), waits for the greeting, agrees, and then answers the start's
questions (and a few more turns) the way a person would, one message after the other. A turn is
the time from sending a message to having the whole answer (the gateway waits for it, see
REPLY_WAIT_SECONDS; a 202 is followed by reading the history until the reply is there).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tests.stack_support import say_hello

# Ten turns through the real dialogue: consent, the start's questions, then a few requests.
CONVERSATION: list[tuple[str, str | None]] = [
    ("Yes, I agree", "/affirm"),
    ("I work in a shop and would like to work with animals", None),
    ("3 · somewhat", "3"),
    ("2", "2"),
    ("two", None),
    ("Find out about veterinary nurse training; visit an animal shelter", None),
    ("what can you do?", None),
    ("where am I in the process?", None),
    ("show my plan", None),
    ("thanks", None),
]
GREETING_TIMEOUT = 300


@dataclass
class LoadResult:
    turn_seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    clients_done: int = 0
    unanswered: int = 0
    elapsed: float = 0.0

    @property
    def turns(self) -> int:
        return len(self.turn_seconds)

    @property
    def turns_per_second(self) -> float:
        return self.turns / self.elapsed if self.elapsed else 0.0


async def _json(response: aiohttp.ClientResponse) -> Any:
    return await response.json(content_type=None)


async def _wait_for_reply(http: aiohttp.ClientSession, base_url: str, headers: dict, after: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        async with http.get(f"{base_url}/api/messages?after={after}", headers=headers) as response:
            messages = (await _json(response))["messages"]
        if any(m["direction"] == "out" for m in messages):
            return True
        await asyncio.sleep(0.5)
    return False


async def simulated_client(http: aiohttp.ClientSession, base_url: str, turns: int, result: LoadResult) -> None:
    """One client's conversation of `turns` messages (after the greeting); failures go to `result.errors`."""
    try:
        async with http.post(f"{base_url}/api/sessions") as response:
            if response.status != 201:
                result.errors.append(f"session: HTTP {response.status}")
                return
            token = (await _json(response))["client_token"]
            headers = {"Authorization": f"Bearer {token}"}
        await say_hello(base_url, token, http)
        if not await _wait_for_reply(http, base_url, headers, 0, GREETING_TIMEOUT):
            result.errors.append("no greeting")
            return
        for number in range(turns):
            text, payload = CONVERSATION[number % len(CONVERSATION)]
            started = time.monotonic()
            async with http.post(f"{base_url}/api/messages", json={"text": text, "payload": payload}, headers=headers) as response:
                body = await _json(response)
                status = response.status
            if status == 202:
                answered = await _wait_for_reply(http, base_url, headers, body["message"]["id"], GREETING_TIMEOUT)
            elif status == 200:
                answered = any(reply.get("text") or reply.get("image") for reply in body["replies"])
            else:
                result.errors.append(f"turn {number + 1}: HTTP {status} {body.get('error') if isinstance(body, dict) else ''}")
                return
            if not answered:
                result.unanswered += 1
            result.turn_seconds.append(time.monotonic() - started)
        result.clients_done += 1
    except (aiohttp.ClientError, asyncio.TimeoutError, KeyError, ValueError) as error:
        result.errors.append(f"{type(error).__name__}: {error}")


async def run_clients(base_url: str, clients: int, turns: int) -> LoadResult:
    """`clients` simulated clients at once, each taking `turns` turns; returns what happened."""
    result = LoadResult()
    connector = aiohttp.TCPConnector(limit=clients + 10)
    timeout = aiohttp.ClientTimeout(total=600)
    started = time.monotonic()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        await asyncio.gather(*(simulated_client(http, base_url, turns, result) for _ in range(clients)))
    result.elapsed = time.monotonic() - started
    return result
