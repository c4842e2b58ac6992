"""Session start: carry the client's slots over and read where they stand from the database."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.database import client_data
from actions.pause import PAUSED_FORM_SLOT
from bot.guidance.journey import RESUMABLE_FORMS
from bot.storage.progress import snapshot

NOT_CARRIED_OVER = {"requested_slot", "session_started_metadata", "stage"}


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        carried = [
            SlotSet(key, value)
            for key, value in tracker.slots.items()
            if value is not None and key not in NOT_CARRIED_OVER
        ]
        with client_data() as session:
            stage = snapshot(session, tracker.sender_id).stage
        # A phase left open when the last session ended resumes with the next "hello", as after a pause.
        if tracker.active_loop_name in RESUMABLE_FORMS:
            carried.append(SlotSet(PAUSED_FORM_SLOT, tracker.active_loop_name))
        # The stage comes from the database so that it is right even after a tracker was purged.
        return [SessionStarted(), *carried, SlotSet("stage", stage), ActionExecuted("action_listen")]
