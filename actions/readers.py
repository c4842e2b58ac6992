"""Readers for step questions: each turns a client's message into a value, or None when it can't."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Text

from actions.forms import intent_name, read_value, reading_of
from bot.guidance.answers import clean_answer, parse_rating, split_goals
from bot.guidance.understanding.reading import ANSWER, NO, NON_ANSWER, NOTHING as NOTHING_SAID, YES

# The answer to "anything to add?" when the client has nothing to add; stored as no addition.
NOTHING = ""
_NOTHING_WORDS = {"no", "nope", "none", "nothing", "not really", "no thanks", "no thank you", "nah", "n/a"}

Message = Dict[Text, Any]


def text_of(message: Message) -> Optional[Text]:
    """The answer's text; NOTHING for a no where nothing is an answer ("what might get in the way?" "no")."""
    reading = reading_of(message)
    if reading is not None and reading.outcome == NO:
        return NOTHING
    value = read_value(message, clean_answer)
    return value if isinstance(value, str) and value.strip() else None


def rating_of(message: Message) -> Optional[int]:
    value = read_value(message, parse_rating)
    return value if isinstance(value, int) and 1 <= value <= 5 else None


def list_of(limit: int) -> Callable[[Message], Optional[list[Text]]]:
    def read(message: Message) -> Optional[list[Text]]:
        value = read_value(message, lambda text: split_goals(clean_answer(text)))
        items = value if isinstance(value, list) else [value] if isinstance(value, str) else []
        return [str(item) for item in items][:limit] or None

    return read


def says_nothing_to_add(message: Message) -> bool:
    reading = reading_of(message)
    if reading is not None:
        return reading.outcome == NO or (reading.outcome == NON_ANSWER and reading.value == NOTHING_SAID)
    text = (message.get("text") or "").strip().strip(".!").casefold()
    return intent_name(message) == "deny" or text in _NOTHING_WORDS


def addition_of(message: Message) -> Optional[Any]:
    """What the client adds (a text, or several items), or NOTHING when they have nothing to add."""
    if says_nothing_to_add(message):
        return NOTHING
    reading = reading_of(message)
    if reading is not None and reading.outcome == ANSWER and isinstance(reading.value, list):
        return reading.value or None
    return text_of(message)


def yes_or_no(message: Message) -> Optional[bool]:
    """True or False when the reply was read as yes or no in context; None otherwise."""
    reading = reading_of(message)
    if reading is None:
        return None
    return {YES: True, NO: False}.get(reading.outcome)


def rating_buttons(low: Text, high: Text) -> tuple[Dict[Text, Text], ...]:
    labels = {1: f"1 · {low}", 3: "3", 5: f"5 · {high}"}
    return tuple({"title": labels.get(n, str(n)), "payload": str(n)} for n in range(1, 6))
