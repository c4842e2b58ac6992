"""Shared behaviour of Waypoint's forms: every answer is read by an `extract_<slot>` method."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.guidance.answers import SKIPPED, clean_answer, parse_rating
from bot.guidance.journey import HANDOFF_FORM, PHASE_FORMS
from bot.guidance.interruptions import MAX_COMMAND_WORDS_IN_OPEN_ANSWER, is_clear_interruption
from bot.guidance.understanding.reading import ANSWER, CORRECTION, NON_ANSWER, REQUEST, UNSURE, Reading

# Requests a form handles itself: the others step out of it, and a rule answers them.
REQUESTS_INSIDE_A_FORM = ("skip", "go_back", "cancel")


def reading_of(message: Dict[Text, Any]) -> Optional[Reading]:
    """How the reply was read in the context of its question (bot/rasa_understanding.py), if it was."""
    return Reading.from_dict(message.get("reading"))

SKIP_CONFIDENCE = 0.8


def answer_to(slot: Text, tracker: Tracker, open_answer: bool = False) -> Optional[Dict[Text, Any]]:
    """The latest message, if it answers `slot`; None when `slot` was not asked or the client stepped out.

    Returning {} from an extract method (no slot set) makes Rasa reject the form, so the
    interruption rules in data/rules/interruptions.yml can answer and return to the form.
    """
    if tracker.get_slot("requested_slot") != slot or wants_to_go_back(tracker.latest_message):
        return None
    reading = reading_of(tracker.latest_message)
    if reading is not None:
        stepping_out = reading.outcome == REQUEST and reading.value not in REQUESTS_INSIDE_A_FORM
        return None if stepping_out else tracker.latest_message
    if is_clear_interruption(tracker.latest_message, open_answer, in_phase=may_switch_part(tracker)):
        return None
    return tracker.latest_message


def may_switch_part(tracker: Tracker) -> bool:
    """Inside a part, naming another part switches to it. Inside the handoff only a button does:
    a message for the practitioner often names a part ("can we talk about my plan?")."""
    loop = tracker.active_loop_name
    return loop in PHASE_FORMS or (loop == HANDOFF_FORM and str(tracker.latest_message.get("text") or "").startswith("/"))


def _clearly(intent_wanted: Text, message: Dict[Text, Any]) -> bool:
    intent = message.get("intent") or {}
    return intent.get("name") == intent_wanted and float(intent.get("confidence") or 0) >= SKIP_CONFIDENCE


def _requests(message: Dict[Text, Any], what: Text) -> Optional[bool]:
    """Whether the reading says the client asks for `what`; None when the reply was not read in context."""
    reading = reading_of(message)
    return None if reading is None else reading.outcome == REQUEST and reading.value == what


def wants_to_skip(message: Dict[Text, Any]) -> bool:
    read = _requests(message, "skip")
    return _clearly("skip", message) if read is None else read


def wants_to_go_back(message: Dict[Text, Any]) -> bool:
    """"Go back" changes the previous answer; only a short message can mean it, not an answer mentioning it."""
    read = _requests(message, "go_back")
    if read is not None:
        return read
    words = len(str(message.get("text") or "").split())
    return _clearly("go_back", message) and words <= MAX_COMMAND_WORDS_IN_OPEN_ANSWER


def read_value(message: Dict[Text, Any], fallback: Callable[[Optional[Text]], Any]) -> Any:
    """The clean value of an answer as it was read in context, else what `fallback` reads in the text."""
    reading = reading_of(message)
    if reading is not None and reading.outcome in (ANSWER, CORRECTION):
        return reading.value
    return fallback(message.get("text"))


def not_sure(message: Dict[Text, Any]) -> bool:
    """"not sure", which is an answer to a rating."""
    reading = reading_of(message)
    return reading is not None and reading.outcome == NON_ANSWER and reading.value == UNSURE


def _read_answer(
    slot: Text,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    read: Callable[[Dict[Text, Any]], Any],
    ask_again: Text,
    open_answer: bool,
) -> Dict[Text, Any]:
    """The answer to `slot` as `read` understands it, SKIPPED, or None with the kind `ask_again`."""
    message = answer_to(slot, tracker, open_answer)
    if message is None:
        return {}
    if wants_to_skip(message):
        return {slot: SKIPPED}
    if not_sure(message):
        dispatcher.utter_message(response="utter_noted_not_sure")
        return {slot: SKIPPED}
    value = read(message)
    if value is None:
        dispatcher.utter_message(response=ask_again)
    return {slot: value}


def rating_answer(slot: Text, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
    """A 1-5 rating for `slot`, kept as text."""

    def read(message: Dict[Text, Any]) -> Optional[Text]:
        rating = read_value(message, parse_rating)
        return str(rating) if isinstance(rating, int) and 1 <= rating <= 5 else None

    return _read_answer(slot, dispatcher, tracker, read, "utter_readiness_needs_number", open_answer=False)


def text_answer(slot: Text, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
    """A free-text answer for `slot`, in the client's words."""
    return _read_answer(slot, dispatcher, tracker, lambda m: read_value(m, clean_answer), "utter_answer_needs_text", open_answer=True)


def intent_name(message: Dict[Text, Any]) -> Optional[Text]:
    return (message.get("intent") or {}).get("name")


class AnswersForm(FormValidationAction):
    """A form whose answers are read and checked as they are extracted.

    Slots listed in `rating_slots` (1-5) and `text_slots` (open text) are read without a
    method of their own; any other slot has an `extract_<slot>` method. Extracted values pass
    through validation as they are: rasa-sdk would otherwise drop extracted slots that are
    not required (such as the entities found in an answer) and warn on every turn about
    missing validate methods.
    """

    rating_slots: tuple[Text, ...] = ()
    text_slots: tuple[Text, ...] = ()

    @abstractmethod
    def name(self) -> Text:
        """Each form names its validation action; being abstract keeps this class unregistered."""

    def slots_to_ask_again(self, previous: List[Text], tracker: Tracker) -> List[Text]:
        """The slots emptied when the client goes back from the question after `previous`."""
        return previous[-1:]

    def go_back(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        """Empty the previous answer, so that the form asks that question again."""
        required = self.domain_slots(domain)
        requested = tracker.get_slot("requested_slot")
        previous = required[: required.index(requested)] if requested in required else []
        if not previous:
            dispatcher.utter_message(response="utter_back_at_first_question")
            return {requested: None}
        dispatcher.utter_message(response="utter_going_back")
        return {slot: None for slot in self.slots_to_ask_again(previous, tracker)}

    def read_answer(
        self, requested: Optional[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """The slots the latest message fills or empties; {} when it does not answer the form."""
        if requested and wants_to_go_back(tracker.latest_message):
            return self.go_back(dispatcher, tracker, domain)
        return self.read_slot(requested, dispatcher, tracker)

    def read_slot(self, requested: Optional[Text], dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        if requested in self.rating_slots:
            return rating_answer(requested, dispatcher, tracker)
        if requested in self.text_slots:
            return text_answer(requested, dispatcher, tracker)
        return {}

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        extracted = self.read_answer(tracker.get_slot("requested_slot"), dispatcher, tracker, domain)
        tracker.slots.update(extracted)
        return events + [SlotSet(slot, value) for slot, value in extracted.items()]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return [SlotSet(slot, value) for slot, value in tracker.slots_to_validate().items()]
