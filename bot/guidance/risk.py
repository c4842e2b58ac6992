"""How much risk a message shows: none, possible or clear, and of what kind.

Two layers, each covering what the other cannot:

1. Phrases (bot/guidance/safety_words.py): risk phrases found the way people write them, unless they
   overlap an ordinary expression ("the hours are killing me", "I'm not suicidal"). Phrases are
   predictable, explainable and extendable by a service, and they do not depend on training: a
   message with "took too many of my pills" is a crisis whatever the model makes of it.
2. The trained model's `express_distress` intent, for phrasings no list foresaw. It is a second
   signal, never the only one: it counts only when the message also has one of the model hints of
   risk.yml. A `clear` hint is a word of harm itself (dying, an overdose, cutting, blood, being
   hit, a weapon): with the model's reading, the crisis answer. A `possible` hint is a topic near
   risk (life, being safe, home, eating, deserving): the check question, or with an intent signal
   as well ("tonight", "I mean it") the crisis answer. Measured on the development halves of the
   safety corpus, the model alone reaches almost every risk phrasing the phrases missed, but also
   one ordinary phrasing in seven; the hints and the ordinary expressions remove those. The classifier's confidence is not a probability: it
   gives 1.0 to "i like gaming and drawing" as readily as to a real crisis, and a crisis answer
   to an ordinary message costs the client's trust and the practitioner an urgent flag for
   nothing, where the check question costs one gentle turn. It is ignored when an ordinary
   expression explains the message, since the model hears "killing me" in "the hours are
   killing me" too.

A possible risk becomes clear with an intent signal ("tonight", "I mean it"). A client who has said
that a possible risk was only a way of speaking (`already_checked`) is not asked again about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from bot.guidance.phrases import Found
from bot.guidance.safety_words import CATEGORIES, SafetyWords

NONE, POSSIBLE, CLEAR = "none", "possible", "clear"
UNSPECIFIED = "unspecified"  # the model heard distress, without words that say what kind
MAX_QUOTE_WORDS = 14


# The `express_distress` confidence at which the model's reading counts (with a model hint).
MODEL_CONFIDENCE = 0.9


@dataclass(frozen=True)
class Assessment:
    level: str = NONE
    categories: tuple[str, ...] = ()  # most urgent first
    phrase: str | None = None  # the client's own words, quoted by the check question
    ordinary: bool = False  # an idiom, a work word or a negation explained risk words
    by: str = ""  # "words" or "model"

    @property
    def category(self) -> str | None:
        return self.categories[0] if self.categories else None

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "categories": list(self.categories), "phrase": self.phrase, "ordinary": self.ordinary, "by": self.by}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> "Assessment":
        if not isinstance(data, Mapping):
            return cls()
        return cls(
            level=str(data.get("level") or NONE),
            categories=tuple(str(c) for c in data.get("categories") or ()),
            phrase=data.get("phrase"),
            ordinary=bool(data.get("ordinary")),
            by=str(data.get("by") or ""),
        )


def assess(
    text: str | None,
    words: SafetyWords,
    distress_confidence: float = 0.0,
    already_checked: bool = False,
    model_confidence: float = MODEL_CONFIDENCE,
) -> Assessment:
    if not text or text.startswith("/"):
        return Assessment()  # a button's payload says what it means
    ordinary = words.ordinary.find(text)
    # "i was joking" or "just something people say" takes back every vague phrase in the message.
    taken_back = any(other.phrase.data.get("scope") == "message" for other in ordinary)
    counted = [
        found for found in words.risk.find(text)
        if (found.phrase.data.get("strong") or not any(found.overlaps(other) for other in ordinary))
        and not (taken_back and found.phrase.data["level"] == POSSIBLE)
    ]
    if counted:
        clear = [f for f in counted if f.phrase.data["level"] == CLEAR]
        if clear or words.intent_signals.find(text):
            level, leading = CLEAR, clear or counted
        else:
            level, leading = POSSIBLE, counted
        if level == POSSIBLE and already_checked:
            return Assessment(ordinary=True)
        categories = tuple(c for c in CATEGORIES if any(f.phrase.data["category"] == c for f in counted))
        first = min(leading, key=lambda f: f.start)
        return Assessment(level, categories, quote(text, first), bool(ordinary), "words")
    if ordinary or already_checked:
        return Assessment(ordinary=bool(ordinary))
    hints = words.model_hints.find(text) if distress_confidence >= model_confidence else []
    if hints:
        # A word of harm itself, or a plan or a time, with the model's reading is the crisis answer.
        clear = any(found.phrase.data["level"] == CLEAR for found in hints) or words.intent_signals.find(text)
        return Assessment(CLEAR if clear else POSSIBLE, (UNSPECIFIED,), quote_whole(text), False, "model")
    return Assessment()


_CLAUSE_BREAK = re.compile(r"[.!?;,\n]|\b(?:but|and then|so|because)\b", re.IGNORECASE)


def quote(text: str, found: Found) -> str:
    """The clause around what was found, in the client's own words, short enough to quote."""
    before = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, found.start)]
    start = before[-1] if before else 0
    after = _CLAUSE_BREAK.search(text, found.end)
    end = after.start() if after else len(text)
    clause = text[start:end].strip(" ,-")
    words = clause.split()
    if len(words) > MAX_QUOTE_WORDS:
        # Keep the words found and a few before them.
        found_text = text[found.start : found.end]
        head = text[start : found.start].split()[-4:]
        clause = " ".join([*head, found_text])
    return clause.strip()


def quote_whole(text: str) -> str | None:
    words = text.split()
    if len(words) <= MAX_QUOTE_WORDS:
        return text.strip().rstrip(".!")
    return None
