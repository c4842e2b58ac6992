"""The action server offers exactly the custom actions the domain names, and keeps Rasa's connections."""

import os
import socket
import subprocess
import sys
import time

import yaml
from rasa_sdk.executor import ActionExecutor

from bot.settings import PROJECT_ROOT
from tests.stack_support import free_port

KEEP_ALIVE_IDLE_SECONDS = 7


def test_every_custom_action_in_the_domain_is_registered_and_nothing_else():
    executor = ActionExecutor()
    executor.register_package("actions")
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    assert set(executor.actions) == set(domain["actions"])


def _get_health(connection: socket.socket) -> bytes:
    connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    return connection.recv(4096)


def test_an_idle_connection_from_rasa_is_kept_longer_than_rasa_keeps_it(tmp_path):
    """Rasa reuses a connection to the action server for up to 15 s; had the server closed it first, the
    next turn's action failed and its events were lost (seen under load in the soak test)."""
    port = free_port()
    env = {**os.environ, "ACTION_SERVER_TOKEN": "test-token", "DATABASE_URL": f"sqlite:///{tmp_path / 'actions.db'}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.action_server", "--port", str(port)], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError("the action server did not start")
                time.sleep(0.5)
        with connection:
            assert _get_health(connection).startswith(b"HTTP/1.1 200")
            time.sleep(KEEP_ALIVE_IDLE_SECONDS)  # longer than Sanic's default of 5 s
            assert _get_health(connection).startswith(b"HTTP/1.1 200"), "the server closed the idle connection"
    finally:
        server.terminate()
        server.wait(timeout=30)
