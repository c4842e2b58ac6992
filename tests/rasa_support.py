"""Running rasa's own commands from tests, with the trained model the set-up built."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT
from bot.training import ensure_model, rasa_environment

RASA = str(Path(sys.executable).with_name("rasa"))


def trained_model() -> Path:
    """The model for the current data; `make test` trained it already, so this is a lookup."""
    return ensure_model()


def run_rasa(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [RASA, *args], cwd=PROJECT_ROOT, env=rasa_environment(), capture_output=True, text=True, timeout=timeout
    )
