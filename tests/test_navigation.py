"""The client drives: going back, pausing and resuming, switching phase, and the suggested next phase."""

from __future__ import annotations

import pytest
from rasa_sdk.events import ActiveLoop, SlotSet

from actions.decision import POSTPONE, choice_reader, criteria_from_values, ratings_of
from actions.intake import ValidateIntakeForm
from actions.pause import ActionPauseForm
from actions.plan import split_if_then
from actions.reflection import ValidateReflectionForm
from actions.review import goals_revised_of, status_of
from actions.session import ActionSessionStart
from actions.welcome import ActionWelcome
from bot.dialogue_rules import generated_rule_files
from bot.guidance.answers import SKIPPED
from bot.guidance.consent import CONSENT_TEXT_VERSION
from bot.guidance.interruptions import is_clear_interruption
from bot.guidance.journey import suggested_phase, suggestion_buttons
from bot.storage.models import CareerOption
from bot.storage.progress import CONSENT_GIVEN, ClientSnapshot, record_consent, save_intake
from tests.test_actions import responses, run, slot_values, tracker


async def test_back_in_the_start_questions_asks_the_previous_one_again(actions_db):
    slots = {"situation": "I work in a shop", "requested_slot": "readiness_clarity"}
    events, dispatcher = await run(ValidateIntakeForm(), tracker("go back", "go_back", 0.97, slots, "intake_form"))
    assert slot_values(events) == {"situation": None}
    assert responses(dispatcher) == ["utter_going_back"]


async def test_back_is_never_stored_as_an_answer(actions_db):
    slots = {"situation": "Shop", "readiness_clarity": "3", "readiness_confidence": "2", "requested_slot": "goals"}
    events, _ = await run(ValidateIntakeForm(), tracker("back", "go_back", 0.97, slots, "intake_form"))
    assert slot_values(events) == {"readiness_confidence": None}


async def test_back_at_the_first_start_question_changes_nothing(actions_db):
    slots = {"requested_slot": "situation"}
    events, dispatcher = await run(ValidateIntakeForm(), tracker("back", "go_back", 0.97, slots, "intake_form"))
    assert slot_values(events) == {"situation": None}
    assert responses(dispatcher) == ["utter_back_at_first_question"]


async def test_a_long_answer_that_mentions_going_back_is_an_answer(actions_db):
    said = "I want to go back to school and change my career to teaching"
    slots = {"situation": "Shop", "readiness_clarity": "3", "readiness_confidence": "2", "requested_slot": "goals"}
    events, _ = await run(ValidateIntakeForm(), tracker(said, "go_back", 0.9, slots, "intake_form"))
    assert slot_values(events) == {"goals": [said]}


async def test_back_to_a_skipped_theme_asks_the_theme_not_its_check(actions_db):
    slots = {"values": SKIPPED, "values_check": SKIPPED, "requested_slot": "interests"}
    events, _ = await run(ValidateReflectionForm(), tracker("back", "go_back", 0.95, slots, "reflection_form"))
    assert slot_values(events) == {"values": None, "values_check": None}


async def test_back_from_a_paraphrase_check_asks_the_theme_again(actions_db):
    slots = {"values": "Fairness", "requested_slot": "values_check"}
    events, _ = await run(ValidateReflectionForm(), tracker("back", "go_back", 0.95, slots, "reflection_form"))
    assert slot_values(events) == {"values": None}


async def test_pause_in_a_phase_remembers_the_form(actions_db):
    events, _ = await run(ActionPauseForm(), tracker("pause", "pause", 0.99, {}, "planning_form"))
    assert ActiveLoop(None) in events and SlotSet("paused_form", "planning_form") in events


async def test_a_session_ending_in_the_middle_of_a_phase_is_resumed_by_the_next_hello(actions_db):
    events, _ = await run(ActionSessionStart(), tracker(slots={"stage": "returning"}, active_loop="decision_form"))
    assert SlotSet("paused_form", "decision_form") in events


