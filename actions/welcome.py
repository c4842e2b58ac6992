"""Greeting: a new client is introduced to the bot, a returning one hears their goals again, and the
date of their next session when their practitioner set one that has not passed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.database import client_data
from actions.pause import PAUSED_FORM_SLOT
from bot.guidance.contact import session_to_mention
from bot.guidance.journey import RESUMABLE_FORMS, suggestion_buttons
from bot.guidance.wording import resuming_phase, welcome_back
from bot.settings import load_settings
from bot.storage.contact import next_session
from bot.storage.progress import snapshot


def service_today() -> date:
    """Today where the service is (SERVICE_TIME_ZONE): a session's date is a day there, as the portal sets it."""
    return datetime.now(load_settings().time_zone).date()


class ActionWelcome(Action):
    def name(self) -> Text:
        return "action_welcome"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        with client_data() as session:
            client = snapshot(session, tracker.sender_id)
            session_date = session_to_mention(next_session(session, tracker.sender_id), service_today())
        stage = client.stage
        if stage == "new":
            dispatcher.utter_message(response="utter_welcome_new")
        elif stage == "declined":
            dispatcher.utter_message(response="utter_welcome_declined")
            dispatcher.utter_message(response="utter_ask_consent_answer")
        elif stage == "consented":
            dispatcher.utter_message(response="utter_welcome_continue")
        elif tracker.get_slot(PAUSED_FORM_SLOT) in RESUMABLE_FORMS:
            # The rules resume the paused form right after this greeting.
            dispatcher.utter_message(text=resuming_phase(RESUMABLE_FORMS[tracker.get_slot(PAUSED_FORM_SLOT)]))
        else:
            dispatcher.utter_message(text=welcome_back(client), buttons=suggestion_buttons(client))
        if session_date is not None and stage in ("consented", "returning"):
            # Before a paused question comes back (the rules resume it after this action).
            dispatcher.utter_message(response="utter_next_session", session_date=session_date)
        return [SlotSet("stage", stage)]
