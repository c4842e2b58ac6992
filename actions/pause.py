"""Stepping out of a phase (pause, distress): the form stops and is remembered, so the next
"hello" or "let's continue" resumes it at the same question."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

PAUSED_FORM_SLOT = "paused_form"


class ActionPauseForm(Action):
    def name(self) -> Text:
        return "action_pause_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        # requested_slot is emptied as action_deactivate_loop does; the form asks its first empty slot again.
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet(PAUSED_FORM_SLOT, tracker.active_loop_name)]