async def test_the_welcome_after_a_pause_says_where_the_client_was(actions_db, db):
    with db() as session:
        record_consent(session, "c" * 32, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
        save_intake(session, "c" * 32, None, {}, ["Find a direction"])
    _, dispatcher = await run(ActionWelcome(), tracker(intent="greet", slots={"paused_form": "options_form"}))
    assert "We paused in the middle of the options" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize(
    ("intent", "form", "switches"),
    [("explore_options", "reflection_form", True), ("explore_options", "intake_form", False)],
)
def test_naming_a_phase_switches_only_inside_a_phase(intent, form, switches):
    message = {"text": "let's explore my options", "intent": {"name": intent, "confidence": 0.95}}
    assert is_clear_interruption(message, open_answer=True, in_phase=form != "intake_form") is switches


def test_a_short_answer_mistaken_for_a_phase_stays_an_answer_unless_it_names_the_phase():
    mistaken = {"text": "Studying again, and anatomy basics", "intent": {"name": "explore_options", "confidence": 0.93}}
    assert not is_clear_interruption(mistaken, open_answer=True, in_phase=True)
    button = {"text": "/plan_actions", "intent": {"name": "plan_actions", "confidence": 1.0}}
    assert is_clear_interruption(button, open_answer=True, in_phase=True)


@pytest.mark.parametrize(
    ("phases", "due", "expected"),
    [
        ({}, 0, "reflection"),
        ({"reflection": "done", "options": "in_progress"}, 0, "options"),
        ({"reflection": "done", "options": "done", "decision": "done", "planning": "done"}, 2, "review"),
        ({"reflection": "done", "options": "done", "decision": "done", "planning": "done"}, 0, "closing"),
        ({"reflection": "done", "options": "done"}, 0, "decision"),
    ],
)
def test_the_suggested_phase_follows_the_stored_progress(phases, due, expected):
    snapshot = ClientSnapshot(consent="given", phases={"start": "done", **phases}, due_steps=due)
    assert suggested_phase(snapshot).name == expected


def test_the_suggestion_is_a_button_the_client_may_take_or_leave():
    buttons = suggestion_buttons(ClientSnapshot(consent="given", phases={"start": "done", "planning": "done"}))
    assert buttons[0]["payload"] == "/start_reflection"
    assert {"title": "Show my plan", "payload": "/show_plan"} in buttons


def test_criteria_are_suggested_from_the_clients_own_values():
    assert criteria_from_values("Security, evenings and weekends free; a job that lets me travel the whole world") == [
        "Security",
        "evenings and weekends free",
    ]
    assert criteria_from_values(None) == []


def test_a_choice_is_read_by_number_name_or_as_postponing():
    options = [CareerOption(id=7, title="Nursing"), CareerOption(id=8, title="Teaching")]
    read = choice_reader(options)
    assert read({"text": "2"}) == 8
    assert read({"text": "I'll go for nursing"}) == 7
    assert read({"text": "I'd rather wait"}) == POSTPONE
    assert read({"text": "9"}) is None and read({"text": "hmm"}) is None


def test_a_rating_written_as_a_fraction_is_one_rating():
    read = ratings_of(2)
    assert read({"text": "4/5"}) == 4
    assert read({"text": "4 out of 5"}) is None  # asked again rather than read as two ratings
    assert read({"text": "4 2"}) == (4, 2)


def test_if_then_plans_are_split_and_other_obstacles_kept_whole():
    assert split_if_then("If it rains, then I'll take the bus") == ("it rains", "I'll take the bus")
    assert split_if_then("Money") == ("Money", None)


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("done", "done"),
        ("I did it!", "done"),
        ("blocked", "blocked"),
        ("I'm stuck", "blocked"),
        ("replan", "replanned"),
        ("not done yet", None),
        ("No, I have not done it", None),
        ("I haven't done it", None),
    ],
)
def test_step_status_words(said, status):
    assert status_of({"text": said, "intent": {"name": "nlu_fallback"}}) == status


def test_goal_check_answers():
    assert goals_revised_of({"text": "They still fit", "intent": {"name": "affirm"}}) is False
    assert goals_revised_of({"text": "revise", "intent": {"name": "nlu_fallback"}}) is True
    assert goals_revised_of({"text": "hmm", "intent": {"name": "nlu_fallback"}}) is None
    assert goals_revised_of({"text": "They still fit, no changes", "intent": {"name": "affirm"}}) is False
    assert goals_revised_of({"text": "No, they don't fit any more", "intent": {"name": "deny"}}) is True


def test_the_generated_rules_are_up_to_date():
    for path, text in generated_rule_files().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run scripts/generate-rules"


@pytest.mark.parametrize(
    ("text", "intent", "steps_out"),
    [
        ("Maybe a reminder between sessions", "pause", False),
        ("can we stop for now", "pause", True),
        ("I feel hopeless about all of this", "express_distress", True),
        ("/show_progress", "show_progress", True),
        ("/express_distress", "express_distress", True),
        ("where am I", "show_progress", True),
    ],
)
def test_in_an_open_answer_a_request_must_say_what_it_asks_for(text, intent, steps_out):
    message = {"text": text, "intent": {"name": intent, "confidence": 0.95}}
    assert is_clear_interruption(message, open_answer=True) is steps_out
