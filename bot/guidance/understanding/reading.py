"""What a question is, and what a reply to it turned out to be: the vocabulary of understanding.

A question says what kind of answer it takes. The bot notes it on the message that asks it (the
message's `custom` data), so that the reply can be read in that context wherever it arrives
(bot/rasa_context.py). A reading is one outcome, with the clean value where there is one, and any
feeling or event the client mentioned alongside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

# Kinds of question
OPEN, LIST, RATING, CONFIRM, YES_NO, DATE, CHOICE = "open", "list", "rating", "confirm", "yes_no", "date", "choice"
KINDS = (OPEN, LIST, RATING, CONFIRM, YES_NO, DATE, CHOICE)

# Outcomes
ANSWER, YES, NO, CORRECTION = "answer", "yes", "no", "correction"
NON_ANSWER, QUESTION, REQUEST, OFF_TOPIC = "non_answer", "question", "request", "off_topic"
OUTCOMES = (ANSWER, YES, NO, CORRECTION, NON_ANSWER, QUESTION, REQUEST, OFF_TOPIC)

# Kinds of non-answer
UNSURE, NOTHING, RATHER_NOT, VAGUE = "unsure", "nothing", "rather_not", "vague"
EXAMPLES = "examples"  # a question about the question that asks for examples
# A choice the client makes by postponing it
POSTPONE = "postpone"

# Feelings and events worth a word before the next question; when several are mentioned the first
# of these is acknowledged (news before feelings: "my dad is in hospital, im so worried").
ASIDES = ("hard_news", "good_news", "worry", "low")


@dataclass(frozen=True)
class Question:
    """What the bot asked: `key` names the question (for its explanation), `kind` what it takes."""

    key: str
    kind: str
    options: tuple[str, ...] = ()  # a choice's options, by title
    nothing_is_an_answer: bool = False  # "name it, or say no": no and "nothing" are answers
    item: str | None = None  # which of several alike questions ("attracts:12": the one about option 12)

    def as_note(self) -> dict[str, Any]:
        note: dict[str, Any] = {"key": self.key, "kind": self.kind}
        if self.item:
            note["item"] = self.item
        if self.options:
            note["options"] = list(self.options)
        if self.nothing_is_an_answer:
            note["nothing_is_an_answer"] = True
        return note

    @classmethod
    def from_note(cls, note: Mapping[str, Any] | None) -> "Question | None":
        if not isinstance(note, Mapping) or note.get("kind") not in KINDS or not isinstance(note.get("key"), str):
            return None
        options = tuple(str(o) for o in note.get("options") or ())
        item = note.get("item") if isinstance(note.get("item"), str) else None
        return cls(note["key"], note["kind"], options, bool(note.get("nothing_is_an_answer")), item)


@dataclass(frozen=True)
class Reading:
    outcome: str
    value: Any = None
    aside: str | None = None
    # For a request: the intent that carries it out (the classifier's, or one the words made clear).
    intent: str | None = field(default=None)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"outcome": self.outcome}
        for name in ("value", "aside", "intent"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> "Reading | None":
        if not isinstance(data, Mapping) or data.get("outcome") not in OUTCOMES:
            return None
        return cls(data["outcome"], data.get("value"), data.get("aside"), data.get("intent"))
