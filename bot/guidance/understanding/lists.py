"""Items from one message ("warehouse, game tester"; one per line; "nursing and IT support"), each a
short title without hedges or fillers ("maybe something like healthcare assistant?" is
"healthcare assistant"), and reasons or asides left out ("less training than nursing?")."""

from __future__ import annotations

import re

from bot.guidance.understanding.words import ConversationWords

MAX_ITEM_CHARS = 200
EDGES = " \t\n.,;:!?-–—\"'()[]{}…"
_STRONG_SEPARATORS = re.compile(r"\s*(?:\n+|;|\s/\s|(?<=\w)/(?=[a-zA-Z])|\s(?=\d+[.)]\s))\s*")
# "&" separates only with spaces round it: "R&D" and "A&E" are one word.
_WEAK_SEPARATORS = re.compile(r"\s*(?:,|\band also\b|\band then\b|\band\b|\bor\b|(?<=\s)&(?=\s)|\+|\bplus\b)\s*", re.IGNORECASE)
_SENTENCES = re.compile(r"(?<=[.!?])\s+|(?<=[?!])(?=\w)")
_LIST_MARKER = re.compile(r"^\s*(?:[-*•]+|\d+[.)])\s*")
# "between nursing and IT" is one item: its "and" does not separate; nor does the "and" of a field's name.
_BETWEEN = re.compile(
    r"\bbetween\s+\S+(?:\s+\S+)?\s+and\s+\S+|\b(?:health and safety|hair and beauty|travel and tourism|food and drink|"
    r"sport and fitness|hospitality and catering|sales and marketing|arts and crafts|research and development|"
    r"health and social care|media and communications|law and order|bed and breakfast)\b",
    re.IGNORECASE,
)
# "no nights", "no more 14hr shifts", "no lifting": a want, not a no.
_WANTING_NONE = re.compile(r"^no (?:more )?(?!thanks\b|thank\b|idea\b|clue\b|one\b|way\b|worries\b|problem\b|i\b|im\b|it\b)[a-z0-9]{3,}", re.IGNORECASE)
# The reason given after an item: "electrician cos my uncle is one".
_REASON_AFTER = re.compile(
    r"\s+(?:(?:because|cos|coz|cuz|cause|since)\s.*|as an? (?:foot in the door|stepping stone|backup|back up|last resort|fallback|side thing|side hustle)\b.*)$",
    re.IGNORECASE,
)
# Framing before an item: "this is random but zookeeper", "id make a good gp receptionist", "I want to
# find a new job" (a goal), "im good at drawing" (a suggestion).
_FRAMING = re.compile(
    r"^(?:(?:this|it|that)(?:'s| is| may be| might be| sounds)? (?:random|silly|weird|daft|stupid|a long shot|mad|odd)\s*(?:but)?|"
    r"(?:i'?d|i’d|i would|i could) make an? (?:good|great|decent)?|"
    r"(?:my (?:goal|aim|plan) is )?(?:i (?:want|wanna|would like|would love|need|hope|plan|aim)|i'?d like|id like|i'?d love|id love|my (?:goal|aim|plan) is) to|"
    r"(?:i'?m|im|i am) (?:good at|interested in|thinking of|thinking about|considering|looking at|keen on|into))\s*",
    re.IGNORECASE,
)
# A fragment starting so gives a reason or an aside, not an item.
_NOT_AN_ITEM = re.compile(
    r"^(?:because|cause|cos|coz|cuz|since|as|but|so|less|more|better|worse|than|which|that'?s|thats|it'?s|"
    r"they'?re|they|there'?s|theres|i'?m|im|i|we|you|the money|the pay|the hours|not that|not sure|if|both|all|"
    r"the first|the second|the last|the other|none|didn'?t|didnt|don'?t|dont|can'?t|cant|won'?t|wont|haven'?t|"
    r"havent|hadn'?t|hadnt|never|no|yes|yeah|oh|sounds|seems|looks|everyone|someone|nobody|whatever|about|is that|is it|was that)\b",
    re.IGNORECASE,
)
# "my mum would say hairdresser", "people always tell me teaching": what was said is the item.
_SAID = re.compile(
    r"^.*?\b(?:would|might|always|usually|probably|often|keeps?|kept)?\s*(?:say|says|said|suggest|suggests|suggested|mentioned|mentions|"
    r"tell me|tells me|told me|reckon|reckons)\b\s*(?:being an?|i should do|i should|i could|(?<=suggested )i\b|(?<=mentioned )i\b|"
    r"(?:i'?d|i’d|i would) be (?:good|great) (?:at|in|as|doing)(?: an?\b| the\b)?|maybe)?\s*",
    re.IGNORECASE,
)
_PRONOUNS = {"that", "this", "it", "so", "them", "those", "these", "too"}


