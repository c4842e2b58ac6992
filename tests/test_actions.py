"""The custom actions, called as Rasa calls them, against a real (temporary) database."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import text

from actions.consent import ActionRecordConsent, ValidateConsentForm
from actions.distress import ActionRespondToDistress
from actions.intake import ActionSaveIntake, ValidateIntakeForm
from actions.progress import ActionShowProgress
from actions.session import ActionSessionStart
from actions.welcome import ActionWelcome
from bot.guidance.answers import SKIPPED
from bot.guidance.consent import CONSENT_TEXT_VERSION
from bot.settings import PROJECT_ROOT
from bot.storage.progress import CONSENT_DECLINED, CONSENT_GIVEN, record_consent, save_intake

# Storage behaviour: on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

CLIENT = "c" * 32
DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())


def tracker(
    text: str = "",
    intent: str = "nlu_fallback",
    confidence: float = 0.9,
    slots: dict[str, Any] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    return Tracker(
        sender_id=CLIENT,
        slots=slots or {},
        latest_message={"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


async def run(action, tracker_: Tracker) -> tuple[list[dict[str, Any]], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker_, DOMAIN)
    return events, dispatcher


def slot_values(events) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def responses(dispatcher: CollectingDispatcher) -> list[str | None]:
    return [message.get("response") for message in dispatcher.messages]


# -- welcome and session start ---------------------------------------------------------


async def test_a_new_client_is_introduced_and_stage_is_new(actions_db):
    events, dispatcher = await run(ActionWelcome(), tracker(intent="greet"))
    assert slot_values(events) == {"stage": "new"}
    assert responses(dispatcher) == ["utter_welcome_new"]


async def test_a_client_who_declined_sees_the_consent_text_again(actions_db, db):
    with db() as session:
        record_consent(session, CLIENT, CONSENT_DECLINED, CONSENT_TEXT_VERSION)
    events, dispatcher = await run(ActionWelcome(), tracker(intent="greet"))
    assert slot_values(events) == {"stage": "declined"}
    assert responses(dispatcher) == ["utter_welcome_declined", "utter_ask_consent_answer"]


async def test_a_returning_client_is_greeted_with_their_goals(actions_db, db):
    with db() as session:
        record_consent(session, CLIENT, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
        save_intake(session, CLIENT, "Working in retail", {"clarity": 3}, ["Find work I enjoy", "Study part-time"])
    events, dispatcher = await run(ActionWelcome(), tracker(intent="greet"))
    assert slot_values(events) == {"stage": "returning"}
    [message] = dispatcher.messages
    assert "Find work I enjoy" in message["text"] and "Study part-time" in message["text"]


async def test_session_start_carries_slots_over_and_reads_the_stage(actions_db, db):
    with db() as session:
        record_consent(session, CLIENT, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
    events, _ = await run(
        ActionSessionStart(), tracker(slots={"situation": "Student", "stage": "new", "requested_slot": "goals"})
    )
    assert events[0] == SessionStarted()
    assert events[-1] == ActionExecuted("action_listen")
    assert SlotSet("situation", "Student") in events
    assert SlotSet("stage", "consented") in events
    assert not any(event.get("name") == "requested_slot" for event in events)


# -- consent --------------------------------------------------------------------------


@pytest.mark.parametrize("intent, expected", [("affirm", "given"), ("deny", "declined"), ("explore_options", None)])
async def test_consent_form_takes_only_a_clear_yes_or_no(actions_db, intent, expected):
    events, _ = await run(
        ValidateConsentForm(),
        tracker("whatever", intent, 0.95, {"requested_slot": "consent_answer"}, active_loop="consent_form"),
    )
    assert slot_values(events)["consent_answer"] == expected


async def test_a_clear_request_for_help_steps_out_of_the_consent_form(actions_db):
    events, _ = await run(
        ValidateConsentForm(),
        tracker("what is this?", "help", 0.97, {"requested_slot": "consent_answer"}, active_loop="consent_form"),
    )
    assert "consent_answer" not in slot_values(events)


async def test_consent_is_recorded_with_its_text_version(actions_db, db):
    events, dispatcher = await run(ActionRecordConsent(), tracker(slots={"consent_answer": "given"}))
    assert slot_values(events) == {"consent_answer": None, "stage": "consented"}
    assert responses(dispatcher) == ["utter_consent_given"]
    with db() as session:
        row = session.execute(text("SELECT decision, text_version, recorded_at FROM consent_records")).one()
    assert row.decision == "given" and row.text_version == CONSENT_TEXT_VERSION and row.recorded_at is not None


async def test_declining_stores_only_the_refusal(actions_db, db):
    events, dispatcher = await run(ActionRecordConsent(), tracker("no", "deny"))
    assert slot_values(events)["stage"] == "declined"
    assert responses(dispatcher) == ["utter_consent_declined"]
    with db() as session:
        assert session.execute(text("SELECT decision FROM consent_records")).scalars().all() == ["declined"]
        for table in ("intakes", "goals", "readiness_ratings", "phase_progress"):
            assert session.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() == 0


async def test_an_unclear_answer_is_never_read_as_a_refusal(actions_db, db):
    events, dispatcher = await run(ActionRecordConsent(), tracker("hmm", "nlu_fallback"))
    assert events == []
    assert responses(dispatcher) == ["utter_consent_needs_yes_or_no"]
    with db() as session:
        assert session.execute(text("SELECT COUNT(*) FROM consent_records")).scalar() == 0


# -- intake ---------------------------------------------------------------------------


async def test_situation_is_taken_in_the_clients_words(actions_db):
    message = "I'm a nurse and I want to explore other options"
    events, _ = await run(
        ValidateIntakeForm(),
        tracker(message, "explore_options", 0.99, {"requested_slot": "situation"}, active_loop="intake_form"),
    )
    assert slot_values(events)["situation"] == message


async def test_occupations_and_fields_in_the_situation_are_kept_for_the_reflection(actions_db):
    situation = tracker("I'm a nurse and curious about computer science", "explore_options", 0.99,
                        {"requested_slot": "situation"}, active_loop="intake_form")
    situation.latest_message["entities"] = [
        {"entity": "OCCUPATION", "value": "nurse"},
        {"entity": "FIELD_OF_STUDY", "value": "computer science"},
        {"entity": "OCCUPATION", "value": "Nurse"},
    ]
    events, _ = await run(ValidateIntakeForm(), situation)
    assert slot_values(events)["situation_mentions"] == [
        {"kind": "OCCUPATION", "value": "nurse"},
        {"kind": "FIELD_OF_STUDY", "value": "computer science"},
    ]


async def test_a_clear_pause_steps_out_of_the_intake_form(actions_db):
    events, _ = await run(
        ValidateIntakeForm(),
        tracker("pause", "pause", 0.99, {"requested_slot": "situation"}, active_loop="intake_form"),
    )
    assert "situation" not in slot_values(events)


async def test_skip_is_remembered_as_skipped(actions_db):
    events, _ = await run(
        ValidateIntakeForm(),
        tracker("skip this", "skip", 0.95, {"requested_slot": "readiness_clarity"}, active_loop="intake_form"),
    )
    assert slot_values(events)["readiness_clarity"] == SKIPPED


async def test_an_unreadable_rating_is_asked_again_kindly(actions_db):
    events, dispatcher = await run(
        ValidateIntakeForm(),
        tracker("hmm, hard to say", "nlu_fallback", 0.3, {"requested_slot": "readiness_confidence"}, "intake_form"),
    )
    assert slot_values(events)["readiness_confidence"] is None
    assert responses(dispatcher) == ["utter_readiness_needs_number"]


async def test_goals_are_split_into_items(actions_db):
    events, _ = await run(
        ValidateIntakeForm(),
        tracker("Choose a direction; apply by March", "plan_actions", 0.9, {"requested_slot": "goals"}, "intake_form"),
    )
    assert slot_values(events)["goals"] == ["Choose a direction", "apply by March"]


async def test_saving_the_intake_stores_it_and_reflects_it_back(actions_db, db):
    slots = {
        "situation": "Between jobs",
        "situation_mentions": [{"kind": "SKILL", "value": "teamwork"}],
        "readiness_clarity": "2",
        "readiness_confidence": SKIPPED,
        "goals": ["Find a direction", "Feel more confident"],
    }
    events, dispatcher = await run(ActionSaveIntake(), tracker(slots=slots))
    assert slot_values(events)["stage"] == "returning"
    assert "Between jobs" in dispatcher.messages[0]["text"]
    assert "teamwork (a skill)" in dispatcher.messages[0]["text"]
    with db() as session:
        assert session.execute(text("SELECT situation FROM intakes")).scalar() == "Between jobs"
        assert "teamwork" in str(session.execute(text("SELECT mentions FROM intakes")).scalar())
        assert session.execute(text("SELECT item, value FROM readiness_ratings")).all() == [("clarity", 2)]
        assert session.execute(text("SELECT text FROM goals ORDER BY position")).scalars().all() == [
            "Find a direction",
            "Feel more confident",
        ]
        assert session.execute(text("SELECT status FROM phase_progress WHERE phase = 'start'")).scalar() == "done"


# -- progress and distress ------------------------------------------------------------


async def test_show_progress_reads_the_stored_goals(actions_db, db):
    with db() as session:
        record_consent(session, CLIENT, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
        save_intake(session, CLIENT, None, {}, ["Apply for an apprenticeship"])
    _, dispatcher = await run(ActionShowProgress(), tracker(intent="show_progress"))
    assert "Apply for an apprenticeship" in dispatcher.messages[0]["text"]


async def test_distress_answer_uses_the_operators_crisis_file(actions_db, tmp_path, monkeypatch):
    crisis = tmp_path / "crisis.yml"
    crisis.write_text(
        "intro: We are here.\nresources:\n  - name: City Helpline\n    contact: call 0800 000 000\n"
        "safety_question: Are you safe?\n"
    )
    monkeypatch.setenv("CRISIS_RESOURCES_FILE", str(crisis))
    _, dispatcher = await run(ActionRespondToDistress(), tracker("I can't go on", "express_distress"))
    [message] = dispatcher.messages
    assert "City Helpline: call 0800 000 000" in message["text"]
    assert [button["payload"] for button in message["buttons"]] == ["/affirm", "/deny"]


async def test_distress_raises_a_safety_flag_only_for_a_client_who_agreed_to_storage(actions_db, db):
    await run(ActionRespondToDistress(), tracker("I can't go on", "express_distress"))
    with db() as session:
        assert session.execute(text("SELECT COUNT(*) FROM safety_flags")).scalar() == 0
        record_consent(session, CLIENT, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
    await run(ActionRespondToDistress(), tracker("I can't go on", "express_distress"))
    with db() as session:
        [(client_id, handled_at)] = session.execute(text("SELECT client_id, handled_at FROM safety_flags")).all()
    assert client_id == CLIENT and handled_at is None
