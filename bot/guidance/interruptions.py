"""Deciding whether a message inside a form is an answer or a request to do something else.

Free text inside a form stays an answer unless the client clearly meant to step
out: the intent is one of the navigation intents and the classifier is sure of it.
"""

from __future__ import annotations

from typing import Any, Mapping

# Each of these has a rule in data/rules/interruptions.yml for every form.
INTERRUPTING_INTENTS = frozenset(
    {"express_distress", "pause", "help", "request_human", "bot_challenge", "show_progress", "greet", "resume"}
)
# A client in distress must never be treated as answering a question, so the bar is lower.
CONFIDENCE_NEEDED = {"express_distress": 0.5}
DEFAULT_CONFIDENCE_NEEDED = 0.8


def is_clear_interruption(latest_message: Mapping[str, Any]) -> bool:
    intent = latest_message.get("intent") or {}
    name = intent.get("name")
    if name not in INTERRUPTING_INTENTS:
        return False
    confidence = float(intent.get("confidence") or 0.0)
    return confidence >= CONFIDENCE_NEEDED.get(name, DEFAULT_CONFIDENCE_NEEDED)
