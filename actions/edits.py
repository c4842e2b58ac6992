"""Changing the options (or the plan's steps) in words, at any time: "rename 2 to healthcare
assistant", "remove the bakery", "add game tester"; read by bot/guidance/understanding/edits.py."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.database import client_data
from actions.forms import reading_of
from bot.guidance.understanding.edits import Edit, edit_of
from bot.guidance.understanding.items import item_meant, repeated
from bot.storage.options import MAX_OPTIONS, add_option, current_option_set, remove_option, rename_option
from bot.storage.plans import latest_plan

STEP_WORDS = ("step", "steps")


def numbered(titles: List[Text]) -> Text:
    return "\n".join(f"{number}. {title}" for number, title in enumerate(titles, start=1))


class ActionEditOptions(Action):
    def name(self) -> Text:
        return "action_edit_options"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        message = tracker.latest_message or {}
        reading = reading_of(message)
        value = reading.value if reading is not None and isinstance(reading.value, dict) else None
        edit = Edit(value["action"], value.get("target"), value.get("new")) if value else edit_of(message.get("text") or "")
        if edit is None:
            dispatcher.utter_message(response="utter_edit_not_understood")
            return []
        about_steps = any(word in (message.get("text") or "").lower().split() for word in STEP_WORDS)
        with client_data() as session:
            if about_steps:
                self._edit_steps(session, tracker.sender_id, edit, dispatcher)
            else:
                self._edit_options(session, tracker.sender_id, edit, dispatcher)
        return []

    def _edit_options(self, session: Session, client_id: Text, edit: Edit, dispatcher: CollectingDispatcher) -> None:
        option_set = current_option_set(session, client_id)
        if option_set is None:
            dispatcher.utter_message(response="utter_no_options_yet")
            return
        titles = [option.title for option in option_set.options]
        if edit.action == "add":
            twin = repeated(edit.new or "", titles)
            if twin is not None:
                dispatcher.utter_message(response="utter_option_already_there", option=twin, options=numbered(titles))
                return
            if add_option(session, option_set, edit.new or "", "own") is None or len(titles) >= MAX_OPTIONS:
                dispatcher.utter_message(response="utter_options_full")
                return
        else:
            position = item_meant(edit.target, titles) if edit.target is not None else None
            if position is None:
                dispatcher.utter_message(response="utter_option_not_found", target=str(edit.target or ""), options=numbered(titles))
                return
            option = option_set.options[position]
            if edit.action == "rename":
                rename_option(session, option, edit.new or option.title)
            else:
                remove_option(session, option_set, option)
        dispatcher.utter_message(response="utter_options_edited", options=numbered([o.title for o in option_set.options]) or "(none)")

    def _edit_steps(self, session: Session, client_id: Text, edit: Edit, dispatcher: CollectingDispatcher) -> None:
        plan = latest_plan(session, client_id)
        steps = plan.steps if plan is not None else []
        descriptions = [step.description for step in steps]
        position = item_meant(edit.target, descriptions) if edit.target is not None else None
        if edit.action != "rename" or position is None:
            dispatcher.utter_message(response="utter_step_not_found", steps=numbered(descriptions) or "(none yet)")
            return
        steps[position].description = edit.new or steps[position].description
        session.flush()
        dispatcher.utter_message(response="utter_steps_edited", steps=numbered([step.description for step in steps]))
