"""Reflection: the themes the bot asks about, and the paraphrase it offers back.

The paraphrase turns the client's own words to the second person inside a short template
for the theme, and names the occupations, fields of study and skills spaCy found, so the
client can check whether they were heard right.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from bot.guidance.wording import MENTION_KINDS

# The order in which the themes are offered; the client can skip any of them.
THEMES = ("values", "interests", "strengths", "experiences", "circumstances")

TEMPLATES = {
    "values": "If I heard you right, what matters most to you is this: {answer}.",
    "interests": "So what draws your interest is this: {answer}.",
    "strengths": "You see this as a strength of yours: {answer}.",
    "experiences": "An experience that meant a lot to you: {answer}.",
    "circumstances": "Things in your life that your plans need to fit around: {answer}.",
}
EXAMPLE_TEMPLATE = " You showed it when {example}."

_PRONOUNS = {
    "i am": "you are",
    "i was": "you were",
    "i'm": "you're",
    "i've": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "am": "are",
}
_PRONOUN_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in sorted(_PRONOUNS, key=len, reverse=True)) + r")\b", re.IGNORECASE
)


def to_second_person(text: str) -> str:
    """'I love my garden' -> 'you love your garden': the client's words, spoken back to them."""
    swapped = _PRONOUN_PATTERN.sub(lambda match: _PRONOUNS[match.group(0).lower()], text.strip())
    return swapped.rstrip(" .!")


def reflect_back(
    theme: str, answer: str, example: str | None = None, mentions: Sequence[Mapping[str, str]] = ()
) -> str:
    text = TEMPLATES[theme].format(answer=to_second_person(answer))
    if example:
        text += EXAMPLE_TEMPLATE.format(example=to_second_person(example))
    if mentions:
        named = ", ".join(f"{m['value']} ({MENTION_KINDS[m['kind']]})" for m in mentions)
        text += f" You mentioned {named}."
    return text
