"""The words of what the bot tells a client on its own (bot/defaults/client_notices.yml)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

NOTICES_FILE = Path(__file__).resolve().parent.parent / "defaults" / "client_notices.yml"


@lru_cache(maxsize=1)
def _notices() -> dict[str, str]:
    return yaml.safe_load(NOTICES_FILE.read_text(encoding="utf-8"))


def practitioner_notice(practitioner: str | None) -> str:
    """Who the client's practitioner is now, after an administrator changed it (None: nobody for now)."""
    if practitioner is None:
        return _notices()["practitioner_removed"]
    return _notices()["practitioner_changed"].format(practitioner=practitioner)
