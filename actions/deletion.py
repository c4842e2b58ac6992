"""Delete my data: after the client confirms, the deletion is requested; the gateway carries it
out once the turn is over (our tables, Rasa's record of the conversation, and any pictures)."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.database import client_data
from bot.storage.deletion import request_deletion


class ActionDeleteMyData(Action):
    def name(self) -> Text:
        return "action_delete_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        with client_data() as session:
            request_deletion(session, tracker.sender_id)
        dispatcher.utter_message(response="utter_data_deleted")
        return []
