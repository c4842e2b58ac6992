"""Show my plan: the client's decision and current plan, or an offer to make one."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.database import client_data
from bot.guidance.journey import suggestion_buttons
from bot.guidance.wording import decision_summary, plan_text
from bot.storage.decisions import chosen_option, latest_decision
from bot.storage.models import ROUND_COMPLETE, ROUND_IN_PROGRESS, utcnow
from bot.storage.plans import latest_plan
from bot.storage.progress import snapshot


class ActionShowPlan(Action):
    def name(self) -> Text:
        return "action_show_plan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        with client_data() as session:
            # A plan being made shows its steps so far ("show my plan" in the middle of planning).
            plan = latest_plan(session, tracker.sender_id, ROUND_COMPLETE)
            drafting = latest_plan(session, tracker.sender_id, ROUND_IN_PROGRESS)
            if drafting is not None and drafting.steps:
                plan = drafting
            decision = latest_decision(session, tracker.sender_id)
            decided = decision if decision is not None and decision.decided_at is not None else None
            chosen = chosen_option(session, decided)
            if plan is not None:
                text = plan_text(plan, decided, chosen, utcnow().date())
                if plan is drafting:
                    text += "\n(We're still making this plan: these are its steps so far.)"
            elif decided is not None:
                text = f"{decision_summary(decided, chosen)}\n\nYou haven't made an action plan yet."
            else:
                text = "You don't have a plan yet. When you're ready, we can make one together."
            dispatcher.utter_message(text=text, buttons=suggestion_buttons(snapshot(session, tracker.sender_id)))
        return []
