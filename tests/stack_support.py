"""The real stack (supervisor, Rasa with the trained model, action server, gateway) on free loopback ports."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import aiohttp

from bot.settings import PROJECT_ROOT, load_settings

START_TIMEOUT = 240


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def free_ports_in_a_row(count: int) -> int:
    """The first of `count` free ports side by side (several Rasa processes take RASA_PORT, RASA_PORT + 1, ...)."""
    for _ in range(100):
        first = free_port()
        try:
            with contextlib.ExitStack() as probes:
                for port in range(first, first + count):
                    probe = probes.enter_context(socket.socket())
                    probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise RuntimeError(f"no {count} free ports in a row")


def http(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class Stack:
    """The supervisor and its processes; `environment` adds settings (a PostgreSQL DATABASE_URL,
    REDIS_URL and RASA_PROCESSES for the production set-up)."""

    def __init__(self, work_dir: Path, environment: dict[str, str] | None = None) -> None:
        self.work_dir = work_dir
        self.database_path = work_dir / "stack.db"
        rasa_processes = int((environment or {}).get("RASA_PROCESSES", "1"))
        self.ports = {
            "GATEWAY_PORT": free_port(),
            "RASA_PORT": free_ports_in_a_row(rasa_processes),
            "ACTION_SERVER_PORT": free_port(),
        }
        self.environment = {
            **os.environ,
            **{name: str(port) for name, port in self.ports.items()},
            "DATABASE_URL": f"sqlite:///{self.database_path}",
            "REPLY_WAIT_SECONDS": "3",
            "MEDIA_DIR": str(work_dir / "media"),
            # Scripted clients write far faster than people, all from loopback; the limits themselves
            # are tested on the gateway.
            "MAX_MESSAGES_PER_MINUTE": "10000",
            "NEW_SESSIONS_PER_HOUR": "100000",
            **(environment or {}),
        }
        self.settings = load_settings(self.environment)
        self.process: subprocess.Popen | None = None
        self.log_path = work_dir / "stack.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports['GATEWAY_PORT']}"

    def health(self) -> tuple[int, Any]:
        try:
            return http("GET", f"{self.url}/healthz")
        except (urllib.error.URLError, ConnectionError, OSError):
            return 0, None

    def start(self, wait_for: str = "everything") -> None:
        """Start the supervisor; wait until the gateway answers, or until every component does."""
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.supervisor"],
            cwd=PROJECT_ROOT,
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            status, _ = self.health()
            if status == 200 or (wait_for == "gateway" and status == 503):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        raise RuntimeError(f"the stack did not come up; its log:\n{self.log_path.read_text()[-5000:]}")

    def wait_for_rasa_on(self, port: int, timeout: float = START_TIMEOUT) -> None:
        """Until the Rasa process on `port` answers (/healthz is 200 as soon as any one does)."""
        deadline = time.monotonic() + timeout
        headers = {"Authorization": f"Bearer {self.settings.rasa_token}"}
        while time.monotonic() < deadline:
            try:
                if http("GET", f"http://127.0.0.1:{port}/webhooks/gateway/", headers=headers)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(1)
        raise RuntimeError(f"no Rasa process answered on port {port}; the log:\n{self.log_path.read_text()[-3000:]}")

    def wait_for_every_rasa_process(self) -> None:
        for port in range(self.ports["RASA_PORT"], self.ports["RASA_PORT"] + self.settings.rasa_processes):
            self.wait_for_rasa_on(port)

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while self.health()[0] != 200:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the stack did not become healthy; its log:\n{self.log_path.read_text()[-5000:]}")
            time.sleep(0.5)

    @property
    def database_url(self) -> str:
        return self.environment["DATABASE_URL"]

    def rows(self, query: str, **params: Any) -> list[Any]:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.database_url, future=True)
        try:
            with engine.connect() as connection:
                return connection.execute(text(query), params).all()
        finally:
            engine.dispose()

    def processes(self) -> dict[str, int]:
        """The supervisor's children by service name (actions, rasa or rasa-1, rasa-2..., gateway) and their pids."""
        assert self.process is not None
        found: dict[str, int] = {}
        for stat_file in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = int(stat_file.read_text().rsplit(")", 1)[1].split()[1])
                command = (stat_file.parent / "cmdline").read_bytes().split(b"\0")
            except (OSError, IndexError, ValueError):
                continue
            if parent != self.process.pid:
                continue
            words = [word.decode() for word in command if word]
            if "bot.action_server" in words:
                found["actions"] = int(stat_file.parent.name)
            elif "bot.gateway" in words:
                found["gateway"] = int(stat_file.parent.name)
            elif "run" in words and "--port" in words:
                offset = int(words[words.index("--port") + 1]) - self.ports["RASA_PORT"]
                name = "rasa" if self.settings.rasa_processes == 1 else f"rasa-{offset + 1}"
                found[name] = int(stat_file.parent.name)
        return found

    def kill(self, name: str) -> None:
        """Kill one process at once (SIGKILL), as a crash would; the supervisor starts it again."""
        os.killpg(self.processes()[name], signal.SIGKILL)

    def resident_memory(self) -> dict[str, int]:
        """Resident memory of each process in bytes (VmRSS)."""
        memory = {}
        for name, pid in self.processes().items():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    memory[name] = int(line.split()[1]) * 1024
        return memory

    def log_problems(self, limit: int = 40) -> str:
        """The log's warnings and errors (with Rasa's lost actions), for a failing test to show."""
        lines = [
            line for line in self.log_path.read_text(errors="replace").splitlines()
            if any(word in line for word in ("ERROR", "WARNING", "Encountered an exception", "Traceback", "exited with"))
            and "Deprecat" not in line
        ]
        return "\n".join(lines[-limit:])

    def stop(self) -> None:
        """Ctrl-C, as a person would press it."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


async def say_hello(base_url: str, token: str, http: aiohttp.ClientSession | None = None) -> None:
    """Connect as the web chat does and leave: the gateway then produces the bot's greeting."""
    async with contextlib.AsyncExitStack() as stack:
        if http is None:
            http = await stack.enter_async_context(aiohttp.ClientSession())
        async with http.ws_connect(base_url.replace("http://", "ws://", 1) + "/api/ws") as socket:
            await socket.send_json({"type": "hello", "client_token": token})
            ready = await socket.receive_json(timeout=60)
            assert ready["type"] == "ready", ready