def split_items(text: str, words: ConversationWords) -> list[str]:
    """The items named in `text`, cleaned, without repeats; [] when none is left."""
    text = (text or "").strip()
    parts = _STRONG_SEPARATORS.split(text) if _STRONG_SEPARATORS.search(text) else [text]
    items: list[str] = []
    for part in parts:
        for fragment in _weak_split(part, split_commas=len(parts) == 1):
            title = clean_title(_LIST_MARKER.sub("", fragment), words)
            if title and title.casefold() not in (item.casefold() for item in items):
                items.append(title[:MAX_ITEM_CHARS])
    return items


def _weak_split(text: str, split_commas: bool) -> list[str]:
    fragments = []
    for sentence in _SENTENCES.split(text):
        protected = _BETWEEN.sub(lambda m: m.group(0).replace(" and ", " \x00 "), sentence)
        pieces = _WEAK_SEPARATORS.split(protected) if split_commas else [protected]
        fragments += [piece.replace(" \x00 ", " and ") for piece in pieces]
    return fragments


def clean_title(text: str, words: ConversationWords) -> str:
    """A fragment as a title: fillers and hedges off both ends, framing taken away; "" for a reason or filler."""
    fragment = re.sub(r"^(?:so|and|or|but)\s*:\s*", "", text.strip(EDGES), flags=re.I)
    if _SAID.match(fragment):
        fragment = _SAID.sub("", fragment, count=1).strip(EDGES)
    fragment = _REASON_AFTER.sub("", _FRAMING.sub("", strip_fillers(fragment, words)))
    fragment = re.sub(r"^an?\s+(?=\w)", "", strip_fillers(fragment, words), flags=re.IGNORECASE)  # "a salon apprenticeship"
    if _WANTING_NONE.match(fragment):
        return fragment
    pronoun = fragment.lower() in _PRONOUNS and fragment != fragment.upper()  # "IT" is a field, "it" a pronoun
    if not fragment or pronoun or _NOT_AN_ITEM.match(fragment) or is_only_non_answer(fragment, words):
        return ""
    return fragment


def strip_fillers(text: str, words: ConversationWords) -> str:
    """`text` without fillers at either end ("lol ok maybe something like dog grooming" -> "dog grooming")."""
    fragment = _without_emoji(text).strip(EDGES)
    while fragment:
        found = words.replies["fillers"].find_all(fragment)
        leading = [f for f in found if f.start == 0]
        trailing = [f for f in found if f.end == len(fragment)]
        if leading:
            fragment = fragment[max(f.end for f in leading) :].strip(EDGES)
        elif trailing:
            fragment = fragment[: min(f.start for f in trailing)].strip(EDGES)
        else:
            break
    return fragment


def is_only_non_answer(text: str, words: ConversationWords) -> bool:
    """The whole fragment is "idk", "not sure", "hmm" or the like."""
    plain = strip_fillers(text, words) or text.strip(EDGES)
    return any(
        f.start == 0 and f.end >= len(plain)
        for kind in ("unsure", "nothing")
        for f in words.replies[kind].find(plain)
    )


def _without_emoji(text: str) -> str:
    return "".join(ch for ch in text if ch.isascii() or ch.isalpha() or ch.isspace() or ch in "'’-&")
