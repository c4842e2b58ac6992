"""Readers for step questions: each turns a client's message into a value, or None when it can't."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Text

from actions.forms import intent_name
from bot.guidance.answers import clean_answer, parse_rating, split_goals

# The answer to "anything to add?" when the client has nothing to add; stored as no addition.
NOTHING = ""
_NOTHING_WORDS = {"no", "nope", "none", "nothing", "not really", "no thanks", "no thank you", "nah", "n/a"}

Message = Dict[Text, Any]


def text_of(message: Message) -> Optional[Text]:
    return clean_answer(message.get("text"))


def rating_of(message: Message) -> Optional[int]:
    return parse_rating(message.get("text"))


def list_of(limit: int) -> Callable[[Message], Optional[list[Text]]]:
    def read(message: Message) -> Optional[list[Text]]:
        return split_goals(clean_answer(message.get("text")))[:limit] or None

    return read


def says_nothing_to_add(message: Message) -> bool:
    text = (message.get("text") or "").strip().strip(".!").casefold()
    return intent_name(message) == "deny" or text in _NOTHING_WORDS


def addition_of(message: Message) -> Optional[Text]:
    """Something the client adds, or NOTHING when they say they have nothing to add."""
    return NOTHING if says_nothing_to_add(message) else text_of(message)


def rating_buttons(low: Text, high: Text) -> tuple[Dict[Text, Text], ...]:
    labels = {1: f"1 · {low}", 3: "3", 5: f"5 · {high}"}
    return tuple({"title": labels.get(n, str(n)), "payload": str(n)} for n in range(1, 6))
