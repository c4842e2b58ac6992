"""The real stack on loopback with the trained model: the consent-and-goals conversation and what it stores."""

from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import create_engine, text

from bot.guidance.consent import CONSENT_TEXT_VERSION
from tests.stack_support import ChatClient, http

pytestmark = pytest.mark.stack


def rows(stack, query: str, **params):
    engine = create_engine(f"sqlite:///{stack.database_path}", future=True)
    try:
        with engine.connect() as connection:
            return connection.execute(text(query), params).all()
    finally:
        engine.dispose()


def wait_for_opening(client: ChatClient) -> list[dict]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        messages = client.history()
        if any(m["buttons"] for m in messages):
            return messages
        time.sleep(0.3)
    raise AssertionError("the bot did not open the conversation")


def consent_and_start(stack, situation: str, clarity: str, confidence: str, goals: str) -> tuple[ChatClient, str, str]:
    """A new client who consents and answers the start; returns the client, its id and the last reply."""
    client = ChatClient(stack)
    wait_for_opening(client)
    client.replies_to("Yes, I agree", "/affirm")
    client.replies_to(situation)
    client.replies_to(clarity)
    client.replies_to(confidence)
    summary = client.replies_to(goals)
    return client, client_id_of(stack, situation), summary


def client_id_of(stack, phrase: str) -> str:
    [(client_id,)] = rows(stack, "SELECT client_id FROM messages WHERE text = :p", p=phrase)
    return client_id


def test_consent_and_goals_conversation_is_stored_and_recalled_after_a_restart(stack):
    client = ChatClient(stack)
    opening = wait_for_opening(client)
    assert "not a human" in " ".join(m["text"] or "" for m in opening)
    assert {b["payload"] for m in opening for b in m["buttons"]} == {"/affirm", "/deny"}

    assert "situation" in client.replies_to("Yes, I agree", "/affirm")
    situation = f"I work in a warehouse and want to become a nurse {uuid.uuid4().hex[:8]}"
    assert "How clear" in client.replies_to(situation)
    assert "Could you give me a number" in client.replies_to("7")  # out of the scale: asked again
    assert "confident" in client.replies_to("3 · somewhat", "3")
    assert "goals" in client.replies_to("two")
    summary = client.replies_to("Find out how to start nursing school; talk to my family about it")
    assert situation in summary and "Find out how to start nursing school" in summary
    assert "nurse (an occupation)" in summary  # found by the spaCy pipeline built from the patterns

    client_id = client_id_of(stack, situation)
    assert rows(stack, "SELECT decision, text_version FROM consent_records WHERE client_id = :c", c=client_id) == [
        ("given", CONSENT_TEXT_VERSION)
    ]
    [(stored_situation, mentions)] = rows(stack, "SELECT situation, mentions FROM intakes WHERE client_id = :c", c=client_id)
    assert stored_situation == situation and '"nurse"' in mentions
    assert rows(stack, "SELECT item, value FROM readiness_ratings WHERE client_id = :c ORDER BY item", c=client_id) == [
        ("clarity", 3),
        ("confidence", 2),
    ]
    assert rows(stack, "SELECT text FROM goals WHERE client_id = :c AND status = 'active' ORDER BY position", c=client_id) == [
        ("Find out how to start nursing school",),
        ("talk to my family about it",),
    ]
    assert rows(stack, "SELECT COUNT(*) FROM events WHERE sender_id = :c", c=client_id)[0][0] > 0
    assert all(status == "answered" for (status,) in rows(stack, "SELECT status FROM messages WHERE client_id = :c AND direction = 'in'", c=client_id))
    # Client text is personal data: at the default log level no process writes it to the log.
    assert situation not in stack.log_path.read_text()

    # Stop everything (Ctrl-C) and start again: the client is greeted back with their goals.
    stack.stop()
    stack.start(wait_for="gateway")
    rasa_was_loading = stack.health()[1]["components"]["rasa"] == "unavailable"
    status, body = client.say("hello again")
    if rasa_was_loading:
        # The gateway takes the message while Rasa loads, says so honestly, and answers later.
        assert status == 202 and "One moment" in body["notice"]
    welcome = client.wait_for_reply_after(body["message"]["id"])
    assert "Welcome back" in welcome and "reflect" in welcome  # the next step is offered, not imposed
    assert "Find out how to start nursing school" in welcome and "talk to my family about it" in welcome
    stack.wait_until_healthy()


def test_declining_consent_leaves_only_the_refusal(stack):
    client = ChatClient(stack)
    wait_for_opening(client)
    answer = client.replies_to("No, thank you", "/deny")
    assert "stored nothing except" in answer

    [(client_id,)] = rows(stack, "SELECT client_id FROM consent_records ORDER BY id DESC LIMIT 1")
    assert rows(stack, "SELECT decision FROM consent_records WHERE client_id = :c", c=client_id) == [("declined",)]
    assert rows(stack, "SELECT COUNT(*) FROM messages WHERE client_id = :c", c=client_id) == [(0,)]
    assert rows(stack, "SELECT COUNT(*) FROM events WHERE sender_id = :c", c=client_id) == [(0,)]
    for table in ("intakes", "goals", "readiness_ratings"):
        assert rows(stack, f"SELECT COUNT(*) FROM {table} WHERE client_id = :c", c=client_id) == [(0,)]

    # Saying hello again shows the consent text once more; agreeing now starts the process.
    again = client.replies_to("hello")
    assert "Last time you chose not" in again and "Is that all right with you?" in again
    assert "situation" in client.replies_to("Yes, I agree", "/affirm")
    assert rows(stack, "SELECT decision FROM consent_records WHERE client_id = :c ORDER BY id", c=client_id) == [
        ("declined",),
        ("given",),
    ]


