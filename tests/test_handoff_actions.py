"""The handoff in the chat, driven turn by turn as Rasa drives it, on a real (temporary) database:
the client sees the summary, takes items out, adds a message, chooses about the transcript and
approves or cancels; only what they approved is stored for the practitioner."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from actions.handoff import (
    KEEP_ALL,
    RESTORE,
    ActionFinishHandoff,
    ActionStartHandoff,
    AskHandoffQuestion,
    ValidateHandoffForm,
    approval_of,
    message_of,
    removal_of,
    share_transcript_of,
)
from actions.readers import NOTHING, text_of
from bot.guidance.consent import CONSENT_TEXT_VERSION
from bot.handoff.summary import build_summary, summary_text
from bot.settings import DEFAULT_HANDOFF_NEXT_STEPS
from bot.storage.invites import BOUND, create_invite, redeem_invite
from bot.storage.models import Client, Handoff, Practitioner
from bot.storage.options import option_set_in_progress, set_own_options
from bot.storage.progress import CONSENT_GIVEN, record_consent, save_intake
from bot.storage.reflections import save_reflection
from bot.storage.safety import raise_safety_flag
from tests.test_actions import CLIENT, run, slot_values, tracker
from tests.test_journey_actions import PhaseChat, texts

# Storage behaviour: on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

GOALS = ["Find a direction", "Know what training I need"]


@pytest.fixture
def client_with_progress(actions_db, db):
    """A client of practitioner Ada with goals, readiness, a reflection and two options."""
    with db() as session:
        record_consent(session, CLIENT, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
        save_intake(session, CLIENT, "Working in a care home", {"clarity": 2, "confidence": 3}, GOALS)
        save_reflection(session, CLIENT, "values", "Helping people and fair pay", "You care about helping people", True)
        option_set = option_set_in_progress(session, CLIENT)
        set_own_options(session, option_set, ["Nursing", "Social work"])
        ada = Practitioner(email="ada@example.org", display_name="Ada", password_hash="x")
        session.add(ada)
        session.flush()
        code = create_invite(session, ada.id, "J.S.", valid_days=14).code
        assert redeem_invite(session, code, CLIENT).outcome == BOUND
    return db


def handoff_chat() -> PhaseChat:
    return PhaseChat(ValidateHandoffForm(), AskHandoffQuestion(), ActionFinishHandoff())


async def start(chat: PhaseChat) -> str:
    _, dispatcher = await run(ActionStartHandoff(), tracker(slots=dict(chat.slots)))
    responses = [m.get("response") for m in dispatcher.messages]
    assert responses == ["utter_handoff_intro"]
    return texts(await chat.start())


def handoffs(db) -> list[Handoff]:
    with db() as session:
        rows = list(session.execute(select(Handoff)).scalars())
        session.expunge_all()
        return rows


async def test_the_client_sees_the_summary_numbered_and_approves_it_without_the_item_they_removed(client_with_progress):
    db = client_with_progress
    chat = handoff_chat()
    shown = await start(chat)
    # The situation in the client's own words comes first, then the goals.
    assert "1. Working in a care home" in shown
    assert "2. Find a direction" in shown and "3. Know what training I need" in shown
    assert "Helping people and fair pay" in shown and "Nursing" in shown and "Social work" in shown
    assert "Readiness" in shown

    number_of_social_work = next(line for line in shown.splitlines() if "Social work" in line).split(".")[0]
    reply = texts(await chat.say(f"remove {number_of_social_work}"))
    assert "Taken out: Social work" in reply
    assert "anything you'd like to tell your practitioner" in reply

    reply = texts(await chat.say("Can we talk about the nursing course fees?"))
    assert "transcript" in reply
    reply = texts(await chat.say("/deny", intent="deny", confidence=1.0))
    assert "Nursing" in reply and "Social work" not in reply
    assert "Your message: Can we talk about the nursing course fees?" in reply
    assert "The transcript stays private" in reply

    reply = texts(await chat.say("send"))
    assert chat.finished
    assert f"Sent. {DEFAULT_HANDOFF_NEXT_STEPS}" in reply

    [handoff] = handoffs(db)
    assert handoff.status == "approved" and handoff.approved_at is not None
    kept = [item["text"] for item in handoff.items]
    assert any("Nursing" in text for text in kept)
    assert not any("Social work" in text for text in kept)
    assert handoff.removed is None
    assert handoff.message == "Can we talk about the nursing course fees?"
    assert handoff.share_transcript is False
    with db() as session:
        assert handoff.practitioner_id == session.get(Client, CLIENT).practitioner_id is not None


async def test_a_cancelled_handoff_keeps_nothing_and_says_nothing_was_sent(client_with_progress):
    chat = handoff_chat()
    await start(chat)
    await chat.say(KEEP_ALL)
    await chat.say("Please call me", intent="inform")
    await chat.say("yes")
    reply = texts(await chat.say("don't send it"))
    assert "I haven't sent anything" in reply
    [handoff] = handoffs(client_with_progress)
    assert handoff.status == "cancelled"
    assert handoff.items == [] and handoff.message is None and handoff.share_transcript is None


async def test_going_back_from_the_approval_lets_the_client_take_more_out_or_put_it_back(client_with_progress):
    chat = handoff_chat()
    await start(chat)
    await chat.say("remove 2")
    await chat.say("/skip", intent="skip", confidence=1.0)
    await chat.say("/affirm", intent="affirm", confidence=1.0)
    await chat.say("back", intent="go_back", confidence=1.0)
    await chat.say("back", intent="go_back", confidence=1.0)
    reply = texts(await chat.say("back", intent="go_back", confidence=1.0))
    assert "Find a direction" not in reply, "the list shown again holds only what is kept"
    assert "2. Know what training I need" in reply, "numbers follow the list as shown"
    reply = texts(await chat.say("put them back"))
    assert "I've put everything back" in reply
    await chat.say("no message")
    await chat.say("/affirm", intent="affirm", confidence=1.0)
    reply = texts(await chat.say("send it"))
    assert "Sent." in reply
    [handoff] = handoffs(client_with_progress)
    assert [item["text"] for item in handoff.items][1:3] == GOALS
    assert handoff.message is None and handoff.share_transcript is True


async def test_an_unclear_answer_to_a_strict_question_is_asked_again(client_with_progress):
    chat = handoff_chat()
    await start(chat)
    reply = texts(await chat.say("hmm what do you mean"))
    assert "Which numbers would you like to take out?" in reply
    assert not chat.finished


async def test_a_draft_left_part_way_is_resumed_and_a_fresh_start_rebuilds_it(client_with_progress):
    db = client_with_progress
    chat = handoff_chat()
    await start(chat)
    await chat.say("remove 1")
    # Resumed (answered steps kept in the slot): the same draft, no introduction again.
    _, dispatcher = await run(ActionStartHandoff(), tracker(slots=dict(chat.slots)))
    assert dispatcher.messages == []
    [draft] = handoffs(db)
    assert draft.removed
    # Started afresh: rebuilt from what is stored now.
    await run(ActionStartHandoff(), tracker(slots={}))
    [draft] = handoffs(db)
    assert draft.status == "draft" and not draft.removed


@pytest.mark.parametrize("paused, offers_resume, clears", [("planning_form", True, False), ("handoff_form", False, True), (None, False, False)])
async def test_after_the_handoff_the_conversation_goes_on(client_with_progress, paused, offers_resume, clears):
    events, dispatcher = await run(ActionFinishHandoff(), tracker(slots={"paused_form": paused}))
    buttons = [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]
    assert ("/resume" in buttons) == offers_resume
    assert any(payload.startswith("/") for payload in buttons), "always a way on"
    assert ("paused_form" in slot_values(events)) == clears


def test_the_summary_is_deterministic_and_shows_a_safety_flag(client_with_progress):
    with client_with_progress() as session:
        raise_safety_flag(session, CLIENT)
        first, second = build_summary(session, CLIENT), build_summary(session, CLIENT)
    assert first == second
    sections = [item.section for item in first]
    assert sections == sorted(sections, key=["situation", "goals", "readiness", "reflection", "options", "decision", "plan", "safety"].index)
    assert sections[-1] == "safety"
    text = summary_text(first, "See you Tuesday")
    assert text.startswith("Situation, in the client's words:\n1. Working in a care home\nGoals:\n2. Find a direction")
    assert text.endswith("Your message: See you Tuesday")


@pytest.mark.parametrize(
    "said, expected",
    [
        ("remove 2 and 5", [2, 5]),
        ("take out 3", [3]),
        ("keep everything", KEEP_ALL),
        ("no", KEEP_ALL),
        ("put them back", RESTORE),
        ("what?", None),
    ],
)
def test_removal_answers(said, expected):
    assert removal_of({"text": said, "intent": {"name": "inform"}}) == expected


@pytest.mark.parametrize(
    "said, expected",
    [
        ("send it", True),
        ("yes", True),
        ("send it, I don't want to change anything", True),
        ("don't send", False),
        ("please do not send it", False),
        ("cancel", False),
        ("no", False),
        ("yes, send it, no changes", None),  # says both: asked again, never cancelled on a guess
        ("hmm", None),
    ],
)
def test_approval_answers(said, expected):
    assert approval_of({"text": said, "intent": {"name": "inform"}}) == expected


@pytest.mark.parametrize(
    "said, expected",
    [
        ("yes please", True),
        ("no problem, share it", True),
        ("no, just the summary", False),
        ("don't share it", False),
        ("keep it private", False),
        ("maybe", None),
    ],
)
def test_transcript_answers(said, expected):
    assert share_transcript_of({"text": said, "intent": {"name": "inform"}}) == expected


async def test_a_client_without_a_practitioner_is_told_who_reads_it(actions_db, db):
    with db() as session:
        record_consent(session, CLIENT, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
        save_intake(session, CLIENT, "Between jobs", {"clarity": 3}, ["Find work I enjoy"])
    chat = handoff_chat()
    shown = await start(chat)
    assert "This is what I would send to the guidance service's team" in shown
    await chat.say(KEEP_ALL)
    await chat.say("no message")
    await chat.say("/deny", intent="deny", confidence=1.0)
    reply = texts(await chat.say("send it"))
    assert "Sent to the guidance service's team" in reply and "invitation link" in reply
    [handoff] = handoffs(db)
    assert handoff.status == "approved" and handoff.practitioner_id is None


async def test_with_nothing_stored_and_no_message_nothing_is_sent(actions_db, db):
    with db() as session:
        record_consent(session, CLIENT, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
    chat = handoff_chat()
    _, dispatcher = await run(ActionStartHandoff(), tracker(slots={}))
    assert "nothing stored yet" in texts(dispatcher.messages)
    assert "anything you'd like to tell" in texts(await chat.start())
    reply = texts(await chat.say("/skip", intent="skip", confidence=1.0))
    assert chat.finished and "nothing to send" in reply and "I haven't sent anything" in reply
    assert [h.status for h in handoffs(db)] == ["cancelled"]


async def test_a_button_for_another_part_leaves_the_handoff_but_a_message_naming_a_part_is_a_message(client_with_progress):
    chat = handoff_chat()
    await start(chat)
    await chat.say(KEEP_ALL)
    answered_before = dict(chat.slots)
    await chat.say("/plan_actions", intent="plan_actions", confidence=1.0)
    assert chat.slots["answered_steps"] == answered_before["answered_steps"], "the button is not taken as the message"
    await chat.say("can we talk about my plan?", intent="plan_actions", confidence=0.95)
    [draft] = handoffs(client_with_progress)
    assert draft.message == "can we talk about my plan?"


@pytest.mark.parametrize("at_step", [0, 1, 2])
@pytest.mark.parametrize("said", ["cancel", "I don't want to send anything", "never mind"])
async def test_cancel_ends_the_handoff_at_any_question(client_with_progress, at_step, said):
    chat = handoff_chat()
    await start(chat)
    for answer in [KEEP_ALL, "no message"][:at_step]:
        await chat.say(answer)
    reply = texts(await chat.say(said, intent="inform"))
    assert chat.finished and "I haven't sent anything" in reply
    [handoff] = handoffs(client_with_progress)
    assert handoff.status == "cancelled" and handoff.message is None


async def test_a_message_that_only_mentions_cancelling_is_a_message(client_with_progress):
    chat = handoff_chat()
    await start(chat)
    await chat.say(KEEP_ALL)
    await chat.say("I had to cancel my interview, can we talk about it?")
    [draft] = handoffs(client_with_progress)
    assert draft.status == "draft" and draft.message == "I had to cancel my interview, can we talk about it?"


async def test_the_transcript_question_says_it_includes_what_was_taken_out(client_with_progress):
    chat = handoff_chat()
    await start(chat)
    await chat.say("remove 1")
    reply = texts(await chat.say("no message"))
    assert "including anything you took out of the summary" in reply


def test_a_no_read_as_no_leaves_no_message_and_no_plan_detail():
    """"no" at "anything you'd like to tell them?" (read as no in context) is no message, not the message "no"."""
    said_no = {"text": "no", "reading": {"outcome": "no"}}
    assert message_of(said_no) == NOTHING and text_of(said_no) == NOTHING
    said_something = {"text": "no car, so near a bus route", "reading": {"outcome": "answer", "value": "no car, so near a bus route"}}
    assert text_of(said_something) == "no car, so near a bus route"
