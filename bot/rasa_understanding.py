"""What Rasa's gateway channel does with a reply to a question before the turn (bot/rasa_channel.py).

The bot notes on every question what kind of answer it takes (the message's `custom` note); the
gateway sends the reply with that note. The reply is then read once, in that context, by the
interpretation step (bot/guidance/understanding/), and:

- a question about the question gets the question's explanation and the question again, a non-answer
  a gentle way in (an example, a moment, skipping; for a date, rough suggestions), something off-topic
  a kind word and the question again: all without a turn, so the form waits at its question;
- an answer, yes, no or a correction goes to the dialogue as such (`inform`, `affirm`, `deny`), with
  the reading in the parse for the form to store its clean value;
- a request goes as the request it is ("let's plan my steps" is plan_actions);
- a feeling or an event mentioned alongside is acknowledged in one sentence before what follows.

Where two requests sound alike and the words do not settle it, the client is asked, with one tap for
each ("Do you want to see your plan, or plan new steps?").
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.trackers import DialogueStateTracker

from bot.guidance.understanding.interpret import Heard, interpret
from bot.guidance.understanding.reading import (
    ANSWER,
    CORRECTION,
    DATE,
    EXAMPLES,
    NO,
    NON_ANSWER,
    NOTHING,
    OFF_TOPIC,
    OPEN,
    QUESTION,
    RATHER_NOT,
    RATING,
    REQUEST,
    UNSURE,
    VAGUE,
    YES,
    Question,
    Reading,
)
from bot.guidance.understanding.words import ConversationWords, load_conversation_words
from bot.settings import load_settings

logger = logging.getLogger(__name__)

READING = "reading"
QUESTION_NOTE = "question"
STATEMENT, YES_INTENT, NO_INTENT = "inform", "affirm", "deny"
# Requests that sound alike: (the two intents, the response that asks which one is meant).
CLOSE_REQUESTS = (
    ({"show_plan", "plan_actions"}, "utter_which_plan"),
    ({"show_progress", "review_progress"}, "utter_which_progress"),
)
CLOSE = 0.25  # confidences nearer than this are a toss-up


@dataclass
class Understood:
    """Either the replies to send at once, or the parse to take the turn with; and an acknowledgement."""

    replies: Optional[List[Dict[Text, Any]]] = None
    parse: Optional[Dict[Text, Any]] = None
    acknowledgement: Optional[Text] = None


class UnderstandingLayer:
    def __init__(self, words: Optional[ConversationWords] = None) -> None:
        if words is None:
            settings = load_settings()
            words = load_conversation_words(settings.phrase_language, settings.conversation_words_dir)
        self._words = words

    async def understand(self, agent: Any, message: UserMessage, parse: Dict[Text, Any], answering: Dict[Text, Any]) -> Understood:
        """What to do with `message` (already parsed) given the question it answers, if any."""
        question = Question.from_note((answering or {}).get("note"))
        if question is None:
            return await self._without_a_question(agent, message, parse)
        today = datetime.date.today()
        reading = interpret(question, message.text, Heard.from_parse(parse), self._words, today)
        acknowledgement = self.acknowledgement(reading.aside, message.text or "")
        direct = await self._said_at_once(agent, message, question, reading, answering)
        if direct is not None:
            return Understood(replies=_with_acknowledgement(acknowledgement, direct, message.sender_id))
        return Understood(parse=_as_parse(parse, reading, question, message.text or ""), acknowledgement=acknowledgement)

    def acknowledgement(self, aside: Optional[Text], text: Text) -> Optional[Text]:
        if aside is None:
            return None
        choices = self._words.acknowledgements[aside]
        # The same words always get the same sentence; different ones vary it.
        return choices[int(hashlib.sha256(text.encode()).hexdigest(), 16) % len(choices)]

    async def _said_at_once(
        self, agent: Any, message: UserMessage, question: Question, reading: Reading, answering: Dict[Text, Any]
    ) -> Optional[List[Dict[Text, Any]]]:
        explanation = self._words.explanation(question.key)
        if reading.outcome == QUESTION:
            wants_examples = reading.value == EXAMPLES and explanation.example
            said = explanation.example if wants_examples else explanation.explanation
            first = await _render(agent, message, "utter_explain_question", explanation=said)
        elif reading.outcome == OFF_TOPIC:
            first = await _render(agent, message, "utter_off_topic_here")
        elif reading.outcome == NON_ANSWER and question.kind == DATE and reading.value in (VAGUE, UNSURE):
            return await _render(agent, message, "utter_ask_rough_date", note=answering.get("note"))
        elif reading.outcome == NON_ANSWER and reading.value == RATHER_NOT:
            return await _render(agent, message, "utter_rather_not", note=answering.get("note"))
        elif reading.outcome == NON_ANSWER and not _a_valid_non_answer(question, reading):
            example = explanation.example or explanation.explanation
            return await _render(agent, message, "utter_non_answer", note=answering.get("note"), example=example)
        else:
            return None
        return first + _asked_again(message, answering)

    async def _without_a_question(self, agent: Any, message: UserMessage, parse: Dict[Text, Any]) -> Understood:
        """Outside a question, only the requests that sound alike need a word first."""
        ranking = {i.get("name"): float(i.get("confidence") or 0) for i in parse.get("intent_ranking") or []}
        intent = (parse.get("intent") or {}).get("name")
        if (message.text or "").startswith("/"):
            return Understood(parse=parse)
        for pair, response in CLOSE_REQUESTS:
            if intent in pair:
                other = next(iter(pair - {intent}))
                if ranking.get(intent, 0) - ranking.get(other, 0) < CLOSE:
                    return Understood(replies=await _render(agent, message, response))
        return Understood(parse=parse)


def _a_valid_non_answer(question: Question, reading: Reading) -> bool:
    """"Not sure" is an answer to a rating; "nothing" to a question that says "or say no"."""
    return (question.kind == RATING and reading.value == UNSURE) or (question.nothing_is_an_answer and reading.value == NOTHING)


def _as_parse(parse: Dict[Text, Any], reading: Reading, question: Question, text: Text) -> Dict[Text, Any]:
    """The parse the turn goes with: the reading, and the intent that says what the reply was."""
    if reading.outcome == NON_ANSWER and reading.value == NOTHING and question.nothing_is_an_answer and question.kind == OPEN:
        # "no one" answers "who could help?": the client's own words are the answer.
        reading = Reading(ANSWER, text.strip(), reading.aside, reading.intent)
    parse = dict(parse)
    parse[READING] = reading.as_dict()
    if reading.outcome == REQUEST and reading.intent:
        intent = reading.intent
    elif reading.outcome == YES:
        intent = YES_INTENT
    elif reading.outcome == NO:
        intent = NO_INTENT
    elif reading.outcome in (ANSWER, CORRECTION, NON_ANSWER):
        intent = STATEMENT
    else:
        return parse
    parse["intent"] = {"name": intent, "confidence": 1.0}
    return parse


def _asked_again(message: UserMessage, answering: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    """The question as it was asked, with its buttons and note, so that the next reply is in context."""
    asked: Dict[Text, Any] = {"recipient_id": message.sender_id, "text": answering.get("text")}
    if answering.get("buttons"):
        asked["buttons"] = answering["buttons"]
    return [asked, {"recipient_id": message.sender_id, "custom": {"asks": "question", QUESTION_NOTE: answering.get("note")}}]


def _with_acknowledgement(acknowledgement: Optional[Text], replies: List[Dict[Text, Any]], sender_id: Text) -> List[Dict[Text, Any]]:
    if acknowledgement is None:
        return replies
    return [{"recipient_id": sender_id, "text": acknowledgement}, *replies]


async def _render(agent: Any, message: UserMessage, response: Text, note: Any = None, **values: Any) -> List[Dict[Text, Any]]:
    """A domain response as the channel sends it; with `note`, it asks the same question again."""
    output = message.output_channel.name() if message.output_channel is not None else None
    rendered = await agent.nlg.generate(response, DialogueStateTracker(message.sender_id, []), output, **values) or {}
    reply: Dict[Text, Any] = {"recipient_id": message.sender_id, "text": rendered.get("text")}
    if rendered.get("buttons"):
        reply["buttons"] = rendered["buttons"]
    replies = [reply]
    if note is not None:
        replies.append({"recipient_id": message.sender_id, "custom": {"asks": "question", QUESTION_NOTE: note}})
    logger.debug("client %s: answered at once with %s", message.sender_id, response)
    return replies


def acknowledged(acknowledgement: Optional[Text], replies: List[Dict[Text, Any]], sender_id: Text) -> List[Dict[Text, Any]]:
    """The turn's replies with the acknowledgement first; none after a crisis answer (its own words)."""
    if acknowledgement is None or any((r.get("custom") or {}).get("asks") == "safety" for r in replies):
        return replies
    return _with_acknowledgement(acknowledgement, replies, sender_id)
