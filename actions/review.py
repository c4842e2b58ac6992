"""Review: a check-in on the plan's due steps (done, blocked or replanned) and on whether the
goals still fit; revised goals are stored beside the earlier ones, which are kept."""

from __future__ import annotations

import re
from typing import Any, List, Optional, Text

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.forms import intent_name, reading_of
from actions.plan import due_date_of
from actions.readers import Message, list_of, text_of, yes_or_no
from actions.step_form import AskNextStep, FinishPhase, Step, StepForm, StepPhase
from bot.guidance.answers import MAX_GOALS
from bot.guidance.dates import describe_date
from bot.guidance.journey import suggestion_buttons
from bot.guidance.understanding.reading import ANSWER, CHOICE, DATE, LIST, YES_NO
from bot.guidance.wording import bullet_list, review_summary
from bot.storage.models import STEP_BLOCKED, STEP_DONE, utcnow
from bot.storage.plans import set_due_date
from bot.storage.progress import active_goals, revise_goals, snapshot
from bot.storage.reviews import (
    REPLANNED,
    complete_review,
    record_step_status,
    review_in_progress,
    steps_in,
    update_in,
    updates_in,
)

STATUS_BUTTONS = (
    {"title": "Done", "payload": "done"},
    {"title": "Blocked", "payload": "blocked"},
    {"title": "Replan it", "payload": "replan"},
)
GOALS_BUTTONS = ({"title": "They still fit", "payload": "/affirm"}, {"title": "Revise them", "payload": "revise"})
_STATUS_WORDS = (
    (STEP_DONE, re.compile(r"\b(done|did it|finished|completed?|yes)\b", re.I)),
    (STEP_BLOCKED, re.compile(r"\b(blocked|stuck|can't|cannot|couldn't|problem)\b", re.I)),
    (REPLANNED, re.compile(r"\b(replan|new date|later|postpone|move it|reschedule|not yet)\b", re.I)),
)
_NEGATION = re.compile(r"\b(not|no|never)\b|n't", re.I)
_REVISE_WORDS = re.compile(r"\b(change|new|different|update|no)\b", re.I)
_KEEP_WORDS = re.compile(r"\b(fit|still|keep|yes|same)\b", re.I)
_NOT_FITTING = re.compile(r"\b(don'?t|do not|doesn'?t|no longer|not) (really )?fit", re.I)


STATUS_BY_TITLE = {"Done": STEP_DONE, "Blocked": STEP_BLOCKED, "Replan it": REPLANNED}


def status_of(message: Message) -> Optional[Text]:
    """Done, blocked or replanned; None when unclear ("not done yet" is never done)."""
    reading = reading_of(message)
    if reading is not None and reading.outcome == ANSWER:
        return STATUS_BY_TITLE.get(reading.value)
    text = message.get("text") or ""
    negated = _NEGATION.search(text) is not None
    found = [status for status, words in _STATUS_WORDS if words.search(text) and not (negated and status == STEP_DONE)]
    if len(found) == 1:
        return found[0]
    return STEP_DONE if not found and not negated and intent_name(message) == "affirm" else None


def goals_revised_of(message: Message) -> Optional[bool]:
    """True when the client wants to revise their goals, False when they still fit."""
    still_fit = yes_or_no(message)  # the question: "Do they still fit, or would you like to revise them?"
    if still_fit is not None:
        return not still_fit
    text, intent = message.get("text") or "", intent_name(message)
    if re.search(r"\brevise\b", text, re.I) or _NOT_FITTING.search(text):
        return True
    # "They still fit, no changes" keeps them, so words of keeping win over a stray "no".
    if _KEEP_WORDS.search(text) or intent == "affirm":
        return False
    if _REVISE_WORDS.search(text) or intent == "deny":
        return True
    return None


class ReviewPhase(StepPhase):
    name = "review"

    def steps(self, session: Session, client_id: Text) -> List[Step]:
        review = review_in_progress(session, client_id)
        today = utcnow().date()
        steps = []
        for step in steps_in(session, review):
            due = f" (planned for {describe_date(step.due_date, today, in_brackets=True)})" if step.due_date else ""
            steps.append(
                Step(
                    f"status:{step.id}",
                    f"How is this step going: \"{step.description}\"{due}? Is it done, blocked, or would you like to "
                    "replan it?",
                    status_of,
                    "Is it done, blocked, or would you like to replan it? You can tap a button.",
                    STATUS_BUTTONS,
                    strict=True,
                    kind=CHOICE,
                    options=tuple(button["title"] for button in STATUS_BUTTONS),
                )
            )
            update = update_in(session, review, step)
            if update is not None and update.status == STEP_BLOCKED:
                steps.append(
                    Step(
                        f"blocker:{step.id}",
                        "What's getting in the way? And what might help you past it?",
                        text_of,
                        "What's in the way, in a few words? Or skip it.",
                    )
                )
            elif update is not None and update.status == REPLANNED:
                steps.append(
                    Step(
                        f"new_date:{step.id}",
                        f"When would you like to do \"{step.description}\" now? For example \"next Friday\".",
                        due_date_of,
                        "I couldn't read a date from now on there. Could you say it like \"next Friday\" or "
                        "\"in two weeks\"? Or skip it.",
                        strict=True,
                        kind=DATE,
                    )
                )
        goals = active_goals(session, client_id)
        listed = f"Your goals are:\n{bullet_list([g.text for g in goals])}\n" if goals else "You haven't set goals yet. "
        steps.append(
            Step(
                "goals",
                f"{listed}Do they still fit, or would you like to revise them?",
                goals_revised_of,
                "Do your goals still fit, or would you like to revise them?",
                GOALS_BUTTONS,
                strict=True,
                kind=YES_NO,
            )
        )
        if review.goals_revised:
            steps.append(
                Step(
                    "new_goals",
                    "What are your goals now, in your words? Put each on its own line or separate them with "
                    "semicolons. Your earlier goals stay stored, so you and your practitioner can see how they changed.",
                    list_of(MAX_GOALS),
                    "I didn't catch a goal there. What would you like to get out of this process now?",
                    kind=LIST,
                )
            )
        return steps

    def store(
        self, session: Session, client_id: Text, step: Step, value: Any, dispatcher: CollectingDispatcher
    ) -> None:
        review = review_in_progress(session, client_id)
        kind, _, step_id = step.key.partition(":")
        if kind == "goals":
            review.goals_revised = value
            return
        if kind == "new_goals":
            if value:
                revise_goals(session, client_id, value)
            return
        action_step = next(s for s in steps_in(session, review) if str(s.id) == step_id)
        if kind == "status":
            record_step_status(session, review, action_step, value)
            return
        update = update_in(session, review, action_step)
        if kind == "blocker":
            update.note = value
        elif value is not None:
            day, phrase = value
            update.due_date = day
            set_due_date(action_step, day, phrase)
            dispatcher.utter_message(text=f"Noted: {describe_date(day, utcnow().date())}.")


class ValidateReviewForm(StepForm):
    phase = ReviewPhase()


class AskReviewQuestion(AskNextStep):
    phase = ReviewPhase()


class ActionFinishReview(FinishPhase):
    phase = ReviewPhase()

    def finish(self, session: Session, client_id: Text, dispatcher: CollectingDispatcher) -> None:
        review = review_in_progress(session, client_id)
        updates = updates_in(session, review)
        complete_review(session, review)
        dispatcher.utter_message(
            text=review_summary(updates, [g.text for g in active_goals(session, client_id)], review.goals_revised),
            buttons=suggestion_buttons(snapshot(session, client_id), offer_handoff=True),
        )
