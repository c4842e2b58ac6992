"""A safe, immediate answer to a risk, with crisis resources from configuration, and the answers to
"are you safe right now?" (read in the client's words by bot/rasa_safety.py into three intents)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.database import client_data
from bot.guidance.crisis import load_crisis_resources
from bot.guidance.risk import CLEAR, POSSIBLE, UNSPECIFIED, Assessment
from bot.settings import load_settings
from bot.storage.safety import NOT_SAFE, STATEMENT, UNSURE_IF_SAFE, raise_safety_flag

# The dialogue's note that this message asks "are you safe right now?": the gateway sends the next
# message with it, so that the answer is read in that context.
ASKS_SAFETY = {"asks": "safety"}
SAFETY_BUTTONS = [
    {"title": "I'm safe right now", "payload": "/affirm"},
    {"title": "I'm not safe", "payload": "/deny"},
]


def latest_risk(tracker: Tracker) -> Optional[Dict[Text, Any]]:
    """The risk read in the most recent message that showed one (this one, or the one before the question)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            risk = (event.get("parse_data") or {}).get("risk") or {}
            if risk.get("level") in (CLEAR, POSSIBLE):
                return risk
    return None


def category_of(risk: Optional[Dict[Text, Any]]) -> Text:
    return (Assessment.from_dict(risk).category if risk else None) or UNSPECIFIED


class ActionRespondToDistress(Action):
    def name(self) -> Text:
        return "action_respond_to_distress"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        risk = (tracker.latest_message or {}).get("risk") or {}
        assessment = Assessment.from_dict(risk)
        categories = assessment.categories or (UNSPECIFIED,)
        # Read on every call so that an operator's edit takes effect without a restart.
        resources = load_crisis_resources(load_settings().crisis_resources_file)
        dispatcher.utter_message(text=resources.as_text(categories), buttons=SAFETY_BUTTONS, json_message=ASKS_SAFETY)
        level = assessment.level if assessment.level in (CLEAR, POSSIBLE) else CLEAR  # a button's distress is clear
        with client_data() as session:
            raise_safety_flag(session, tracker.sender_id, categories[0], level, risk.get("reason") or STATEMENT)
        return []


class AnswerToSafetyQuestion(Action, ABC):
    """Not safe, or not sure: say where to turn now, and flag it for the practitioner."""

    response: Text = ""
    level: Text = CLEAR
    reason: Text = ""

    @abstractmethod
    def name(self) -> Text:
        """Each answer names its action; being abstract keeps this class unregistered."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(response=self.response)
        with client_data() as session:
            flag = raise_safety_flag(session, tracker.sender_id, category_of(latest_risk(tracker)), self.level, self.reason)
        if flag is not None:
            dispatcher.utter_message(response="utter_practitioner_alerted")
        return []


class ActionRespondNotSafe(AnswerToSafetyQuestion):
    response, level, reason = "utter_distress_not_safe", CLEAR, NOT_SAFE

    def name(self) -> Text:
        return "action_respond_not_safe"


class ActionRespondUnsureIfSafe(AnswerToSafetyQuestion):
    response, level, reason = "utter_distress_unsure", POSSIBLE, UNSURE_IF_SAFE

    def name(self) -> Text:
        return "action_respond_unsure_if_safe"
