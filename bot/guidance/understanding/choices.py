"""Which of the named options a reply means: by its number ("2", "the second one"), by its title,
however written ("the bakery one", "healthcare assistant"), or postponing; after a change of mind,
what the client settled on ("nursing. hmm actually maybe healthcare assistant first")."""

from __future__ import annotations

import re
from typing import Sequence

from bot.guidance.phrases import tokens
from bot.guidance.understanding.reading import POSTPONE

_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "last": -1}
_POSTPONE = re.compile(
    r"\b(?:postpone|postponing|later|not yet|wait|waiting|undecided|not decide|can't decide|cant decide|decide later|hold off|"
    r"not ready|not sure yet|don'?t know yet|need more time|sleep on (?:it|this|that)(?: one)?|no decision|put (?:it|this|that) off|put off|hold fire)\b",
    re.IGNORECASE,
)
_IGNORED = {"the", "a", "an", "one", "job", "option", "course", "my", "in", "as", "to", "of", "and"}


def _words(text: str) -> list[str]:
    # "it" is a pronoun ("Replan it", "passed it"); "IT" is a field ("IT support").
    return [t.stem for t in tokens(text) if not t.boundary and t.stem not in _IGNORED and text[t.start : t.end] != "it"]


def chosen(text: str, options: Sequence[str]) -> str | None:
    """The title of the option chosen, POSTPONE, or None when the reply names none (or several)."""
    stripped = text.strip().lower().rstrip(".!")
    numbered = re.fullmatch(r"(?:number|no\.?|option|#|nr\.?)?\s*(\d+)", stripped)
    if numbered and 1 <= int(numbered[1]) <= len(options):
        return options[int(numbered[1]) - 1]
    said = _words(text)
    scores = []
    for option in options:
        words = _words(option)
        if not words:
            continue
        shared = sum(1 for w in words if w in said)
        if shared and shared >= max(1, (len(words) + 1) // 2):
            scores.append((shared / len(words), shared, option))
    if scores:
        scores.sort(reverse=True)
        if len(scores) == 1 or scores[0][:2] > scores[1][:2]:
            return scores[0][2]
        return None
    if (short := _by_a_short_name(text, options)) is not None:
        return short
    for word, position in _ORDINALS.items():
        if re.search(rf"\b(?:the )?{word}(?: one| option)?\b", stripped) and len(stripped.split()) <= 4:
            return options[position - 1] if position != -1 and position <= len(options) else options[-1]
    if _POSTPONE.search(text):
        return POSTPONE
    return None


def _by_a_short_name(text: str, options: Sequence[str]) -> str | None:
    """The one option a short reply names by part of a word or by initials: "teacher" is "food tech
    teacher", "hair defo" is "hairdressing", "PT" is "personal trainer"."""
    said = [w.lower() for w in re.findall(r"[A-Za-z]+", text)]
    if not said or len(said) > 3:
        return None
    matches = set()
    for option in options:
        option_words = [w.lower() for w in re.findall(r"[A-Za-z]+", option)]
        initials = "".join(w[0] for w in option_words)
        for word in said:
            by_part = len(word) >= 4 and any(w.startswith(word) for w in option_words)
            by_stem = len(word) >= 6 and any(len(w) >= 6 and w[:6] == word[:6] for w in option_words)  # "carpentry" is "carpenter"
            whole = len(word) >= 3 and word in option_words  # "hgv" is "hgv class 2"
            if by_part or by_stem or whole or (len(option_words) > 1 and word == initials):
                matches.add(option)
    return matches.pop() if len(matches) == 1 else None


def last_named(text: str, options: Sequence[str]) -> str | None:
    """Of several options named, the one named last (what a client settles on while thinking aloud)."""
    lowered = text.lower()
    positions = [(lowered.rfind(option.lower()), option) for option in options if option.lower() in lowered]
    return max(positions)[1] if positions else None
