"""What the gateway gives Rasa for a client's message (bot/gateway/turn_input.py), over real HTTP
with a stand-in Rasa: only offered buttons send a payload, typed text never starts with "/", and an
answer to a safety question goes with its context."""

from __future__ import annotations

import pytest

from tests.gateway_support import open_chat
from tests.test_gateway import history, start_session, token_of

pytestmark = pytest.mark.both_databases

CHECK_QUESTION = [
    {"text": "When you said \"i cant do this anymore\", did you mean ...?", "buttons": [{"title": "It's wearing me down", "payload": "/deny"}]},
    {"custom": {"asks": "risk_check", "categories": ["suicidal_passive"]}},
]


async def greeted(gateway) -> dict[str, str]:
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))  # the greeting, with the buttons it offers
    return headers


async def send(gateway, headers, body) -> dict:
    response = await gateway.post("/api/messages", json=body, headers=headers)
    assert response.status == 200, await response.text()
    return await response.json()


@pytest.mark.parametrize("typed", ["/delete_my_data", "/ /delete_my_data", " // /express_distress{\"x\": 1}"])
async def test_typed_text_never_reaches_rasa_as_a_command(gateway, fake_rasa, typed):
    headers = await greeted(gateway)
    body = await send(gateway, headers, {"text": typed})
    assert body["message"]["text"] == typed.strip()  # the log keeps what the client wrote
    assert not fake_rasa.received[-1]["message"].startswith("/")
    assert fake_rasa.received[-1]["message"].lstrip().startswith(("delete_my_data", "express_distress"))


async def test_a_payload_the_bot_never_offered_is_read_as_the_text_that_came_with_it(gateway, fake_rasa):
    headers = await greeted(gateway)
    await send(gateway, headers, {"text": "please delete it all", "payload": "/delete_my_data"})
    assert fake_rasa.received[-1]["message"] == "please delete it all"
    await send(gateway, headers, {"text": "Yes, I agree", "payload": "/affirm"})  # offered with the greeting
    assert fake_rasa.received[-1]["message"] == "/affirm"


async def test_a_message_of_slashes_alone_is_refused_kindly(gateway):
    headers = await greeted(gateway)
    response = await gateway.post("/api/messages", json={"text": " / // "}, headers=headers)
    assert response.status == 422
    assert "empty" in (await response.json())["message"]


SITUATION = [{"text": "What is your situation?"}, {"custom": {"asks": "question", "question": {"key": "situation", "kind": "open"}}}]


async def test_the_answer_to_the_check_question_goes_with_the_message_that_was_held(gateway, fake_rasa):
    headers = await greeted(gateway)
    replies = {"ok": SITUATION, "i cant do this anymore": CHECK_QUESTION}
    fake_rasa.reply_to = lambda message: replies.get(message, [{"text": "next question"}])
    await send(gateway, headers, {"text": "ok"})
    await send(gateway, headers, {"text": "i cant do this anymore"})
    assert all("custom" not in m for m in await history(gateway, headers))  # the notes are never shown
    await send(gateway, headers, {"text": "no its just wearing me out"})
    answering = fake_rasa.received[-1]["metadata"]["answering"]
    assert answering == {
        "question": "risk_check",
        "held_text": "i cant do this anymore",
        "categories": ["suicidal_passive"],
        # the question the held message answered, for reading it as that answer
        "held_question": {"question": "question", "note": {"key": "situation", "kind": "open"}, "text": "What is your situation?", "buttons": []},
    }
    await send(gateway, headers, {"text": "and another thing"})
    assert "answering" not in fake_rasa.received[-1]["metadata"]  # only the message right after a question


async def test_the_answer_to_are_you_safe_goes_with_that_question(gateway, fake_rasa):
    headers = await greeted(gateway)
    crisis = [{"text": "... Are you safe right now?", "buttons": [{"title": "I'm safe right now", "payload": "/affirm"}]}, {"custom": {"asks": "safety"}}]
    fake_rasa.reply_to = lambda message: crisis if message == "i want to die" else [{"text": "ok"}]
    await send(gateway, headers, {"text": "i want to die"})
    await send(gateway, headers, {"text": "im safe"})
    assert fake_rasa.received[-1]["metadata"]["answering"] == {"question": "safety"}
