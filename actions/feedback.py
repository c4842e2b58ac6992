"""Closing feedback: readiness rated again on the start's items, then the client's view of the process."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.database import client_data
from actions.forms import AnswersForm, rating_answer, text_answer
from bot.guidance.answers import unless_skipped
from bot.guidance.wording import feedback_summary
from bot.storage.feedback import readiness_at, save_feedback

READINESS_SLOTS = {"clarity": "feedback_clarity", "confidence": "feedback_confidence"}
RATING_SLOTS = [*READINESS_SLOTS.values(), "feedback_usefulness", "feedback_heard", "feedback_in_charge"]
TEXT_SLOTS = ["feedback_helped", "feedback_improve"]


class ValidateFeedbackForm(AnswersForm):
    def name(self) -> Text:
        return "validate_feedback_form"

    async def extract_feedback_clarity(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return rating_answer("feedback_clarity", dispatcher, tracker)

    async def extract_feedback_confidence(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return rating_answer("feedback_confidence", dispatcher, tracker)

    async def extract_feedback_usefulness(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return rating_answer("feedback_usefulness", dispatcher, tracker)

    async def extract_feedback_heard(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return rating_answer("feedback_heard", dispatcher, tracker)

    async def extract_feedback_in_charge(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return rating_answer("feedback_in_charge", dispatcher, tracker)

    async def extract_feedback_helped(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return text_answer("feedback_helped", dispatcher, tracker)

    async def extract_feedback_improve(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return text_answer("feedback_improve", dispatcher, tracker)


def rating(tracker: Tracker, slot: Text) -> int | None:
    value = unless_skipped(tracker.get_slot(slot))
    return None if value is None else int(value)


class ActionSaveFeedback(Action):
    def name(self) -> Text:
        return "action_save_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        closing = {item: value for item, slot in READINESS_SLOTS.items() if (value := rating(tracker, slot)) is not None}
        with client_data() as session:
            save_feedback(
                session,
                tracker.sender_id,
                closing,
                usefulness=rating(tracker, "feedback_usefulness"),
                felt_heard=rating(tracker, "feedback_heard"),
                felt_in_charge=rating(tracker, "feedback_in_charge"),
                what_helped=unless_skipped(tracker.get_slot("feedback_helped")),
                what_to_improve=unless_skipped(tracker.get_slot("feedback_improve")),
            )
            start = readiness_at(session, tracker.sender_id, "start")
        dispatcher.utter_message(text=feedback_summary(start, closing))
        return [SlotSet(slot, None) for slot in RATING_SLOTS + TEXT_SLOTS]
