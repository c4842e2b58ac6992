"""Rasa and the action server refuse to listen on a public interface unless told to twice."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.interfaces import is_loopback, refusal
from bot.settings import PROJECT_ROOT, load_settings


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_addresses_are_allowed(host):
    assert is_loopback(host) and refusal("Rasa", "RASA_INTERFACE", host, allow_public=False) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5", "192.168.1.20", "rasa.internal"])
def test_other_interfaces_are_refused_unless_allowed(host):
    reason = refusal("Rasa", "RASA_INTERFACE", host, allow_public=False)
    assert reason and "ALLOW_PUBLIC_INTERFACES=true" in reason and host in reason
    assert refusal("Rasa", "RASA_INTERFACE", host, allow_public=True) is None


def test_the_services_are_called_on_the_interface_they_listen_on(tmp_path):
    settings = load_settings({"RASA_INTERFACE": "0.0.0.0", "ACTION_SERVER_INTERFACE": "10.0.0.5"}, env_file=tmp_path / ".env")
    assert settings.rasa_url.startswith("http://127.0.0.1:")
    assert settings.action_server_url.startswith("http://10.0.0.5:")


@pytest.mark.parametrize(
    "module, variable",
    [("bot.supervisor", "RASA_INTERFACE"), ("bot.supervisor", "ACTION_SERVER_INTERFACE"), ("bot.action_server", "ACTION_SERVER_INTERFACE")],
)
def test_starting_on_a_public_interface_stops_with_an_explanation(tmp_path, module, variable):
    environment = {**os.environ, variable: "0.0.0.0", "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}"}
    environment.pop("ALLOW_PUBLIC_INTERFACES", None)
    done = subprocess.run(
        [sys.executable, "-m", module], env=environment, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert "not loopback" in done.stderr and "ALLOW_PUBLIC_INTERFACES=true" in done.stderr
    assert not (tmp_path / "unused.db").exists(), "nothing was started"
