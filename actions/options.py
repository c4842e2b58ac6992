"""Options: the one to six options the client is considering, widened by two prompts, and for
each what attracts them, what they don't know yet and where to find out."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, List, Text

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.readers import NOTHING, addition_of, list_of, text_of
from actions.step_form import AskNextStep, FinishPhase, Step, StepForm, StepPhase
from bot.guidance.journey import suggestion_buttons
from bot.guidance.understanding.items import repeated
from bot.guidance.understanding.reading import LIST
from bot.guidance.sources import Topic, load_topics, sources_for, sources_text
from bot.guidance.wording import options_summary
from bot.settings import load_settings
from bot.storage.options import (
    MAX_OPTIONS,
    add_option,
    complete_option_set,
    latest_option_set,
    option_set_in_progress,
    remove_options_of_origin,
    set_own_options,
)
from bot.storage.models import ROUND_IN_PROGRESS
from bot.storage.progress import snapshot

BROADENING = {"alternative": "alternative", "someone_else": "suggested"}


@lru_cache(maxsize=1)
def information_topics() -> dict[str, Topic]:
    return load_topics(load_settings().information_sources_file)


class OptionsPhase(StepPhase):
    name = "options"

    def steps(self, session: Session, client_id: Text) -> List[Step]:
        steps = [
            Step(
                "list",
                "Which options are you considering at the moment? Name one to six in a few words each "
                "(for example \"nursing; teaching adults\"), each on its own line or separated by semicolons. "
                "Rough ideas are welcome.",
                list_of(MAX_OPTIONS),
                "I didn't catch an option there. What are you considering, even roughly?",
                kind=LIST,
            ),
            Step(
                "alternative",
                "To widen the view a little: is there an alternative you haven't really considered yet, "
                "perhaps one that would surprise you? If you'd like to add it, name it in a few words; "
                "otherwise say no.",
                addition_of,
                "Write the alternative you'd like to add, or say no.",
                kind=LIST,
                nothing_is_an_answer=True,
            ),
            Step(
                "someone_else",
                "Imagine someone who knows you well. What would they suggest for you? If you'd like to "
                "add that to your options, name it in a few words; otherwise say no.",
                addition_of,
                "Write what they would suggest, or say no.",
                kind=LIST,
                nothing_is_an_answer=True,
            ),
        ]
        option_set = latest_option_set(session, client_id, ROUND_IN_PROGRESS)
        for option in option_set.options if option_set else []:
            steps += [
                Step(
                    f"attracts:{option.id}",
                    # Quoted: the client's own words for it, which read oddly bare ("attracts you to library?").
                    f'What attracts you to "{option.title}"?',
                    text_of,
                    "Could you say in a few words what draws you to it?",
                ),
                Step(
                    f"unknown:{option.id}",
                    f"What don't you know yet about \"{option.title}\", that you'd want to find out?",
                    text_of,
                    "Could you say in a few words what you'd like to find out?",
                    nothing_is_an_answer=True,
                ),
            ]
        return steps

    def store(
        self, session: Session, client_id: Text, step: Step, value: Any, dispatcher: CollectingDispatcher
    ) -> None:
        option_set = option_set_in_progress(session, client_id)
        kind, _, option_id = step.key.partition(":")
        if kind == "list":
            set_own_options(session, option_set, value or [])
            if value:
                dispatcher.utter_message(response="utter_options_noted", options="; ".join(o.title for o in option_set.options))
        elif kind in BROADENING:
            origin = BROADENING[kind]
            # Going back and answering again replaces what was added here before.
            remove_options_of_origin(session, option_set, origin)
            titles = [] if value in (None, NOTHING) else value if isinstance(value, list) else [value]
            for title in titles:
                twin = repeated(title, [o.title for o in option_set.options])
                if twin is not None:
                    dispatcher.utter_message(response="utter_option_repeated", option=twin)
                elif (added := add_option(session, option_set, title, origin)) is None:
                    dispatcher.utter_message(response="utter_options_full")
                    break
                else:
                    dispatcher.utter_message(response="utter_option_added", option=added.title)
        else:
            option = next(o for o in option_set.options if str(o.id) == option_id)
            if kind == "attracts":
                option.attracts = value
            else:
                option.unknowns = value
                option.sources = sources_for(option.title, information_topics())
                # Sources already listed for another option are not listed again.
                shown = [source for other in option_set.options if other is not option for source in other.sources or []]
                new = [source for source in option.sources if source not in shown]
                if new:
                    dispatcher.utter_message(text=sources_text(option.title, new))


class ValidateOptionsForm(StepForm):
    phase = OptionsPhase()


class AskOptionsQuestion(AskNextStep):
    phase = OptionsPhase()


class ActionFinishOptions(FinishPhase):
    phase = OptionsPhase()

    def finish(self, session: Session, client_id: Text, dispatcher: CollectingDispatcher) -> None:
        option_set = option_set_in_progress(session, client_id)
        complete_option_set(session, option_set)
        dispatcher.utter_message(
            text=options_summary(option_set.options), buttons=suggestion_buttons(snapshot(session, client_id), offer_handoff=True)
        )
