"""Reading the client's answer to the check question and to "are you safe right now?", in their own words.

Each answer side has phrases (answers.yml); the side whose phrases cover more of the message decides,
so "no im fine lol" is fine ("im fine lol" outweighs "no") and "yes but I'm scared" is unsure. A
button's intent (affirm, deny) decides by itself, and clear risk in the answer always counts as the
worrying side.
"""

from __future__ import annotations

from bot.guidance.phrases import PhraseBook
from bot.guidance.risk import CLEAR, Assessment
from bot.guidance.safety_words import SafetyWords

# The check question
FINE, CONCERN, UNCLEAR = "fine", "concern", "unclear"
# "Are you safe right now?"
SAFE, NOT_SAFE, UNSURE = "safe", "not_safe", "unsure"


def _covered(book: PhraseBook, text: str) -> int:
    """How many characters of `text` the book's phrases cover."""
    covered: set[int] = set()
    for found in book.find_all(text):
        covered.update(range(found.start, found.end))
    return len(covered)


def _weigh(words: SafetyWords, text: str, positive: str, negative: str) -> str | None:
    """`positive`, `negative`, "unsure", or None when the message holds none of their phrases."""
    scores = {side: _covered(words.answers[side], text) for side in (positive, negative, "unsure")}
    if not any(scores.values()):
        return None
    if scores["unsure"] and scores["unsure"] >= max(scores[positive], scores[negative]):
        return "unsure"
    if scores[positive] == scores[negative]:
        return "unsure"
    return positive if scores[positive] > scores[negative] else negative


def read_check_answer(text: str | None, intent: str | None, risk: Assessment, words: SafetyWords) -> str:
    """FINE (it was a way of speaking: the conversation goes on), CONCERN, or UNCLEAR (both lead to help)."""
    if risk.level == CLEAR:
        return CONCERN
    if intent == "deny" and (text or "").startswith("/"):
        return FINE
    if intent in ("affirm", "express_distress") and (text or "").startswith("/"):
        return CONCERN
    weighed = _weigh(words, text or "", "fine", "concern")
    if weighed == "fine" and risk.level == "none":
        return FINE
    if weighed == "concern":
        return CONCERN
    return UNCLEAR


def read_safety_answer(text: str | None, intent: str | None, risk: Assessment, words: SafetyWords) -> str | None:
    """SAFE, NOT_SAFE, UNSURE, or None when the message does not answer the question at all."""
    if risk.level == CLEAR:
        return NOT_SAFE
    if (text or "").startswith("/"):
        return {"affirm": SAFE, "deny": NOT_SAFE}.get(intent or "")
    weighed = _weigh(words, text or "", "safe", "not_safe")
    if weighed == "unsure":
        return UNSURE
    return weighed

