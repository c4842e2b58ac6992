"""The reflection actions against a real (temporary) database."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from actions.reflection import ActionFinishReflection, AskToCheckStrengths, AskToCheckValues, ValidateReflectionForm
from bot.guidance.answers import SKIPPED
from bot.guidance.consent import CONSENT_TEXT_VERSION
from bot.storage.progress import CONSENT_GIVEN, record_consent, save_intake, snapshot
from tests.test_actions import CLIENT, responses, run, slot_values, tracker

# Storage behaviour: on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


def with_user_event(tracker_, said: str, entities=()):
    tracker_.events.append({"event": "user", "text": said, "parse_data": {"entities": list(entities)}})
    return tracker_


async def test_an_answer_is_taken_in_the_clients_words(actions_db):
    events, _ = await run(
        ValidateReflectionForm(),
        tracker("Fairness, and time for my kids", "nlu_fallback", 0.4, {"requested_slot": "values"}, "reflection_form"),
    )
    assert slot_values(events) == {"values": "Fairness, and time for my kids"}


async def test_the_paraphrase_is_offered_with_a_yes_and_a_no(actions_db):
    asking = with_user_event(
        tracker(slots={"values": "I care about fairness", "requested_slot": "values_check"}), "I care about fairness"
    )
    _, dispatcher = await run(AskToCheckValues(), asking)
    [message] = dispatcher.messages
    assert message["text"] == (
        "If I heard you right, you care about fairness. Did I get that right?"
    )
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]


async def test_a_strength_is_paraphrased_with_its_example_and_spacy_mentions(actions_db):
    slots = {"strengths": "I'm good at teamwork", "strength_example": "I led my team at the café", "requested_slot": "strengths_check"}
    asking = with_user_event(tracker(slots=slots), "I'm good at teamwork", [{"entity": "SKILL", "value": "teamwork"}])
    _, dispatcher = await run(AskToCheckStrengths(), asking)
    assert "you led your team at the café" in dispatcher.messages[0]["text"]
    assert "teamwork (a skill)" in dispatcher.messages[0]["text"]


async def test_a_confirmed_theme_is_stored_and_the_phase_is_in_progress(actions_db, db):
    with db() as session:
        record_consent(session, CLIENT, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
        save_intake(session, CLIENT, None, {}, ["Choose a direction"])
    confirming = with_user_event(
        tracker("yes", "affirm", 1.0, {"values": "I care about fairness", "requested_slot": "values_check"}, "reflection_form"),
        "I care about fairness",
    )
    events, _ = await run(ValidateReflectionForm(), confirming)
    assert slot_values(events) == {"values_check": "confirmed"}
    with db() as session:
        row = session.execute(text("SELECT theme, answer, paraphrase, confirmed FROM reflections")).one()
        assert row.theme == "values" and row.answer == "I care about fairness" and row.confirmed
        assert "you care about fairness" in row.paraphrase
        assert snapshot(session, CLIENT).phases["reflection"] == "in_progress"


async def test_not_quite_asks_the_theme_again(actions_db, db):
    slots = {"strengths": "listening", "strength_example": "at work", "requested_slot": "strengths_check"}
    events, dispatcher = await run(ValidateReflectionForm(), tracker("no", "deny", 1.0, slots, "reflection_form"))
    assert slot_values(events) == {"strengths": None, "strength_example": None, "strengths_check": None}
    assert responses(dispatcher) == ["utter_reflection_correct_me"]
    with db() as session:
        assert session.execute(text("SELECT COUNT(*) FROM reflections")).scalar() == 0


async def test_other_words_at_the_check_are_the_clients_correction(actions_db):
    slots = {"interests": "music", "requested_slot": "interests_check"}
    correction = "More like writing songs, not just listening"
    events, _ = await run(ValidateReflectionForm(), tracker(correction, "nlu_fallback", 0.3, slots, "reflection_form"))
    assert slot_values(events) == {"interests": correction, "interests_check": None}


async def test_a_skipped_theme_is_stored_as_skipped_and_not_checked(actions_db, db):
    events, _ = await run(
        ValidateReflectionForm(),
        tracker("skip this", "skip", 0.97, {"requested_slot": "circumstances"}, "reflection_form"),
    )
    assert slot_values(events) == {"circumstances": SKIPPED, "circumstances_check": SKIPPED}
    with db() as session:
        assert session.execute(text("SELECT theme, answer FROM reflections")).one() == ("circumstances", None)


async def test_finishing_sums_up_marks_the_phase_done_and_clears_the_slots(actions_db, db):
    confirming = with_user_event(
        tracker("yes", "affirm", 1.0, {"values": "Security", "requested_slot": "values_check"}, "reflection_form"),
        "Security",
    )
    await run(ValidateReflectionForm(), confirming)
    events, dispatcher = await run(ActionFinishReflection(), tracker())
    assert "Security" in dispatcher.messages[0]["text"]
    assert all(value is None for value in slot_values(events).values()) and "values" in slot_values(events)
    with db() as session:
        assert snapshot(session, CLIENT).phases["reflection"] == "done"
