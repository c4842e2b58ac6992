"""Saying the client's own words back to them: "I love my garden" -> "you love your garden", with the
apostrophes typed without them given back ("cant" -> "can't")."""

from __future__ import annotations

import re

_PRONOUNS = {
    "i am": "you are",
    "i was": "you were",
    "i'm": "you're",
    "im": "you're",
    "i've": "you've",
    "ive": "you've",
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
# Contractions typed without their apostrophe, given it back when said back.
_APOSTROPHES = {
    "cant": "can't", "dont": "don't", "wont": "won't", "didnt": "didn't", "isnt": "isn't", "doesnt": "doesn't",
    "wasnt": "wasn't", "havent": "haven't", "hasnt": "hasn't", "couldnt": "couldn't", "wouldnt": "wouldn't",
    "shouldnt": "shouldn't", "arent": "aren't", "thats": "that's", "theres": "there's", "youre": "you're",
}  # fmt: skip
_APOSTROPHE_PATTERN = re.compile(r"\b(" + "|".join(_APOSTROPHES) + r")\b", re.IGNORECASE)


def to_second_person(text: str) -> str:
    """'I love my garden' -> 'you love your garden': the client's words, spoken back to them."""
    with_apostrophes = _APOSTROPHE_PATTERN.sub(lambda m: _APOSTROPHES[m.group(0).lower()], text.strip())
    swapped = _PRONOUN_PATTERN.sub(lambda match: _PRONOUNS[match.group(0).lower()], with_apostrophes)
    return swapped.rstrip(" .!")


# Said back in a summary, a correction's lead-in goes ("its more that i need to be home by 3" is
# "you need to be home by 3"); "it's more about flexibility than money" keeps it, and so does "more money".
_SAID_INSTEAD = re.compile(r"^(?:(?:it'?s|its|it is)\s+)?(?:more|rather)\s+(?:that|like|about)\s+|^(?:what i meant was|i meant|i mean|i'?d say)\s+(?:that\s+)?", re.I)


# A hedge said in passing ("kindness I suppose, and ..."): a summary leaves it out.
_HEDGE = re.compile(r"^i (?:suppose|guess|think)\b(?!\s+(?:about|of|so|that)\b),?\s+(?=\w)|,?\s*\bi (?:suppose|guess)\b(?=\s*(?:[,.;!?]|and\b|$))", re.I)


def in_plain_words(answer: str) -> str:
    """A stored answer as a summary says it back, without the lead-in of a correction or hedges in passing."""
    return without_correction_lead(_HEDGE.sub("", answer.strip()))


def without_correction_lead(answer: str) -> str:
    """The answer without a correction's lead-in: "its more that i need to be home by 3" is "i need to be home by 3"."""
    if re.search(r"\bthan\b", answer, re.I):
        return answer
    return _SAID_INSTEAD.sub("", answer) or answer
