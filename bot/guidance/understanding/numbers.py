"""Ratings from 1 to 5 in the client's words: "3", "3/5", "like a 4", "four", "8 out of 10", "not at
all", and a correction in the same message ("like a 4. actually no, 3" is 3)."""

from __future__ import annotations

import re

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "a one": 1, "a two": 2, "a three": 3, "a four": 4, "a five": 5}
_NUMBER = re.compile(
    r"\b(\d+(?:[.,]5)?)\s*(?:/\s*(\d+)|(?:out of|of)\s*(\d+))?|(?<!this )(?<!that )(?<!the )(?<!which )(?<!next )(?<!last )\b(one|two|three|four|five)\b",
    re.IGNORECASE,
)
# Short answers in words: only when the whole answer says it.
_WORDS = [
    (re.compile(r"^(?:not at all|none at all|zero|nothing|not one bit|no way)\b", re.I), 1),
    (re.compile(r"^(?:a (?:little|bit)|slightly|not (?:very|much|really)|barely|hardly)\b", re.I), 2),
    (re.compile(r"^(?:somewhat|in the middle|middle|so so|so-so|average|medium|okay ish|ok ish|meh|halfway|50 ?50)\b", re.I), 3),
    (re.compile(r"^(?:quite|pretty|fairly|rather|mostly)(?: (?:clear|confident|important|well|good|sure|high))?$", re.I), 4),
    (re.compile(r"^(?:very|extremely|totally|completely|fully|absolutely|hugely|massively|really) ?(?:much|clear|confident|important|well|good|sure|high)?$", re.I), 5),
]


# Where the reason for a rating starts: "4, theyre band 6 i think", "maybe 2 because salon is open 7 days".
_REASON = re.compile(r"[,.;:!?]\s|\s(?:because|cos|coz|cause|cuz|as|since|but)\s", re.IGNORECASE)


def ratings_in(text: str, change_of_mind_at: int | None = None) -> list[int]:
    """The 1-5 ratings in `text`, in order; from a change of mind on, if the message has one. When
    the whole text holds a number that is no rating, the rating given before the reason counts."""
    if change_of_mind_at is not None:
        later = ratings_in(text[change_of_mind_at:])
        if later:
            return later
    found = _ratings(text)
    reason = _REASON.search(text)
    if reason is None:
        return found
    first = _ratings(text[: reason.start()])
    # "4, would've been 5 if you'd laughed at my jokes": a rating, then a sentence about it.
    said_after = re.findall(r"[a-z']+", text[reason.end() :], re.IGNORECASE)
    if not found or (len(first) == 1 and len(said_after) >= 3):
        return first
    return found


def _ratings(text: str) -> list[int]:
    found = []
    for match in _NUMBER.finditer(text):
        if match.group(4):
            found.append(_NUMBER_WORDS[match.group(4).lower()])
            continue
        value = float(match.group(1).replace(",", "."))
        scale = match.group(2) or match.group(3)
        if scale and int(scale) == 10:
            value = value / 2  # "8 out of 10" is 4
        elif scale and int(scale) != 5:
            return []  # "my wordle was 4/6": not a rating
        rating = round(value + 1e-9) if value % 1 else int(value)
        if 1 <= rating <= 5:
            found.append(rating)
        else:
            return []  # a number out of range: not a rating to guess from
    return found


def rating_in_words(text: str) -> int | None:
    for pattern, value in _WORDS:
        if pattern.search(text.strip()):
            return value
    return None
