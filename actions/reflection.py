"""Reflection: values, interests, strengths (with an example), experiences and circumstances.

After each theme the bot offers a paraphrase and asks whether it got it right. Yes stores
the theme; no asks again; anything else written there is taken as the corrected answer.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.database import client_data
from actions.pause import PAUSED_FORM_SLOT
from actions.phrases import conversation_words
from actions.forms import AnswersForm, answer_to, intent_name, read_value, reading_of, wants_to_skip
from bot.guidance.answers import SKIPPED, clean_answer, unless_skipped
from bot.guidance.reflection import THEMES, reflect_back, then_say
from bot.guidance.understanding.reading import CONFIRM, CORRECTION, NO, YES, Question
from bot.guidance.wording import mentions_from_entities, reflection_summary
from bot.guidance.journey import suggestion_buttons, suggestion_text
from bot.storage.progress import snapshot
from bot.storage.reflections import current_reflections, finish_reflection, save_reflection

CONFIRMED = "confirmed"
UNCONFIRMED = "unconfirmed"
CHECK_BUTTONS = [
    {"title": "Yes, that's right", "payload": "/affirm"},
    {"title": "Not quite", "payload": "/deny"},
]


def theme_slots(theme: Text) -> List[Text]:
    """The slots that hold one theme's answer, in the order they are asked."""
    return [theme, "strength_example", f"{theme}_check"] if theme == "strengths" else [theme, f"{theme}_check"]


REFLECTION_SLOTS = [slot for theme in THEMES for slot in theme_slots(theme)]


def mentions_in(tracker: Tracker, answer: Text) -> List[Dict[Text, Text]]:
    """The spaCy entities of the message that gave `answer`."""
    for event in reversed(tracker.events):
        if event.get("event") == "user" and (event.get("text") or "").strip() == answer:
            return mentions_from_entities((event.get("parse_data") or {}).get("entities") or [])
    return []


def paraphrase(theme: Text, tracker: Tracker) -> Text:
    answer = tracker.get_slot(theme)
    return reflect_back(theme, answer, strength_example(theme, tracker), mentions_in(tracker, answer), conversation_words())


def strength_example(theme: Text, tracker: Tracker) -> Optional[Text]:
    return unless_skipped(tracker.get_slot("strength_example")) if theme == "strengths" else None


class ValidateReflectionForm(AnswersForm):
    """Each theme's answer is read by `_answer`, and the reply to its paraphrase by `_check`."""

    text_slots = ("strength_example",)

    def name(self) -> Text:
        return "validate_reflection_form"

    def slots_to_ask_again(self, previous: List[Text], tracker: Tracker) -> List[Text]:
        """Going back to a skipped theme asks the theme itself again, not its paraphrase check."""
        slot = previous[-1]
        if tracker.get_slot(slot) == SKIPPED:
            theme = next(theme for theme in THEMES if slot in theme_slots(theme))
            return theme_slots(theme)
        return [slot]

    def _answer(self, theme: Text, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        message = answer_to(theme, tracker, open_answer=True)
        if message is None:
            return {}
        if wants_to_skip(message):
            with client_data() as session:
                save_reflection(session, tracker.sender_id, theme, None, None, confirmed=False)
            return {slot: SKIPPED for slot in theme_slots(theme)}
        answer = read_value(message, clean_answer)
        if not answer:
            dispatcher.utter_message(response="utter_answer_needs_text")
        return {theme: answer or None}

    def _check(self, theme: Text, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        check = f"{theme}_check"
        message = answer_to(check, tracker)
        if message is None:
            return {}
        reading = reading_of(message)
        intent = {YES: "affirm", NO: "deny"}.get(reading.outcome) if reading is not None else intent_name(message)
        if intent == "affirm" or wants_to_skip(message):
            confirmed = intent == "affirm"
            answer, example = tracker.get_slot(theme), strength_example(theme, tracker)
            mentions = mentions_in(tracker, answer)
            with client_data() as session:
                save_reflection(
                    session,
                    tracker.sender_id,
                    theme,
                    answer,
                    reflect_back(theme, answer, example, mentions, conversation_words()),
                    confirmed=confirmed,
                    example=example,
                    mentions=mentions,
                )
            return {check: CONFIRMED if confirmed else UNCONFIRMED}
        if intent == "deny":
            dispatcher.utter_message(response="utter_reflection_correct_me")
            return {slot: None for slot in theme_slots(theme)}
        # Anything else written here is the client's own correction of what they meant.
        correction = reading.value if reading is not None and reading.outcome == CORRECTION else clean_answer(message.get("text"))
        correction = correction if isinstance(correction, str) and correction.strip() else None
        return {theme: correction, check: None} if correction else {check: None}

    def read_slot(self, requested: Optional[Text], dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        theme = (requested or "").removesuffix("_check")
        if theme not in THEMES:
            return super().read_slot(requested, dispatcher, tracker)
        read = self._check if requested.endswith("_check") else self._answer
        return read(theme, dispatcher, tracker)


class AskToCheckParaphrase(Action, ABC):
    """Offers the paraphrase of one theme and asks whether it is right (one subclass per theme)."""

    @property
    @abstractmethod
    def theme(self) -> Text:
        """The theme whose answer is paraphrased."""

    def name(self) -> Text:
        return f"action_ask_{self.theme}_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        note = {"asks": "question", "question": Question(f"{self.theme}_check", CONFIRM).as_note()}
        dispatcher.utter_message(text=then_say(paraphrase(self.theme, tracker), "Did I get that right?"), buttons=CHECK_BUTTONS, json_message=note)
        return []


class AskToCheckValues(AskToCheckParaphrase):
    theme = "values"


class AskToCheckInterests(AskToCheckParaphrase):
    theme = "interests"


class AskToCheckStrengths(AskToCheckParaphrase):
    theme = "strengths"


class AskToCheckExperiences(AskToCheckParaphrase):
    theme = "experiences"


class AskToCheckCircumstances(AskToCheckParaphrase):
    theme = "circumstances"


class ActionFinishReflection(Action):
    def name(self) -> Text:
        return "action_finish_reflection"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        with client_data() as session:
            finish_reflection(session, tracker.sender_id)
            reflections = current_reflections(session, tracker.sender_id)
            dispatcher.utter_message(text=reflection_summary([reflections[t] for t in THEMES if t in reflections]))
            client = snapshot(session, tracker.sender_id)
            dispatcher.utter_message(text=suggestion_text(client), buttons=suggestion_buttons(client, offer_handoff=True))
        # Cleared so that reflecting again later starts with fresh questions; the history stays stored.
        return [SlotSet(slot, None) for slot in [*REFLECTION_SLOTS, PAUSED_FORM_SLOT]]
