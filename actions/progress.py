"""Where am I: the client's stored progress, read back to them."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.database import client_data
from bot.guidance.wording import progress_report
from bot.storage.progress import snapshot


class ActionShowProgress(Action):
    def name(self) -> Text:
        return "action_show_progress"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        with client_data() as session:
            dispatcher.utter_message(text=progress_report(snapshot(session, tracker.sender_id)))
        return []
