"""An immediate, safe answer to acute distress, with crisis resources from configuration."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.database import client_data
from bot.guidance.crisis import load_crisis_resources
from bot.settings import load_settings
from bot.storage.safety import raise_safety_flag


class ActionRespondToDistress(Action):
    def name(self) -> Text:
        return "action_respond_to_distress"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        # Read on every call so that an operator's edit takes effect without a restart.
        resources = load_crisis_resources(load_settings().crisis_resources_file)
        dispatcher.utter_message(
            text=resources.as_text(),
            buttons=[
                {"title": "I'm safe right now", "payload": "/affirm"},
                {"title": "I'm not safe", "payload": "/deny"},
            ],
        )
        with client_data() as session:
            raise_safety_flag(session, tracker.sender_id)
        return []