def test_distress_gets_crisis_resources_at_once_even_inside_a_question(stack):
    client = ChatClient(stack)
    wait_for_opening(client)
    client.replies_to("Yes, I agree", "/affirm")
    answer = client.replies_to("I don't want to live anymore")
    assert "emergency" in answer.lower() and "Are you safe right now?" in answer


def test_rasa_and_the_action_server_refuse_calls_without_their_token(stack):
    rasa = f"http://127.0.0.1:{stack.ports['RASA_PORT']}/webhooks/gateway/webhook"
    assert http("POST", rasa, {"sender": "intruder", "message": "hi"})[0] == 401
    assert http("POST", rasa, {"sender": "intruder", "message": "hi"}, {"Authorization": "Bearer wrong"})[0] == 401

    actions = f"http://127.0.0.1:{stack.ports['ACTION_SERVER_PORT']}"
    assert http("GET", f"{actions}/actions")[0] == 401
    assert http("POST", f"{actions}/webhook", {"next_action": "action_welcome"})[0] == 401
    assert http("GET", f"{actions}/actions?token={stack.settings.action_server_token}")[0] == 200


def test_health_reports_every_component_ok(stack):
    status, body = stack.health()
    assert status == 200
    assert body == {
        "status": "ok",
        "components": {"gateway": "ok", "database": "ok", "rasa": "ok", "action_server": "ok"},
    }


def test_reflection_is_offered_after_the_start_and_stored_theme_by_theme(stack):
    situation = f"I'm a cook and I want something new {uuid.uuid4().hex[:8]}"
    client, client_id, summary = consent_and_start(stack, situation, "4", "3", "Find a job with regular hours")
    assert "let's reflect" in summary.lower()

    assert "What is important to you" in client.replies_to("Let's reflect", "/start_reflection")
    check = client.replies_to("I care about fairness and having time for my family")
    assert "you care about fairness and having time for your family" in check and "Did I get that right?" in check
    assert "What do you enjoy" in client.replies_to("Yes, that's right", "/affirm")
    client.replies_to("Baking bread and growing vegetables")
    assert "Tell me again" in client.replies_to("Not quite", "/deny")
    assert "Did I get that right?" in client.replies_to("Growing vegetables, mostly")
    assert "What are you good at" in client.replies_to("Yes, that's right", "/affirm")
    assert "a time you showed that strength" in client.replies_to("I stay calm when the kitchen is busy")
    strength = client.replies_to("Last Christmas I ran the kitchen alone for a whole evening")
    assert "you ran the kitchen alone" in strength
    assert "experience" in client.replies_to("Yes, that's right", "/affirm")
    client.replies_to("Training two apprentices last year")
    assert "circumstances" in client.replies_to("Yes, that's right", "/affirm")
    summary = client.replies_to("skip")
    assert "Thank you for reflecting" in summary and "skipped for now" in summary

    stored = rows(stack, "SELECT theme, answer, confirmed FROM reflections WHERE client_id = :c ORDER BY id", c=client_id)
    assert stored == [
        ("values", "I care about fairness and having time for my family", True),
        ("interests", "Growing vegetables, mostly", True),
        ("strengths", "I stay calm when the kitchen is busy", True),
        ("experiences", "Training two apprentices last year", True),
        ("circumstances", None, False),
    ]
    assert rows(stack, "SELECT status FROM phase_progress WHERE client_id = :c AND phase = 'reflection'", c=client_id) == [("done",)]
    assert "✓ Reflection: done." in client.replies_to("where am I?")


def test_closing_feedback_shows_how_readiness_moved_since_the_start(stack):
    situation = f"Finishing my degree in history {uuid.uuid4().hex[:8]}"
    client, client_id, _ = consent_and_start(stack, situation, "2", "2", "Decide between teaching and museum work")

    intro = client.replies_to("I'd like to give feedback")
    assert "skip any" in intro and "how clear do you feel now" in intro
    client.replies_to("4 · fairly", "4")
    client.replies_to("3")
    client.replies_to("5")
    client.replies_to("skip")
    client.replies_to("4")
    assert "could have been better" in client.replies_to("Being asked instead of told what to do")
    summary = client.replies_to("Maybe a reminder between sessions")
    assert "2 at the start, 4 now (+2)" in summary and "2 at the start, 3 now (+1)" in summary

    assert rows(stack, "SELECT usefulness, felt_heard, felt_in_charge, what_helped FROM feedback WHERE client_id = :c", c=client_id) == [
        (5, None, 4, "Being asked instead of told what to do")
    ]
