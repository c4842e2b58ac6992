"""Show my data: everything stored about the client, as a readable summary and a JSON file."""

from __future__ import annotations

import json
import secrets
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.database import client_data, tracker_engine
from bot.guidance.wording import data_summary
from bot.settings import load_settings
from bot.storage.tracker_events import stored_tracker_events
from bot.storage.export import client_export


class ActionShowMyData(Action):
    def name(self) -> Text:
        return "action_show_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        with client_data() as session:
            export = client_export(session, tracker.sender_id)
        # Rasa's own record of the conversation, all of it as the tracker store keeps it: the tracker
        # an action is sent holds only the recent part of a long conversation.
        stored = stored_tracker_events(tracker_engine(), tracker.sender_id)
        export["rasa_events"] = stored if stored is not None else list(tracker.events)
        media_dir = load_settings().media_dir
        media_dir.mkdir(parents=True, exist_ok=True)
        # The client's id lets their erasure find the file; the random part keeps the link unguessable.
        name = f"{tracker.sender_id}-{secrets.token_urlsafe(18)}.json"
        (media_dir / name).write_text(json.dumps(export, indent=2, ensure_ascii=False), encoding="utf-8")
        dispatcher.utter_message(text=data_summary(export), attachment=f"/media/{name}")
        return []
