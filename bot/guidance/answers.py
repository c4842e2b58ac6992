"""Turning a client's free-text answers into values the process can store."""

from __future__ import annotations

import re

# Stored in place of an answer the client chose to skip.
SKIPPED = "__skipped__"

MAX_GOALS = 10
MAX_GOAL_CHARS = 500

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_LIST_MARKER = re.compile(r"^\s*(?:[-*•]+|\d+[.)])\s*")


def unless_skipped(value: str | None) -> str | None:
    """The stored answer, or None when there is none or the client skipped it."""
    return None if value in (None, SKIPPED) else value


def parse_rating(text: str | None) -> int | None:
    """A 1-5 rating from '3', '3/5', 'about four' or '3 · somewhat'; None if there is not exactly one."""
    if not text:
        return None
    lowered = text.lower()
    digits = re.findall(r"\d+", lowered.split("/")[0])
    words = [_NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", lowered) if w in _NUMBER_WORDS]
    found = [int(d) for d in digits] + words
    if len(set(found)) != 1:
        return None
    value = found[0]
    return value if 1 <= value <= 5 else None


def split_goals(text: str | None) -> list[str]:
    """Goals from one message: one per line or per semicolon, list markers removed."""
    if not text:
        return []
    goals = []
    for part in re.split(r"[\n;]+", text):
        goal = _LIST_MARKER.sub("", part).strip()
        if goal:
            goals.append(goal[:MAX_GOAL_CHARS])
    return goals[:MAX_GOALS]


def clean_answer(text: str | None) -> str | None:
    """The answer with surrounding space removed, or None when nothing readable is left."""
    if text is None:
        return None
    stripped = text.strip()
    return stripped if any(ch.isalnum() for ch in stripped) else None
