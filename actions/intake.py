"""The start of the process: the client's situation, how ready they feel, and their own goals."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.database import client_data
from actions.forms import AnswersForm, answer_to, read_value, wants_to_skip
from bot.guidance.answers import SKIPPED, clean_answer, split_goals, unless_skipped
from bot.guidance.wording import intake_summary, mentions_from_entities
from bot.storage.progress import save_intake

READINESS_SLOTS = {"clarity": "readiness_clarity", "confidence": "readiness_confidence"}
INTAKE_SLOTS = ["situation", "situation_mentions", *READINESS_SLOTS.values(), "goals"]


class ValidateIntakeForm(AnswersForm):
    rating_slots = tuple(READINESS_SLOTS.values())

    def name(self) -> Text:
        return "validate_intake_form"

    async def extract_situation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        message = answer_to("situation", tracker, open_answer=True)
        if message is None:
            return {}
        if wants_to_skip(message):
            return {"situation": SKIPPED}
        situation = read_value(message, clean_answer)
        if not situation:
            dispatcher.utter_message(response="utter_answer_needs_text")
            return {"situation": None}
        return {"situation": situation, "situation_mentions": mentions_from_entities(message.get("entities") or [])}

    async def extract_goals(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        message = answer_to("goals", tracker, open_answer=True)
        if message is None:
            return {}
        if wants_to_skip(message):
            return {"goals": [SKIPPED]}
        read = read_value(message, lambda text: split_goals(clean_answer(text)))
        goals = [str(goal) for goal in read] if isinstance(read, list) else split_goals(read) if isinstance(read, str) else []
        if not goals:
            dispatcher.utter_message(response="utter_goals_need_text")
        return {"goals": goals or None}


class ActionSaveIntake(Action):
    def name(self) -> Text:
        return "action_save_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        situation = unless_skipped(tracker.get_slot("situation"))
        readiness = {
            item: int(value)
            for item, slot in READINESS_SLOTS.items()
            if (value := unless_skipped(tracker.get_slot(slot))) is not None
        }
        goals = [goal for goal in tracker.get_slot("goals") or [] if goal != SKIPPED]
        mentions = (tracker.get_slot("situation_mentions") or []) if situation else []
        with client_data() as session:
            save_intake(session, tracker.sender_id, situation, readiness, goals, mentions)
        dispatcher.utter_message(
            text=intake_summary(situation, readiness, goals, mentions),
            buttons=[{"title": "Let's reflect", "payload": "/start_reflection"}],
        )
        # Cleared so that a later revision of the start asks every question afresh.
        return [SlotSet(slot, None) for slot in INTAKE_SLOTS] + [SlotSet("stage", "returning")]
