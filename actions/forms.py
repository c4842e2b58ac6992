"""Shared behaviour of Waypoint's forms: every answer is read by an `extract_<slot>` method."""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa_sdk import Tracker

from bot.guidance.interruptions import is_clear_interruption

SKIP_CONFIDENCE = 0.8


def answer_to(slot: Text, tracker: Tracker) -> Optional[Dict[Text, Any]]:
    """The latest message, if it answers `slot`; None when `slot` was not asked or the client stepped out.

    Returning {} from an extract method (no slot set) makes Rasa reject the form, so the
    interruption rules in data/rules/interruptions.yml can answer and return to the form.
    """
    if tracker.get_slot("requested_slot") != slot:
        return None
    if is_clear_interruption(tracker.latest_message):
        return None
    return tracker.latest_message


def wants_to_skip(message: Dict[Text, Any]) -> bool:
    intent = message.get("intent") or {}
    return intent.get("name") == "skip" and float(intent.get("confidence") or 0) >= SKIP_CONFIDENCE


def intent_name(message: Dict[Text, Any]) -> Optional[Text]:
    return (message.get("intent") or {}).get("name")
