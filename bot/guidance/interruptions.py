"""Deciding whether a message inside a form is an answer or a request to do something else.

Free text inside a form stays an answer unless the client clearly meant to step
out: the intent is one of the navigation intents and the classifier is sure of it.
In an open question ("what helped you?") a long message is an answer even when it
sounds like a request ("being asked instead of told"); only a short, command-like one
steps out. Distress always does.
"""

from __future__ import annotations

from typing import Any, Mapping

from bot.guidance.journey import PHASE_INTENTS, names_phase

# Each of these has a rule in data/rules/interruptions.yml for every form (see bot/dialogue_rules.py).
INTERRUPTING_INTENTS = frozenset(
    {
        "express_distress",
        "pause",
        "help",
        "request_human",
        "bot_challenge",
        "show_progress",
        "show_plan",
        "greet",
        "resume",
    }
)
# Inside a phase of the journey, naming a phase switches to it. In the consent and start
# questions they are answers ("explore my options" can be a goal).
# A client in distress must never be treated as answering a question, so the bar is lower.
CONFIDENCE_NEEDED = {"express_distress": 0.5}
DEFAULT_CONFIDENCE_NEEDED = 0.8
MAX_COMMAND_WORDS_IN_OPEN_ANSWER = 6


def is_clear_interruption(
    latest_message: Mapping[str, Any], open_answer: bool = False, in_phase: bool = False
) -> bool:
    intent = latest_message.get("intent") or {}
    name = intent.get("name")
    text = str(latest_message.get("text") or "")
    switches_phase = in_phase and name in PHASE_INTENTS and names_phase(name, text)
    if name not in INTERRUPTING_INTENTS and not switches_phase:
        return False
    confidence = float(intent.get("confidence") or 0.0)
    if confidence < CONFIDENCE_NEEDED.get(name, DEFAULT_CONFIDENCE_NEEDED):
        return False
    if open_answer and name != "express_distress":
        return len(text.split()) <= MAX_COMMAND_WORDS_IN_OPEN_ANSWER
    return True
