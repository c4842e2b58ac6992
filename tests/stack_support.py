"""The real stack (supervisor, Rasa with the trained model, action server, gateway) on free loopback ports."""

from __future__ import annotations

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

from bot.settings import PROJECT_ROOT, load_settings

START_TIMEOUT = 240


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class Stack:
    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir
        self.database_path = work_dir / "stack.db"
        self.ports = {"GATEWAY_PORT": free_port(), "RASA_PORT": free_port(), "ACTION_SERVER_PORT": free_port()}
        self.environment = {
            **os.environ,
            **{name: str(port) for name, port in self.ports.items()},
            "DATABASE_URL": f"sqlite:///{self.database_path}",
            "REPLY_WAIT_SECONDS": "3",
            "MEDIA_DIR": str(work_dir / "media"),
            # Scripted clients write far faster than people; the limit itself is tested on the gateway.
            "MAX_MESSAGES_PER_MINUTE": "10000",
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

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while self.health()[0] != 200:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the stack did not become healthy; its log:\n{self.log_path.read_text()[-5000:]}")
            time.sleep(0.5)

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


class ChatClient:
    """A client of the gateway's HTTP API."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        status, body = http("POST", f"{stack.url}/api/sessions")
        assert status == 201, body
        self.headers = {"Authorization": f"Bearer {body['client_token']}"}

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
