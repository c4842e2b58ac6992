"""What the journey adds to the gateway: pictures the bot sends, and check-ins on due steps."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.gateway import keys
from bot.storage.models import ActionPlan, ActionStep, SafetyFlag, utcnow
from bot.storage.progress import CONSENT_GIVEN, record_consent
from tests.gateway_support import open_chat
from tests.test_gateway import history, start_session, token_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def add_due_step(db, client_id: str, description: str = "Call Anna", consent: bool = True) -> None:
    """A due step of a finished plan; a plan is stored only with consent, so that is recorded too."""
    with db() as session:
        if consent:
            record_consent(session, client_id, CONSENT_GIVEN, "v1")
        plan = ActionPlan(client_id=client_id, status="complete", completed_at=utcnow())
        plan.steps.append(
            ActionStep(client_id=client_id, position=1, description=description, due_date=utcnow().date() - timedelta(days=1))
        )
        session.add(plan)


async def test_a_picture_the_bot_sent_is_served_and_nothing_else(gateway):
    media_dir = gateway.app[keys.SETTINGS].media_dir
    media_dir.mkdir(parents=True)
    (media_dir / "Zx8_unguessable-name-123.png").write_bytes(PNG)
    (media_dir.parent / "secret.png").write_bytes(PNG)
    response = await gateway.get("/media/Zx8_unguessable-name-123.png")
    assert response.status == 200 and response.content_type == "image/png"
    assert await response.read() == PNG
    for name in ["unknown-but-well-formed-name.png", "..%2Fsecret.png", "short.png", "Zx8_unguessable-name-123.txt"]:
        assert (await gateway.get(f"/media/{name}")).status == 404


async def test_a_due_step_is_offered_at_the_clients_next_message_once(gateway, fake_rasa, db):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    add_due_step(db, fake_rasa.received[0]["sender"])
    response = await gateway.post("/api/messages", json={"text": "hello again"}, headers=headers)
    replies = (await response.json())["replies"]
    assert replies[0]["text"] == "You said: hello again"
    assert "\"Call Anna\"" in replies[-1]["text"]
    assert replies[-1]["buttons"][0] == {"title": "Check in now", "payload": "/review_progress"}
    response = await gateway.post("/api/messages", json={"text": "and again"}, headers=headers)
    assert not any("Call Anna" in (reply["text"] or "") for reply in (await response.json())["replies"])


async def test_a_connected_client_gets_the_check_in_without_writing(gateway, fake_rasa, db):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    async with gateway.ws_connect("/api/ws") as socket:
        await socket.send_json({"type": "hello", "client_token": headers["Authorization"].split()[1]})
        assert (await socket.receive_json())["type"] == "ready"
        add_due_step(db, fake_rasa.received[0]["sender"], "Look up two courses")
        event = await socket.receive_json(timeout=10)
    assert event["type"] == "message" and "\"Look up two courses\"" in event["message"]["text"]
    assert "Look up two courses" in (await history(gateway, headers))[-1]["text"]


async def test_a_check_in_due_while_the_client_was_away_greets_them_when_they_open_the_chat(gateway, fake_rasa, db):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    add_due_step(db, fake_rasa.received[0]["sender"], "Visit the open day")
    async with gateway.ws_connect("/api/ws") as socket:
        await socket.send_json({"type": "hello", "client_token": headers["Authorization"].split()[1]})
        assert (await socket.receive_json())["type"] == "ready"
        event = await socket.receive_json(timeout=5)
    assert event["type"] == "message" and "\"Visit the open day\"" in event["message"]["text"]
    async with gateway.ws_connect("/api/ws") as socket:  # offered once: not again at the next visit
        await socket.send_json({"type": "hello", "client_token": headers["Authorization"].split()[1]})
        assert (await socket.receive_json())["type"] == "ready"
        await socket.send_json({"type": "message", "text": "hi"})
        assert (await socket.receive_json(timeout=5))["type"] == "accepted"
        assert (await socket.receive_json(timeout=5))["message"]["text"] == "You said: hi"


async def test_no_check_in_offer_right_after_a_crisis_answer(gateway, fake_rasa, db):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    client_id = fake_rasa.received[0]["sender"]
    add_due_step(db, client_id)

    def distress_during_the_turn(body):  # what action_respond_to_distress does inside the turn
        with db() as session:
            session.add(SafetyFlag(client_id=client_id))

    fake_rasa.during_turn = distress_during_the_turn
    response = await gateway.post("/api/messages", json={"text": "I can't go on"}, headers=headers)
    assert not any("Call Anna" in (reply["text"] or "") for reply in (await response.json())["replies"])


async def ws_ready(gateway, headers):
    socket = await gateway.ws_connect("/api/ws")
    await socket.send_json({"type": "hello", "client_token": headers["Authorization"].split()[1]})
    assert (await socket.receive_json())["type"] == "ready"
    return socket


@pytest.mark.parametrize("quiet_because", ["no consent", "distress an hour ago"])
async def test_no_check_in_is_pushed_to_an_open_chat_while_quiet_rules_apply(gateway, fake_rasa, db, quiet_because):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    client_id = fake_rasa.received[0]["sender"]
    add_due_step(db, client_id, "Look up two courses", consent=quiet_because != "no consent")
    if quiet_because == "distress an hour ago":
        with db() as session:
            session.add(SafetyFlag(client_id=client_id, raised_at=utcnow() - timedelta(hours=1)))
    socket = await ws_ready(gateway, headers)  # no offer on arrival either
    try:
        with pytest.raises(asyncio.TimeoutError):
            await socket.receive_json(timeout=1.5)  # three rounds of the check-in loop
    finally:
        await socket.close()
    assert not any("Look up two courses" in (m["text"] or "") for m in await history(gateway, headers))

    if quiet_because == "distress an hour ago":  # a day later the offer comes after all
        with db() as session:
            session.query(SafetyFlag).one().raised_at = utcnow() - timedelta(hours=25)
        socket = await ws_ready(gateway, headers)
        try:
            event = await socket.receive_json(timeout=5)
        finally:
            await socket.close()
        assert event["type"] == "message" and "\"Look up two courses\"" in event["message"]["text"]
