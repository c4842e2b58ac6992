"""Decision: the client's own criteria (suggested from their values, never imposed), weights,
ratings, the weighted matrix as a picture and a table, a gut check, and a choice or a
conscious decision to wait, with the client's reasons."""

from __future__ import annotations

import re
import secrets
from typing import Any, List, Optional, Text

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.forms import intent_name, reading_of
from actions.phrases import conversation_words
from actions.readers import Message, list_of, rating_buttons, rating_of, text_of
from actions.step_form import AskNextStep, FinishPhase, Step, StepForm, StepPhase
from bot.guidance.decision_matrix import render_png, text_table
from bot.guidance.journey import suggestion_buttons
from bot.guidance.reflection import points_of
from bot.guidance.understanding.reading import ANSWER, CHOICE, LIST, RATING
from bot.guidance.wording import decision_summary
from bot.settings import load_settings
from bot.storage.decisions import (
    CHOSEN,
    MAX_CRITERIA,
    chosen_option,
    complete_decision,
    decision_in_progress,
    matrix_of,
    options_named_in_decision,
    options_of,
    set_criteria,
    set_options_for_decision,
    set_outcome,
    set_rating,
)
from bot.storage.options import MAX_OPTIONS
from bot.storage.progress import snapshot
from bot.storage.reflections import current_reflections

POSTPONE = "postpone"
_POSTPONE_WORDS = re.compile(r"\b(postpone|later|not yet|wait|undecided|not decide|don't know yet)\b", re.I)
MAX_SUGGESTED_CRITERIA = 4
MAX_WORDS_IN_CRITERION = 8


def criteria_from_values(values: Optional[Text]) -> List[Text]:
    """Short points of the client's own answer about values (said back to them), offered as possible criteria."""
    if not values:
        return []
    points = points_of(values, conversation_words())
    return [p for p in points if len(p.split()) <= MAX_WORDS_IN_CRITERION][:MAX_SUGGESTED_CRITERIA]


def rating_key(criterion_id: int, option_id: int) -> Text:
    return f"rating:{criterion_id}:{option_id}"


def ratings_of(count: int):
    """One rating, or `count` of them at once ("4 2 5"), one per option in order."""

    def read(message: Message) -> Optional[Any]:
        reading = reading_of(message)
        if reading is not None and reading.outcome == ANSWER and isinstance(reading.value, list):
            return tuple(reading.value) if len(reading.value) == count else None
        if reading is not None:
            return rating_of(message)
        text = message.get("text") or ""
        numbers = [int(n) for n in re.findall(r"\d+", text)]
        # "4/5" and "4 out of 5" are one rating, not two.
        one_rating_written_as_a_fraction = "/" in text or re.search(r"\bof\b", text, re.I)
        if len(numbers) == count and all(1 <= n <= 5 for n in numbers) and not one_rating_written_as_a_fraction:
            return tuple(numbers)
        return rating_of(message)

    return read


def choice_reader(options: List[Any]):
    """An option chosen by its number or its name, or POSTPONE."""

    def read(message: Message) -> Optional[Any]:
        reading = reading_of(message)
        if reading is not None and reading.outcome == ANSWER:
            if reading.value == POSTPONE:
                return POSTPONE
            return next((o.id for o in options if o.title == reading.value), None)
        text = (message.get("text") or "").strip()
        if text.isdigit() and 1 <= int(text) <= len(options):
            return options[int(text) - 1].id
        named = [o for o in options if o.title.casefold() in text.casefold()]
        if len(named) == 1:
            return named[0].id
        if _POSTPONE_WORDS.search(text) or intent_name(message) == "deny":
            return POSTPONE
        return None

    return read


