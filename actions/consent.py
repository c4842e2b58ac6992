"""Consent: the client agrees to storage (or not) before anything about them is kept."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.database import client_data
from actions.forms import AnswersForm, answer_to, intent_name
from bot.guidance.consent import CONSENT_TEXT_VERSION
from bot.storage.progress import CONSENT_DECLINED, CONSENT_GIVEN, record_consent

DECISION_BY_INTENT = {"affirm": CONSENT_GIVEN, "deny": CONSENT_DECLINED}


class ValidateConsentForm(AnswersForm):
    def name(self) -> Text:
        return "validate_consent_form"

    async def extract_consent_answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        message = answer_to("consent_answer", tracker)
        if message is None:
            return {}
        # Anything but a clear yes or no leaves the question open; the form asks it again.
        return {"consent_answer": DECISION_BY_INTENT.get(intent_name(message))}


class ActionRecordConsent(Action):
    """Stores the decision with the consent text's version; also takes a bare yes/no outside the form."""

    def name(self) -> Text:
        return "action_record_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        decision = tracker.get_slot("consent_answer") or DECISION_BY_INTENT.get(intent_name(tracker.latest_message))
        if decision is None:
            # Never read a refusal (which removes the conversation) into an unclear answer.
            dispatcher.utter_message(response="utter_consent_needs_yes_or_no")
            return []
        with client_data() as session:
            record_consent(session, tracker.sender_id, decision, CONSENT_TEXT_VERSION)
        if decision == CONSENT_GIVEN:
            dispatcher.utter_message(response="utter_consent_given")
            stage = "consented"
        else:
            # The gateway removes the conversation so far once this turn is answered.
            dispatcher.utter_message(response="utter_consent_declined")
            stage = "declined"
        return [SlotSet("consent_answer", None), SlotSet("stage", stage)]
