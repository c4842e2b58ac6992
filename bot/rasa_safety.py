"""What Rasa's gateway channel does with risk before a turn is taken (used by bot/rasa_channel.py).

Each message is understood once, here; the turn then runs on that reading.

- A message with a possible risk (bot/nlp/risk_assessor.py) is not taken as a turn: the client gets
  the check question, quoting their words, and the conversation stays where it was. The gateway
  keeps the message.
- The answer to the check question comes with that held message (from the gateway). "It's just
  wearing me out" takes the held message as the turn it was meant to be: the answer to the
  question it answered. A yes, or anything unclear, is a distress turn: the crisis answer.
- An answer to "are you safe right now?" is read in the client's own words and becomes one of the
  intents `safe_now`, `not_safe_now` or `unsure_if_safe`; a message that is a request of its own
  ("let's continue", "talk to my practitioner") goes as it is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.trackers import DialogueStateTracker

from bot.guidance.risk import CLEAR, POSSIBLE, Assessment
from bot.guidance.safety_answers import CONCERN, FINE, NOT_SAFE, SAFE, UNSURE, read_check_answer, read_safety_answer
from bot.guidance.safety_words import SafetyWords, load_safety_words
from bot.nlp.risk_assessor import DISTRESS, RISK, RISK_CHECKED
from bot.settings import load_settings

logger = logging.getLogger(__name__)

ASKS = "asks"
RISK_CHECK, SAFETY = "risk_check", "safety"
SAFETY_INTENTS = {SAFE: "safe_now", NOT_SAFE: "not_safe_now", UNSURE: "unsure_if_safe"}
# Intents that ask for something of their own: after "are you safe right now?" they are not an answer.
REQUESTS = {
    "resume", "greet", "request_human", "help", "pause", "show_plan", "show_progress", "show_my_data",
    "delete_my_data", "bot_challenge", "goodbye", "thank", "start_reflection", "explore_options",
    "make_decision", "plan_actions", "review_progress", "give_feedback",
}
REQUEST_CONFIDENCE = 0.8
# The check question's wording follows what the risk is about (domain.yml: utter_ask_risk_check_<about>).
CHECK_ABOUT = {"harm_from_others": "others_hurting", "harm_to_others": "hurting_others", "medical_emergency": "medical"}


@dataclass
class Prepared:
    """Either the replies to send at once, or the message to take as a turn (with an acknowledgement
    to say first, of a feeling or an event the client mentioned)."""

    replies: Optional[List[Dict[Text, Any]]] = None
    message: Optional[UserMessage] = None
    acknowledgement: Optional[Text] = None
    # The question a held message answered, when it goes on as that answer (read in that context).
    answering: Optional[Dict[Text, Any]] = None


class SafetyLayer:
    def __init__(self, words: Optional[SafetyWords] = None) -> None:
        if words is None:
            settings = load_settings()
            words = load_safety_words(settings.phrase_language, settings.safety_words_dir)
        self._words = words

    async def prepare(self, agent: Any, message: UserMessage, parse: Dict[Text, Any]) -> Optional[Prepared]:
        """What safety makes of the (parsed) message: a turn or replies, or None when it has no part in it."""
        metadata = message.metadata if isinstance(message.metadata, dict) else {}
        answering = metadata.get("answering") if isinstance(metadata.get("answering"), dict) else {}
        risk = Assessment.from_dict(parse.get(RISK))
        intent = (parse.get("intent") or {}).get("name")
        if answering.get("question") == RISK_CHECK and isinstance(answering.get("held_text"), str):
            after = await self._after_check(agent, message, parse, risk, intent, answering)
            went_on = after.metadata.get(RISK_CHECKED) is True if isinstance(after.metadata, dict) else False
            return Prepared(message=after, answering=(answering.get("held_question") or {}) if went_on else None)
        if answering.get("question") == SAFETY:
            return Prepared(message=_with_parse(message, self._safety_answer(message, parse, risk, intent)))
        if risk.level == POSSIBLE and metadata.get(RISK_CHECKED) is not True:
            return Prepared(replies=await _check_question(agent, message, risk))
        if risk.level == CLEAR:
            return Prepared(message=_with_parse(message, parse))
        return None

    async def _after_check(
        self, agent: Any, message: UserMessage, parse: Dict[Text, Any], risk: Assessment, intent: Any, answering: Dict
    ) -> UserMessage:
        outcome = read_check_answer(message.text, intent, risk, self._words)
        if outcome == FINE:
            held = UserMessage(
                answering["held_text"],
                message.output_channel,
                message.sender_id,
                input_channel=message.input_channel,
                metadata={**(message.metadata or {}), RISK_CHECKED: True, "answering": None},
                message_id=message.message_id,
            )
            return _with_parse(held, await agent.processor.parse_message(held))
        categories = list(risk.categories) if risk.level == CLEAR else list(answering.get("categories") or [])
        level = CLEAR if outcome == CONCERN else POSSIBLE
        assessment = Assessment(level, tuple(categories), risk.phrase, False, "check")
        return _with_parse(message, _as_distress(parse, assessment, "confirmed_check" if outcome == CONCERN else "unclear_check"))

    def _safety_answer(self, message: UserMessage, parse: Dict[Text, Any], risk: Assessment, intent: Any) -> Dict[Text, Any]:
        answer = read_safety_answer(message.text, intent, risk, self._words)
        if answer is None:
            confidence = float((parse.get("intent") or {}).get("confidence") or 0)
            if intent in REQUESTS and confidence >= REQUEST_CONFIDENCE:
                return parse  # a request of its own: the dialogue takes it as it is
            answer = UNSURE  # neither an answer nor a request: not knowing is the safe reading
        parse = dict(parse)
        parse["intent"] = {"name": SAFETY_INTENTS[answer], "confidence": 1.0}
        return parse


def _with_parse(message: UserMessage, parse: Dict[Text, Any]) -> UserMessage:
    message.parse_data = parse
    return message


def _as_distress(parse: Dict[Text, Any], assessment: Assessment, reason: Text) -> Dict[Text, Any]:
    parse = dict(parse)
    parse["intent"] = {"name": DISTRESS, "confidence": 1.0}
    parse[RISK] = {**assessment.as_dict(), "reason": reason}
    return parse


async def _check_question(agent: Any, message: UserMessage, risk: Assessment) -> List[Dict[Text, Any]]:
    """The check question for a possible risk, quoting the client's words, as the channel sends it."""
    about = CHECK_ABOUT.get(risk.category or "", "self")
    tracker = DialogueStateTracker(message.sender_id, [])
    output = message.output_channel.name() if isinstance(message.output_channel, OutputChannel) else None
    rendered = await agent.nlg.generate(f"utter_ask_risk_check_{about}", tracker, output, phrase=risk.phrase or "that")
    reply: Dict[Text, Any] = {"recipient_id": message.sender_id, "text": (rendered or {}).get("text")}
    if (rendered or {}).get("buttons"):
        reply["buttons"] = rendered["buttons"]
    note = {ASKS: RISK_CHECK, "categories": list(risk.categories)}
    logger.info("client %s: a possible risk (%s), the check question is asked", message.sender_id, risk.category)
    return [reply, {"recipient_id": message.sender_id, "custom": note}]
