"""Action plan: concrete steps with due dates in the client's words, the support each needs,
what might get in the way with an if-then plan, and the skills the change asks for."""

from __future__ import annotations

import datetime
import re
from typing import Any, List, Optional, Text, Tuple

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.forms import read_value
from actions.readers import Message, list_of, text_of
from bot.guidance.answers import clean_answer
from actions.step_form import AskNextStep, FinishPhase, Step, StepForm, StepPhase
from bot.guidance.dates import describe_date, parse_due_date
from bot.guidance.understanding.reading import DATE, LIST
from bot.guidance.wording import plan_text
from bot.storage.decisions import chosen_option, latest_decision
from bot.storage.models import utcnow
from bot.storage.plans import MAX_STEPS, complete_plan, plan_in_progress, set_due_date, set_steps

_IF_THEN = re.compile(r"^\s*if\s+(?P<obstacle>.+?),?\s+then\s+(?P<plan>.+)$", re.I | re.S)


def due_date_of(message: Message):
    """The date the client means and their own words for it; None when no future date is found."""
    text = clean_answer(message.get("text"))
    if text is None:
        return None
    today = utcnow().date()
    read = read_value(message, lambda said: parse_due_date(said or "", today))
    day = datetime.date.fromisoformat(read) if isinstance(read, str) else read
    return None if not isinstance(day, datetime.date) or day < today else (day, text)


def split_if_then(text: Text) -> Tuple[Text, Optional[Text]]:
    """"If I'm tired, then I'll go on Saturday" becomes the obstacle and the plan for it."""
    match = _IF_THEN.match(text)
    return (match["obstacle"].strip(), match["plan"].strip()) if match else (text, None)


class PlanPhase(StepPhase):
    name = "planning"

    def steps(self, session: Session, client_id: Text) -> List[Step]:
        plan = plan_in_progress(session, client_id)
        chosen = chosen_option(session, latest_decision(session, client_id))
        towards = f" towards \"{chosen.title}\"" if chosen else ""
        steps = [
            Step(
                "steps",
                f"What concrete steps will you take{towards}? Small ones are good: for example \"ask a nurse "
                f"about her work\" or \"look up two courses\". Name up to {MAX_STEPS}, each on its own line or "
                "separated by semicolons.",
                list_of(MAX_STEPS),
                "I didn't catch a step there. What is one thing you could do next?",
                kind=LIST,
            )
        ]
        for step in plan.steps:
            steps += [
                Step(
                    f"due:{step.id}",
                    f"By when would you like to have done this: \"{step.description}\"? For example \"next Friday\", "
                    "\"in two weeks\" or \"15 March\".",
                    due_date_of,
                    "I couldn't read a date from now on there. Could you say it another way, like \"next Friday\", "
                    "\"in two weeks\" or \"15 March\"? You can also skip it.",
                    strict=True,
                    kind=DATE,
                ),
                Step(
                    f"support:{step.id}",
                    f"What or who could help you with \"{step.description}\"?",
                    text_of,
                    "Who or what could help, in a few words? Or skip it.",
                    nothing_is_an_answer=True,
                ),
                Step(
                    f"obstacle:{step.id}",
                    "What might get in the way, and what will you do if it does? For example: \"If I'm too tired "
                    "after work, then I'll do it on Saturday morning.\"",
                    text_of,
                    "What might get in the way, in a few words? Or skip it.",
                    nothing_is_an_answer=True,
                ),
            ]
        steps.append(
            Step(
                "skills",
                "Last question for the plan: which skills will this change ask of you? Any you'd like to build?",
                text_of,
                "Which skills come to mind, in a few words? Or skip it.",
            )
        )
        return steps

    def store(
        self, session: Session, client_id: Text, step: Step, value: Any, dispatcher: CollectingDispatcher
    ) -> None:
        plan = plan_in_progress(session, client_id)
        kind, _, step_id = step.key.partition(":")
        if kind == "steps":
            set_steps(session, plan, value or [])
            return
        if kind == "skills":
            plan.skills = value
            return
        action_step = next(s for s in plan.steps if str(s.id) == step_id)
        if kind == "due":
            day, phrase = value or (None, None)
            set_due_date(action_step, day, phrase)
            if day is not None:
                dispatcher.utter_message(text=f"Noted: {describe_date(day, utcnow().date())}.")
        elif kind == "support":
            action_step.support = value
        else:
            action_step.obstacle, action_step.if_then = split_if_then(value) if value else (None, None)


class ValidatePlanningForm(StepForm):
    phase = PlanPhase()


class AskPlanningQuestion(AskNextStep):
    phase = PlanPhase()


class ActionFinishPlanning(FinishPhase):
    phase = PlanPhase()

    def finish(self, session: Session, client_id: Text, dispatcher: CollectingDispatcher) -> None:
        plan = plan_in_progress(session, client_id)
        complete_plan(session, plan)
        decision = latest_decision(session, client_id)
        dispatcher.utter_message(text=plan_text(plan, decision, chosen_option(session, decision), utcnow().date()))
        # The plan is complete, so the closing feedback is offered; the client may well go on first.
        dispatcher.utter_message(response="utter_offer_feedback")
