"""Phases whose questions depend on earlier answers: one per option, per criterion, per step.

Such a phase is a form with a single required slot, `<phase>_answer`, that stays empty until
the phase is through. Its questions are `Step`s computed from what is stored; the keys of the
steps answered so far are kept per phase in the `answered_steps` slot. That is all the state
there is, so the client can go back, skip, pause, switch phase and later come back to the same
question, also after a restart (the tracker store keeps the slot).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.database import client_data
from actions.pause import PAUSED_FORM_SLOT
from actions.forms import AnswersForm, answer_to, intent_name, not_sure, wants_to_go_back, wants_to_skip
from bot.guidance.understanding.reading import OPEN, RATING, Question

PHASE_COMPLETE = "complete"
ANSWERED_STEPS_SLOT = "answered_steps"

Reader = Callable[[Dict[Text, Any]], Any]


@dataclass(frozen=True)
class Step:
    """One question. `read` turns the client's message into a value, or None when it can't.

    A strict step reads only a number, a date or one of a few words, so what it can read is an
    answer even when the classifier hears "skip" in it ("next Friday").
    """

    key: Text
    question: Text
    read: Reader
    retry: Text
    buttons: tuple[Dict[Text, Text], ...] = field(default=())
    strict: bool = False
    kind: Text = OPEN  # what the question takes (bot/guidance/understanding/reading.py)
    options: tuple[Text, ...] = ()  # a choice's options, by title
    nothing_is_an_answer: bool = False  # "name it, or say no"

    def note(self, phase: Text) -> Dict[Text, Any]:
        """The note on the message that asks this, so that the reply is read in its context."""
        key = f"{phase}.{self.key.partition(':')[0]}"
        question = Question(key, self.kind, self.options, self.nothing_is_an_answer, item=self.key)
        return {"asks": "question", "question": question.as_note()}


class StepPhase(ABC):
    """The questions of one phase and how their answers are stored."""

    name: Text

    @abstractmethod
    def steps(self, session: Session, client_id: Text) -> List[Step]:
        """Every question of the phase as things stand; answered ones are passed over."""

    @abstractmethod
    def store(
        self, session: Session, client_id: Text, step: Step, value: Any, dispatcher: CollectingDispatcher
    ) -> Optional[List[Text]]:
        """Store the answer to `step` (None when skipped); returns keys of other steps it answered too."""

    def ask(self, session: Session, client_id: Text, step: Step, dispatcher: CollectingDispatcher) -> None:
        dispatcher.utter_message(text=step.question, buttons=list(step.buttons), json_message=step.note(self.name))

    def answer_slot(self) -> Text:
        return f"{self.name}_answer"


def answered_keys(tracker: Tracker, phase: Text) -> List[Text]:
    return list((tracker.get_slot(ANSWERED_STEPS_SLOT) or {}).get(phase) or [])


def answered_by_phase(tracker: Tracker, phase: Text, keys: Optional[List[Text]]) -> Dict[Text, List[Text]]:
    """The answered_steps slot with `phase`'s keys replaced (removed when None or empty)."""
    answered = dict(tracker.get_slot(ANSWERED_STEPS_SLOT) or {})
    if keys:
        answered[phase] = keys
    else:
        answered.pop(phase, None)
    return answered


def next_step(phase: StepPhase, session: Session, client_id: Text, answered: List[Text]) -> Optional[Step]:
    return next((step for step in phase.steps(session, client_id) if step.key not in answered), None)


class PhaseAction(ABC):
    """An action of one step phase; abstract until a subclass names the phase (so it is not registered)."""

    @property
    @abstractmethod
    def phase(self) -> StepPhase:
        """The phase the action belongs to."""


class StepForm(PhaseAction, AnswersForm):
    """The validation action of a step phase."""

    def name(self) -> Text:
        return f"validate_{self.phase.name}_form"

    def _take_answer(
        self,
        session: Session,
        client_id: Text,
        step: Step,
        message: Dict[Text, Any],
        answered: List[Text],
        dispatcher: CollectingDispatcher,
    ) -> None:
        """Store the answer to `step` and add it to `answered`, or step back, or ask again."""
        if wants_to_go_back(message):
            if answered:
                answered.pop()
                dispatcher.utter_message(response="utter_going_back")
            else:
                dispatcher.utter_message(response="utter_back_at_first_question")
            return
        if not_sure(message) and step.kind == RATING:
            dispatcher.utter_message(response="utter_noted_not_sure")
            also_answered = self.phase.store(session, client_id, step, None, dispatcher) or []
            answered.extend([step.key, *also_answered])
            return
        value = step.read(message)
        skipped = wants_to_skip(message) and (value is None or not step.strict)
        if skipped:
            value = None
        elif value is None:
            dispatcher.utter_message(text=step.retry)
            return
        also_answered = self.phase.store(session, client_id, step, value, dispatcher) or []
        answered.extend([step.key, *also_answered])

    def read_answer(
        self, requested: Optional[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        slot = self.phase.answer_slot()
        if requested != slot:
            return {}
        answered = answered_keys(tracker, self.phase.name)
        with client_data() as session:
            step = next_step(self.phase, session, tracker.sender_id, answered)
            if step is not None:
                if not self._is_answer(step, tracker):
                    return {}
                self._take_answer(session, tracker.sender_id, step, tracker.latest_message, answered, dispatcher)
            finished = next_step(self.phase, session, tracker.sender_id, answered) is None
        answer = PHASE_COMPLETE if finished else None
        return {slot: answer, ANSWERED_STEPS_SLOT: answered_by_phase(tracker, self.phase.name, answered)}

    def _is_answer(self, step: Step, tracker: Tracker) -> bool:
        """Whether the message answers `step` (or goes back); otherwise the client stepped out."""
        message = tracker.latest_message
        if wants_to_go_back(message) or answer_to(self.phase.answer_slot(), tracker, open_answer=True) is not None:
            return True
        # What a strict question can read ("in two weeks" for a date) answers it, whatever the
        # classifier heard in it ("show my plan"); distress always steps out.
        return step.strict and intent_name(message) != "express_distress" and step.read(message) is not None


class AskNextStep(PhaseAction, Action):
    """Asks the phase's next unanswered question (Rasa calls it as `action_ask_<phase>_answer`)."""

    def name(self) -> Text:
        return f"action_ask_{self.phase.answer_slot()}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        with client_data() as session:
            step = next_step(self.phase, session, tracker.sender_id, answered_keys(tracker, self.phase.name))
            if step is not None:
                self.phase.ask(session, tracker.sender_id, step, dispatcher)
        return []


class FinishPhase(PhaseAction, Action):
    """Runs when the phase's form is through: stores the round as complete and sums it up."""

    def name(self) -> Text:
        return f"action_finish_{self.phase.name}"

    @abstractmethod
    def finish(self, session: Session, client_id: Text, dispatcher: CollectingDispatcher) -> None:
        """Mark the round complete and tell the client what is stored and what could come next."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        with client_data() as session:
            self.finish(session, tracker.sender_id, dispatcher)
        # Cleared so that doing the phase again later starts a new round; the old one stays stored.
        return [
            SlotSet(self.phase.answer_slot(), None),
            SlotSet(ANSWERED_STEPS_SLOT, answered_by_phase(tracker, self.phase.name, None)),
            SlotSet(PAUSED_FORM_SLOT, None),
        ]
