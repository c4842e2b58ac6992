"""Closing feedback: readiness rated again on the start's items, then the client's view of the process."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.database import client_data
from actions.forms import AnswersForm
from actions.pause import PAUSED_FORM_SLOT
from bot.guidance.answers import unless_skipped
from bot.guidance.wording import feedback_summary
from bot.storage.feedback import readiness_at, save_feedback

READINESS_SLOTS = {"clarity": "feedback_clarity", "confidence": "feedback_confidence"}
RATING_SLOTS = [*READINESS_SLOTS.values(), "feedback_usefulness", "feedback_heard", "feedback_in_charge"]
TEXT_SLOTS = ["feedback_helped", "feedback_improve"]


class ValidateFeedbackForm(AnswersForm):
    rating_slots = tuple(RATING_SLOTS)
    text_slots = tuple(TEXT_SLOTS)

    def name(self) -> Text:
        return "validate_feedback_form"


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
        return [SlotSet(slot, None) for slot in [*RATING_SLOTS, *TEXT_SLOTS, PAUSED_FORM_SLOT]]
