"""Reflection: the themes the bot asks about, and the paraphrase it offers back.

The paraphrase gives back the essence, the way someone listening would: the answer's points, short,
one a line when there are several, in the second person ("im" is "you're"), without fillers
("lol", "mostly", "tbh", "I guess"), with capitals and apostrophes; for what matters to the client,
the work values it heard ("It sounds like security and time with family matter most to you."); and
the occupations, fields of study and skills spaCy found. What is stored stays the client's words.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from bot.guidance.second_person import to_second_person, without_correction_lead
from bot.guidance.understanding import shapes
from bot.guidance.understanding.lists import strip_fillers
from bot.guidance.understanding.words import ConversationWords
from bot.guidance.wording import MENTION_KINDS

# The order in which the themes are offered; the client can skip any of them.
THEMES = ("values", "interests", "strengths", "experiences", "circumstances")

TEMPLATES = {
    "values": ("If I heard you right, what matters most to you is {point}.", "If I heard you right, these matter most to you:"),
    "interests": ("So what draws your interest is {point}.", "So what draws your interest:"),
    "strengths": ("You see this as a strength of yours: {point}.", "You see these as strengths of yours:"),
    "experiences": ("An experience that meant a lot to you: {point}.", "Experiences that meant a lot to you:"),
    "circumstances": ("Something your plans need to fit around: {point}.", "Things your plans need to fit around:"),
}
CLAUSE_TEMPLATES = {
    "values": "If I heard you right, {point}.",
    "interests": "So, {point}.",
    "strengths": "You see this as a strength of yours: {point}.",
    "experiences": "What meant a lot to you: {point}.",
    "circumstances": "Your plans need to fit around this: {point}.",
}
EXAMPLE_TEMPLATE = "You showed it when {example}."
VALUES_TEMPLATE = "It sounds like {values} {verb} most to you."

def points_of(answer: str, words: ConversationWords) -> list[str]:
    """The answer's points in the second person, fillers dropped ("a steady income", "being home at 3")."""
    parts = re.split(r"(?<=[.!?])\s+|\n+|;\s*", answer.strip())
    points: list[str] = []
    for part in parts:
        pieces = [p for p in re.split(r"\s*,\s*", part.strip(" .!?")) if p]
        # A list of short things ("security, time with my daughter, feeling useful") gives a point each;
        # a sentence with a comma in it stays one.
        if not (len(pieces) >= 2 and all(len(p.split()) <= 6 for p in pieces)):
            pieces = [part]
        for piece in pieces:
            point = to_second_person(strip_fillers(without_correction_lead(piece), words))
            if point and any(ch.isalnum() for ch in point) and point.lower() not in (p.lower() for p in points):
                points.append(point)
    return points or [to_second_person(answer)]


def values_heard(answer: str, words: ConversationWords) -> list[str]:
    """The work values the answer shows, by name, in the order of the values file."""
    return [name for name, phrases in words.values.items() if phrases.find(answer)]


def reflect_back(
    theme: str,
    answer: str,
    example: str | None = None,
    mentions: Sequence[Mapping[str, str]] = (),
    words: ConversationWords | None = None,
) -> str:
    one, several = TEMPLATES[theme]
    points = points_of(answer, words) if words is not None else [to_second_person(answer)]
    if len(points) == 1:
        point = points[0][0].lower() + points[0][1:]
        # A whole clause ("you care about fairness") is said back as it is, not fitted into the template.
        text = CLAUSE_TEMPLATES[theme].format(point=point) if point.startswith("you ") else one.format(point=point)
    else:
        text = several + "\n" + "\n".join(f"• {p[0].upper()}{p[1:]}" for p in points)
    if example:
        example_said = strip_fillers(example, words) if words is not None else example
        example_said = re.sub(r"^when\s+", "", to_second_person(example_said), flags=re.I)  # "when ..." after "when"
        if shapes.PAST_VERB_FIRST.match(example_said):
            example_said = "you " + example_said
        text = then_say(text, EXAMPLE_TEMPLATE.format(example=example_said))
    if theme == "values" and words is not None:
        # Only values not already said in so many words ("fairness" said back needs no "fairness matters").
        said_back = " ".join(points).lower()
        values = [value for value in values_heard(answer, words) if value.lower() not in said_back]
        if values:
            named = values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1]
            said = VALUES_TEMPLATE.format(values=named, verb="matters" if len(values) == 1 else "matter")
            text = then_say(text, said)
    if mentions:
        named = ", ".join(f"{m['value']} ({MENTION_KINDS[m['kind']]})" for m in mentions)
        text = then_say(text, f"You mentioned {named}.")
    return text


def then_say(text: str, sentence: str) -> str:
    """A sentence after `text`: on a line of its own after a bulleted list, where it would read
    as part of the last point ("• School pickup at 3 Did I get that right?")."""
    last_line = text.rsplit("\n", 1)[-1]
    return f"{text}\n{sentence}" if last_line.startswith("• ") else f"{text} {sentence}"
