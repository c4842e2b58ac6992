"""Finding phrases in a message the way people write them: any case, inflected, misspelt, with a few
words in between ("too many of my pills" is found by "too many pills").

A phrase is written in a small notation, kept in data files that a service can extend:

    kill|hurt|harm @SELF            one of several words, then any word of the group SELF
    (go to sleep|fall asleep) forever   one of several word sequences
    really? want to die             an optional word

Every word is compared by its stem (lower case, apostrophes dropped, common endings removed: "killing",
"killed" and "kills" are all "kill"), with irregular forms mapped first ("took" is "take"). A word of
five letters or more also matches when two letters are swapped, a word of six or more when one
letter is missing, added or wrong; the first letter must be right, since it rarely is the typo and
"fill myself" must not read as "kill myself". Shorter words are too like each other ("back" and
"black"): their common slips are listed as irregular forms. Between two words of a phrase up to `max_gap`
other words may stand, but never the end of a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

DEFAULT_MAX_GAP = 2
# A time or a number ("7.40", "3.5") is one word, not the end of a sentence.
_WORD = re.compile(r"[0-9]+(?:[.:][0-9]+)+|[a-z0-9]+(?:'[a-z]+)*|[.!?;\n]+")
_BOUNDARY = re.compile(r"[.!?;\n]+")
_NOTATION = re.compile(r"\(([^()]*)\)(\?)?|(\S+)")
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


@dataclass(frozen=True)
class Token:
    stem: str
    start: int
    end: int
    boundary: bool  # the end of a sentence: no phrase reaches across it


_CONTRACTIONS = (
    (re.compile(r"^(ca|can)n'?t$"), "can not"),
    (re.compile(r"^won'?t$"), "will not"),
    (re.compile(r"^(\w+)n't$"), r"\1 not"),
    (re.compile(r"^(\w+)'m$"), r"\1 am"),
    (re.compile(r"^(\w+)'re$"), r"\1 are"),
    (re.compile(r"^(\w+)'ve$"), r"\1 have"),
    (re.compile(r"^(\w+)'ll$"), r"\1 will"),
    (re.compile(r"^(\w+)'d$"), r"\1 would"),
    (re.compile(r"^(\w+)'s$"), r"\1"),
)


def words_of(token: str, irregular: Mapping[str, str] | None = None) -> list[str]:
    """A written word as the words it stands for: "don't" and "dont" -> "do", "not" (with `irregular`)."""
    word = token.lower().translate(APOSTROPHES)
    for pattern, replacement in _CONTRACTIONS:
        if pattern.match(word):
            word = pattern.sub(replacement, word)
            break
    result = []
    for part in word.replace("'", "").split():
        result += (irregular or {}).get(part, part).split()
    return result


def stem(word: str) -> str:
    """The form words are compared in: "killing" -> "kill", "pills" -> "pill", "taking" -> "tak"."""
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 5 and word.endswith("ing"):
        word = _undouble(word[:-3])
    elif len(word) > 4 and word.endswith("ed"):
        word = _undouble(word[:-2])
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    # "take" and "taking", "live" and "living" meet at "tak" and "liv"; "note" would meet "not"
    # (every "don't" then held a note), "cute" "cut" and "rape" "rap".
    if len(word) > 3 and word.endswith("e") and word not in _KEEPS_ITS_E:
        word = word[:-1]
    return word


_KEEPS_ITS_E = frozenset({"note", "cute", "rape"})  # "rape" would meet "rap"


def _undouble(word: str) -> str:
    # "cutting" -> "cutt" -> "cut"; "killing" keeps its "ll" (and "kill" its own).
    if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "ls":
        return word[:-1]
    return word


def tokens(text: str, irregular: Mapping[str, str] | None = None) -> list[Token]:
    """The words of `text` as stems, each with the place in the text it was read from."""
    found = []
    for match in _WORD.finditer(text.lower().translate(APOSTROPHES)):
        if _BOUNDARY.fullmatch(match.group()):
            found.append(Token(match.group(), match.start(), match.end(), True))
            continue
        for word in words_of(match.group(), irregular):
            found.append(Token(stem(word), match.start(), match.end(), False))
    return found


@dataclass(frozen=True)
class Element:
    """One place in a phrase: any of `choices` (each a sequence of stems); may be left out if optional."""

    choices: tuple[tuple[str, ...], ...]
    optional: bool = False


@dataclass(frozen=True)
class Phrase:
    notation: str
    elements: tuple[Element, ...]
    max_gap: int = DEFAULT_MAX_GAP
    data: Mapping[str, Any] = field(default_factory=dict)
    # The phrase counts only if the message also holds one of these (phrases, or bare symbols such as emoji).
    requires_any: tuple["Phrase | str", ...] = ()
    exact: bool = False  # no allowance for spelling slips (lists of job titles: "careers" is not "carer")


@dataclass(frozen=True)
class Found:
    phrase: Phrase
    first: int  # token positions, inclusive
    last: int
    start: int  # character positions in the text
    end: int

    def overlaps(self, other: "Found") -> bool:
        return self.first <= other.last and other.first <= self.last


class NotationError(ValueError):
    """A phrase in a data file cannot be read; the message names the phrase."""


def compile_phrase(
    notation: str,
    groups: Mapping[str, Sequence[str]] | None = None,
    irregular: Mapping[str, str] | None = None,
    max_gap: int = DEFAULT_MAX_GAP,
    data: Mapping[str, Any] | None = None,
    requires_any: str | None = None,
    exact: bool = False,
) -> Phrase:
    if re.search(r"\([^()]*\(", notation):
        raise NotationError(f"{notation!r} has brackets inside brackets, which the notation does not allow")
    elements = []
    for match in _NOTATION.finditer(notation):
        bracketed, bracket_optional, plain = match.groups()
        if bracketed is not None:
            alternatives, optional = bracketed.split("|"), bool(bracket_optional)
        else:
            optional = plain.endswith("?") and len(plain) > 1
            alternatives = (plain[:-1] if optional else plain).split("|")
        choices: list[tuple[str, ...]] = []
        for alternative in alternatives:
            alternative = alternative.strip()
            if alternative.startswith("@"):
                name = alternative[1:]
                if name not in (groups or {}):
                    raise NotationError(f"{notation!r} uses the group @{name}, which is not defined")
                members = groups[name]
            else:
                members = [alternative]
            for member in members:
                stems = tuple(token.stem for token in tokens(member, irregular) if not token.boundary)
                if not stems:
                    raise NotationError(f"{notation!r} has an empty choice")
                choices.append(stems)
        # The longest choice is tried first: "(nothin|nothin i can think of)" reads the whole of
        # "nothin i can think of", where the first that fits would leave "i can think of" unread.
        elements.append(Element(tuple(sorted(dict.fromkeys(choices), key=len, reverse=True)), optional))
    if not elements or all(element.optional for element in elements):
        raise NotationError(f"{notation!r} has no word that must be there")
    required: list[Phrase | str] = []
    for alternative in (requires_any or "").split("|"):
        alternative = alternative.strip()
        if not alternative:
            continue
        if any(not token.boundary for token in tokens(alternative.lstrip("@"), irregular)):
            required.append(compile_phrase(alternative, groups, irregular, max_gap=1))
        else:
            required.append(alternative)  # a symbol without words, such as an emoji: found as it is
    return Phrase(notation, tuple(elements), max_gap, dict(data or {}), tuple(required), exact)


def _close_enough(word: str, stem_of_phrase: str) -> bool:
    """One letter missing, added or wrong (6+ letters) or two swapped (5+ letters); the first
    letter right. Shorter words are too like each other ("arm", "army"): their common
    slips ("kil") belong in the irregular forms."""
    if word == stem_of_phrase:
        return True
    if len(stem_of_phrase) < 5 or not word or word[0] != stem_of_phrase[0]:
        return False
    a, b = word, stem_of_phrase
    if abs(len(a) - len(b)) == 1 and len(b) >= 6:
        shorter, longer = (a, b) if len(a) < len(b) else (b, a)
        return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
    if len(a) == len(b):
        differences = [i for i in range(len(a)) if a[i] != b[i]]
        if len(differences) == 1:
            return len(b) >= 6
        if len(differences) == 2 and differences[1] == differences[0] + 1:
            i, j = differences
            return a[i] == b[j] and a[j] == b[i]
    return False


class PhraseBook:
    """Phrases to look for, with an index of their words for spelling slips."""

    def __init__(self, phrases: Iterable[Phrase], irregular: Mapping[str, str] | None = None) -> None:
        self.phrases = tuple(phrases)
        self.irregular = dict(irregular or {})
        # A frozenset caches its hash: the key under which this book's tokenised messages are shared
        # with every other book of the same language (a message is looked for in some forty books).
        self._irregular_key = frozenset(self.irregular.items())
        # Typed words recur from message to message; a bounded memo keeps a long-running server's memory flat.
        self._readings = lru_cache(maxsize=4096)(self._readings_of)
        every = [*self.phrases, *(r for p in self.phrases for r in p.requires_any if isinstance(r, Phrase))]
        vocabulary = {word for phrase in every for element in phrase.elements for choice in element.choices for word in choice}
        # Every word and its forms with one letter deleted, pointing back to the words: a typed word
        # looks up itself and its own deletions, which finds insertions, deletions and substitutions.
        self._near: dict[str, set[str]] = {}
        for word in vocabulary:
            for variant in {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}:
                self._near.setdefault(variant, set()).add(word)
        # A phrase can only be there if a word of its first required place is: an index of those
        # words spares looking for every phrase in every message.
        self._by_anchor: dict[str, list[int]] = {}
        for number, phrase in enumerate(self.phrases):
            anchor = next(element for element in phrase.elements if not element.optional)
            for first_word in {choice[0] for choice in anchor.choices}:
                self._by_anchor.setdefault(first_word, []).append(number)
        self._first_words = [_first_words(phrase) for phrase in self.phrases]

    def _readings_of(self, word: str) -> frozenset[str]:
        """The phrase words a typed word can stand for."""
        candidates = set(self._near.get(word, ()))
        for i in range(len(word)):
            candidates |= self._near.get(word[:i] + word[i + 1 :], set())
        return frozenset(candidate for candidate in candidates if _close_enough(word, candidate))

    def find(self, text: str) -> list[Found]:
        """Every phrase found, each at its earliest place."""
        return self._find(text, every_place=False)

    def find_all(self, text: str) -> list[Found]:
        """Every phrase found at every place it starts (for what a set of phrases covers)."""
        return self._find(text, every_place=True)

    def _find(self, text: str, every_place: bool) -> list[Found]:
        words = _shared_tokens(text, self._irregular_key)
        readings = [frozenset() if token.boundary else self._readings(token.stem) for token in words]
        exact = [frozenset() if token.boundary else frozenset({token.stem}) for token in words]
        present = set().union(*readings) if readings else set()
        candidates = sorted({number for word in present for number in self._by_anchor.get(word, ())})
        found = []
        for number in candidates:
            phrase = self.phrases[number]
            places = _places(phrase, exact if phrase.exact else readings, words, every_place, self._first_words[number])
            if places and all_required_found(phrase, text, readings, words):
                found += [Found(phrase, first, last, words[first].start, words[last].end) for first, last in places]
        return found


@lru_cache(maxsize=256)
def _shared_tokens(text: str, irregular: frozenset[tuple[str, str]]) -> tuple[Token, ...]:
    return tuple(tokens(text, dict(irregular)))


def _first_words(phrase: Phrase) -> frozenset[str]:
    """The words a phrase can start with: those of its optional openings and of its first required place."""
    words: set[str] = set()
    for element in phrase.elements:
        words |= {choice[0] for choice in element.choices}
        if not element.optional:
            break
    return frozenset(words)


def _places(
    phrase: Phrase,
    readings: Sequence[frozenset[str]],
    words: Sequence[Token],
    every_place: bool,
    first_words: frozenset[str] | None = None,
) -> list[tuple[int, int]]:
    places = []
    for start in range(len(words)):
        if first_words is not None and first_words.isdisjoint(readings[start]):
            continue  # no phrase starts at a word that is none of its first words
        end = _match_from(phrase.elements, 0, start, readings, words, phrase.max_gap, first=True)
        if end is not None:
            places.append((start, end))
            if not every_place:
                break
    return places


def _find_phrase(phrase: Phrase, readings: Sequence[frozenset[str]], words: Sequence[Token]) -> tuple[int, int] | None:
    places = _places(phrase, readings, words, every_place=False)
    return places[0] if places else None


def all_required_found(phrase: Phrase, text: str, readings: Sequence[frozenset[str]], words: Sequence[Token]) -> bool:
    if not phrase.requires_any:
        return True
    for required in phrase.requires_any:
        if isinstance(required, str):
            if required in text:
                return True
        elif _find_phrase(required, readings, words) is not None:
            return True
    return False


def _choice_at(choice: tuple[str, ...], position: int, readings: Sequence[frozenset[str]]) -> int | None:
    """The last position of `choice` read from `position` on, or None."""
    if position + len(choice) > len(readings):
        return None
    for offset, word in enumerate(choice):
        if word not in readings[position + offset]:
            return None
    return position + len(choice) - 1


def _match_from(
    elements: Sequence[Element],
    index: int,
    position: int,
    readings: Sequence[frozenset[str]],
    words: Sequence[Token],
    max_gap: int,
    first: bool = False,
) -> int | None:
    """The last token position of elements[index:] matched starting at `position` (or up to
    `max_gap` words later, unless `first`), or None."""
    if index == len(elements):
        return position - 1
    element = elements[index]
    for skipped in range(1 if first else max_gap + 1):
        at = position + skipped
        if at >= len(words) or (skipped and words[at - 1].boundary):
            break
        for choice in element.choices:
            last = _choice_at(choice, at, readings)
            if last is not None:
                end = _match_from(elements, index + 1, last + 1, readings, words, max_gap)
                if end is not None:
                    return end
    if element.optional:
        return _match_from(elements, index + 1, position, readings, words, max_gap, first=first)
    return None
