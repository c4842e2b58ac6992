"""Closing feedback against a real (temporary) database."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from actions.feedback import ActionSaveFeedback, ValidateFeedbackForm
from bot.guidance.answers import SKIPPED
from bot.guidance.consent import CONSENT_TEXT_VERSION
from bot.guidance.wording import feedback_summary
from bot.storage.progress import CONSENT_GIVEN, record_consent, save_intake, snapshot
from tests.test_actions import CLIENT, responses, run, slot_values, tracker

# Storage behaviour: on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


async def test_readiness_is_rated_again_with_numbers_or_words(actions_db):
    events, _ = await run(
        ValidateFeedbackForm(),
        tracker("four", "nlu_fallback", 0.3, {"requested_slot": "feedback_clarity"}, "feedback_form"),
    )
    assert slot_values(events) == {"feedback_clarity": "4"}


async def test_an_unreadable_rating_is_asked_again(actions_db):
    events, dispatcher = await run(
        ValidateFeedbackForm(),
        tracker("it was ok", "affirm", 0.9, {"requested_slot": "feedback_usefulness"}, "feedback_form"),
    )
    assert slot_values(events) == {"feedback_usefulness": None}
    assert responses(dispatcher) == ["utter_readiness_needs_number"]


async def test_open_answers_are_kept_in_the_clients_words(actions_db):
    events, _ = await run(
        ValidateFeedbackForm(),
        tracker("Being asked instead of told", "help", 0.6, {"requested_slot": "feedback_helped"}, "feedback_form"),
    )
    assert slot_values(events) == {"feedback_helped": "Being asked instead of told"}


async def test_feedback_is_stored_and_the_change_in_readiness_is_shown(actions_db, db):
    with db() as session:
        record_consent(session, CLIENT, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
        save_intake(session, CLIENT, None, {"clarity": 2, "confidence": 3}, ["Choose"])
    slots = {
        "feedback_clarity": "4",
        "feedback_confidence": "3",
        "feedback_usefulness": "5",
        "feedback_heard": SKIPPED,
        "feedback_in_charge": "4",
        "feedback_helped": "The questions about my values",
        "feedback_improve": SKIPPED,
    }
    events, dispatcher = await run(ActionSaveFeedback(), tracker(slots=slots))
    message = dispatcher.messages[0]["text"]
    assert "2 at the start, 4 now (+2)" in message and "3 at the start, 3 now (no change)" in message
    assert all(value is None for value in slot_values(events).values())
    with db() as session:
        row = session.execute(text("SELECT usefulness, felt_heard, felt_in_charge, what_helped, what_to_improve FROM feedback")).one()
        assert tuple(row) == (5, None, 4, "The questions about my values", None)
        ratings = session.execute(text("SELECT item, value FROM readiness_ratings WHERE moment = 'closing' ORDER BY item")).all()
        assert ratings == [("clarity", 4), ("confidence", 3)]
        assert snapshot(session, CLIENT).phases["closing"] == "done"


def test_summary_without_a_start_rating_shows_only_now():
    assert "Your clarity about what you want: 4 now" in feedback_summary({}, {"clarity": 4})
