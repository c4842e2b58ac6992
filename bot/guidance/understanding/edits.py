"""Changing a list of options in words: "rename 2 to healthcare assistant", "remove the bakery",
"take out option 3", "add game tester", "change nursing to midwifery"."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
_TARGET = r"(?:(?:option|step|number|no\.?|nr\.?|#)\s*)?(?P<target>\d+|one|two|three|four|five|six|first|second|third|fourth|fifth|sixth|the [\w' -]+?|[\w' -]+?)"
_EDGES = " .!?\"'"
_ASKING = (
    r"(?:(?:actually|sorry|oh|ok|okay|so|wait|before i choose|before that|first|and|also)[,\s]+)*"
    r"(?:please\s+|pls\s+|can you\s+|could you\s+|would you\s+|can u\s+|could u\s+|can we\s+|could we\s+|i want to\s+|i'd like to\s+|id like to\s+)?(?:please\s+)?"
)
# Not an option: "delete everything you have on me" asks for the client's data to go.
_NOT_A_TARGET = re.compile(
    r"\b(?:everything|all|data|me|my data|account|conversation|chat|it all|this|that|it|information|informations|info|details|messages)\b",
    re.IGNORECASE,
)
# Options only: steps are renamed in words elsewhere, and "include my family in the plan" adds no option.
_LIST = r"(?:my|the) (?:options|list|option list)"
_THEN = r"(?:\s+(?:first|please|now|too))?"
_RENAME = re.compile(rf"^{_ASKING}(?:rename|relabel|change|call|make)\s+{_TARGET}(?:\s+one)?\s+(?:to|into|as)\s+(?P<new>.+?)(?:\s+instead)?$", re.IGNORECASE)
# "swap 'call agency' for 'ring Marco'": the first is renamed to the second.
_SWAP = re.compile(rf"^{_ASKING}(?:swap|replace|switch)\s+{_TARGET}\s+(?:for|with)\s+(?P<new>.+?)(?:\s+(?:in|on) {_LIST})?{_THEN}$", re.IGNORECASE)
_REMOVE = re.compile(
    rf"^{_ASKING}(?:remove|delete|drop|take out|take off|cross off|cross out|get rid of|scrap|bin|chuck out|scratch|strike off|knock off)\s+(?!out\b){_TARGET}(?:\s+one)?"
    rf"(?:\s+(?:option|idea|(?:from|off|out of) {_LIST}))?{_THEN}$",
    re.IGNORECASE,
)
# ("(?!out)": "i want to drop out of college" drops no option.)
# "take pharma sales off the list": "take" removes only with the list named ("take the bakery one" chooses it).
_TAKE_OFF = re.compile(rf"^{_ASKING}take\s+{_TARGET}\s+(?:off|out of) {_LIST}{_THEN}$", re.IGNORECASE)
_ADD = re.compile(rf"^{_ASKING}(?:add|put|include|stick)\s+(?P<new>.+?)(?:\s+(?:to|on|in(?:to)?)\s+{_LIST})?(?:\s+too|\s+as well)?{_THEN}$", re.IGNORECASE)



@dataclass(frozen=True)
class Edit:
    action: str  # rename | remove | add
    target: int | str | None = None  # a number (1-based) or the words naming an option
    new: str | None = None

    def as_dict(self) -> dict:
        return {"action": self.action, "target": self.target, "new": self.new}


def edit_of(text: str) -> Edit | None:
    said = " ".join((text or "").strip().strip(_EDGES).split())
    said = re.split(r"[,?.!]\s*(?:i|i'?ve|i'?d|i'?m|im|because|cos|as|since|they|that'?s|is|isn'?t|it'?s|not|no longer|just)\b", said, maxsplit=1, flags=re.IGNORECASE)[0].strip(_EDGES)  # a reason after it
    swap = _SWAP.match(said)
    # "swap retail for something creative" at the goals is a wish; an edit names the list or quotes the option.
    swap = swap if swap and (re.search(r"\b(?:options|list)\b", said, re.IGNORECASE) or re.search(r"['\"‘’“”]", text or "")) else None
    if (match := _RENAME.match(said) or swap) and len(match["target"].split()) <= 4:
        return Edit("rename", _target(match["target"]), match["new"].strip(_EDGES))
    if (match := _REMOVE.match(said) or _TAKE_OFF.match(said)) and len(match["target"].split()) <= 4 and not _NOT_A_TARGET.search(match["target"]):
        return Edit("remove", _target(match["target"]))
    if (match := _ADD.match(said)) and re.search(r"\b(?:options|list|too|as well)\b", said, re.IGNORECASE):
        return Edit("add", None, match["new"].strip(_EDGES))
    return None


def _target(words: str) -> int | str:
    words = words.strip(_EDGES)
    if words.isdigit():
        return int(words)
    if words.lower() in _NUMBER_WORDS:
        return _NUMBER_WORDS[words.lower()]
    return re.sub(r"^the\s+", "", words, flags=re.IGNORECASE)