class ChatClient:
    """A client of the gateway's HTTP API."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        status, body = http("POST", f"{stack.url}/api/sessions")
        assert status == 201, body
        self.headers = {"Authorization": f"Bearer {body['client_token']}"}
        asyncio.run(say_hello(stack.url, body["client_token"]))  # as the web chat does: the bot greets

    def say(self, text: str, payload: str | None = None) -> tuple[int, Any]:
        return http("POST", f"{self.stack.url}/api/messages", {"text": text, "payload": payload}, self.headers)

    def replies_to(self, text: str, payload: str | None = None) -> str:
        """Send a message and return the bot's answer as one text, waiting if it was queued."""
        status, body = self.say(text, payload)
        assert status in (200, 202), body
        if status == 200:
            return "\n".join(reply["text"] or "" for reply in body["replies"])
        return self.wait_for_reply_after(body["message"]["id"])

    def history(self) -> list[dict[str, Any]]:
        status, body = http("GET", f"{self.stack.url}/api/messages", headers=self.headers)
        assert status == 200, body
        return body["messages"]

    def wait_for_reply_after(self, message_id: int, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            replies = [m for m in self.history() if m["direction"] == "out" and m["id"] > message_id]
            if replies:
                time.sleep(0.5)  # let the rest of the turn's replies land
                return "\n".join(m["text"] or "" for m in self.history() if m["direction"] == "out" and m["id"] > message_id)
            time.sleep(0.3)
        raise AssertionError("no reply arrived")