class DecisionPhase(StepPhase):
    name = "decision"

    def steps(self, session: Session, client_id: Text) -> List[Step]:
        # Asked only once the client has started the phase, so that is when its round begins.
        decision = decision_in_progress(session, client_id)
        options = options_of(session, decision)
        steps = []
        if not options or options_named_in_decision(session, decision):
            steps.append(
                Step(
                    "options",
                    "Which options are you choosing between? Name up to six, each on its own line or "
                    "separated by semicolons."
                    # Nothing explored yet: the client may prefer to look wider before choosing.
                    + (" If you'd rather explore your options first, say \"explore options\"." if not options else ""),
                    list_of(MAX_OPTIONS),
                    "I didn't catch an option there. Which ones are you weighing up?",
                    kind=LIST,
                )
            )
        steps.append(self._criteria_step(session, client_id))
        for criterion in decision.criteria:
            steps.append(
                Step(
                    f"weight:{criterion.id}",
                    f"How important is \"{criterion.name}\" to you, from 1 (a little) to 5 (very)?",
                    rating_of,
                    "Could you give me a number from 1 to 5?",
                    rating_buttons("a little", "very"),
                    strict=True,
                    kind=RATING,
                )
            )
        for criterion in decision.criteria:
            for position, option in enumerate(options):
                question = f"On \"{criterion.name}\": how well does \"{option.title}\" do, from 1 (poorly) to 5 (very well)?"
                first = position == 0 and len(options) > 1
                if first:
                    titles = ", ".join(o.title for o in options)
                    example = " ".join(str(n) for n in [4, 2, 5, 3, 1, 5][: len(options)])
                    question += f" To rate all {len(options)} at once, give the numbers in this order: {titles} (for example \"{example}\")."
                steps.append(
                    Step(
                        rating_key(criterion.id, option.id),
                        question,
                        ratings_of(len(options)) if first else rating_of,
                        "Could you give me a number from 1 to 5?",
                        rating_buttons("poorly", "very well"),
                        strict=True,
                        kind=RATING,
                    )
                )
        steps.append(Step("gut", "How does this result feel to you?", text_of, "How does it feel, in a few words?"))
        buttons = tuple({"title": o.title[:60], "payload": str(n)} for n, o in enumerate(options, start=1))
        steps.append(
            Step(
                "choice",
                "Which option do you choose? Or would you rather consciously postpone the decision for now? "
                "Both are fine.",
                choice_reader(options),
                "Tap or name one of the options, or say \"postpone\".",
                buttons + ({"title": "Postpone for now", "payload": POSTPONE},),
                strict=True,
                kind=CHOICE,
                options=tuple(o.title for o in options),
            )
        )
        option = chosen_option(session, decision) if decision.status == CHOSEN else None
        if option is not None:
            question = f"What makes \"{option.title}\" the right choice for you now?"
        else:
            question = "What would you like to wait for, or find out, before you decide?"
        steps.append(Step("rationale", question, text_of, "Could you put your reasons into a few words?"))
        return steps

    def _criteria_step(self, session: Session, client_id: Text) -> Step:
        values = current_reflections(session, client_id).get("values")
        suggestions = criteria_from_values(values.answer if values else None)
        hint = (
            f" When you reflected, you said these matter to you: {'; '.join(suggestions)}. Use them if they fit, "
            "or your own words."
            if suggestions
            else ""
        )
        return Step(
            "criteria",
            f"What matters most to you in this choice? Name up to {MAX_CRITERIA} criteria, each on its own line "
            f"or separated by semicolons.{hint}",
            list_of(MAX_CRITERIA),
            "I didn't catch a criterion there. What matters to you in this choice, for example pay, time or meaning?",
            kind=LIST,
        )

    def store(
        self, session: Session, client_id: Text, step: Step, value: Any, dispatcher: CollectingDispatcher
    ) -> Optional[List[Text]]:
        decision = decision_in_progress(session, client_id)
        kind, _, ids = step.key.partition(":")
        if kind == "options":
            set_options_for_decision(session, decision, value or [])
        elif kind == "criteria":
            set_criteria(session, decision, value or [])
        elif kind == "weight":
            next(c for c in decision.criteria if str(c.id) == ids).weight = value
        elif kind == "rating" and isinstance(value, tuple):
            # Every option rated on this criterion in one message: their own questions are answered too.
            criterion_id = int(ids.split(":")[0])
            options = options_of(session, decision)
            for option, rating in zip(options, value):
                set_rating(session, decision, criterion_id, option.id, rating)
            return [rating_key(criterion_id, option.id) for option in options[1:]]
        elif kind == "rating":
            criterion_id, option_id = (int(part) for part in ids.split(":"))
            set_rating(session, decision, criterion_id, option_id, value)
        elif kind == "gut":
            decision.gut_feeling = value
        elif kind == "choice":
            set_outcome(decision, None if value in (None, POSTPONE) else value)
        else:
            decision.rationale = value
        return None

    def ask(self, session: Session, client_id: Text, step: Step, dispatcher: CollectingDispatcher) -> None:
        if step.key == "gut":
            self._show_matrix(session, client_id, dispatcher)
        super().ask(session, client_id, step, dispatcher)

    def _show_matrix(self, session: Session, client_id: Text, dispatcher: CollectingDispatcher) -> None:
        decision = decision_in_progress(session, client_id)
        matrix = matrix_of(session, decision)
        if matrix is None:
            return
        media_dir = load_settings().media_dir
        if decision.matrix_image:
            (media_dir / decision.matrix_image).unlink(missing_ok=True)
        # An unguessable name: the picture is served without a login, like the chat itself.
        decision.matrix_image = f"{secrets.token_urlsafe(18)}.png"
        render_png(matrix, media_dir / decision.matrix_image)
        # The table goes with the picture, for channels and screen readers that can't show images.
        dispatcher.utter_message(text=text_table(matrix), image=f"/media/{decision.matrix_image}")


class ValidateDecisionForm(StepForm):
    phase = DecisionPhase()


class AskDecisionQuestion(AskNextStep):
    phase = DecisionPhase()


class ActionFinishDecision(FinishPhase):
    phase = DecisionPhase()

    def finish(self, session: Session, client_id: Text, dispatcher: CollectingDispatcher) -> None:
        decision = decision_in_progress(session, client_id)
        complete_decision(session, decision)
        dispatcher.utter_message(
            text=decision_summary(decision, chosen_option(session, decision)),
            buttons=suggestion_buttons(snapshot(session, client_id), offer_handoff=True),
        )


