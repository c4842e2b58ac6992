"""The gateway over real HTTP, with a stand-in Rasa on loopback."""

from __future__ import annotations

import asyncio
import pytest
from sqlalchemy import text

from bot.gateway import keys
from bot.storage.progress import CONSENT_DECLINED, record_consent


async def start_session(gateway) -> dict[str, str]:
    response = await gateway.post("/api/sessions")
    assert response.status == 201
    return {"Authorization": f"Bearer {(await response.json())['client_token']}"}


async def history(gateway, headers) -> list[dict]:
    response = await gateway.get("/api/messages", headers=headers)
    assert response.status == 200
    return (await response.json())["messages"]


async def eventually(check, timeout: float = 5.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.05)


async def test_a_new_session_opens_with_the_bots_greeting(gateway, fake_rasa):
    headers = await start_session(gateway)
    messages = await eventually(lambda: history(gateway, headers))
    assert [m["text"] for m in messages] == ["Hello, I'm Waypoint."]
    assert messages[0]["buttons"] == [{"title": "Yes, I agree", "payload": "/affirm"}]
    assert fake_rasa.received[0]["message"] == "/greet"


async def test_a_message_is_stored_forwarded_and_answered(gateway, fake_rasa, engine):
    headers = await start_session(gateway)
    await eventually(lambda: history(gateway, headers))  # the opening greeting has been answered
    response = await gateway.post("/api/messages", json={"text": "I study biology"}, headers=headers)
    assert response.status == 200
    body = await response.json()
    assert body["status"] == "answered"
    assert body["message"]["text"] == "I study biology"
    assert [r["text"] for r in body["replies"]] == ["You said: I study biology", None]
    assert body["replies"][1]["image"] == "https://example.org/matrix.png"
    sender = fake_rasa.received[-1]["sender"]
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT direction, status FROM messages WHERE client_id = :c ORDER BY id"),
            {"c": sender},
        ).all()
    assert rows[-3:] == [("in", "answered"), ("out", "sent"), ("out", "sent")]
    shown = await history(gateway, headers)
    assert shown[-1]["image"] == "https://example.org/matrix.png"  # an image-only reply is part of the history


async def test_a_button_sends_its_payload_and_logs_its_title(gateway, fake_rasa):
    headers = await start_session(gateway)
    response = await gateway.post("/api/messages", json={"text": "Yes, I agree", "payload": "/affirm"}, headers=headers)
    assert (await response.json())["message"]["text"] == "Yes, I agree"
    assert fake_rasa.received[-1]["message"] == "/affirm"


async def test_while_rasa_is_loading_messages_are_queued_then_answered(gateway, fake_rasa):
    headers = await start_session(gateway)
    await eventually(lambda: history(gateway, headers))
    fake_rasa.available = False
    response = await gateway.post("/api/messages", json={"text": "are you there?"}, headers=headers)
    assert response.status == 202
    body = await response.json()
    assert body["status"] == "queued" and "One moment" in body["notice"]
    assert body["message"]["status"] == "pending"

    fake_rasa.available = True
    gateway.app[keys.RELAY].wake()

    async def answered():
        return [m for m in await history(gateway, headers) if m["text"] == "You said: are you there?"]

    assert await eventually(answered)


@pytest.mark.parametrize(
    "body, status, code",
    [
        (b'{"text": ""}', 422, "empty_message"),
        (b'{"text": "   \\n  "}', 422, "empty_message"),
        (b'{"text": "' + b"a" * 10_000 + b'"}', 413, "message_too_long"),
        (b'{"text": "\xff\xfe broken"}', 400, "invalid_encoding"),
        (b'{"text": "unclosed', 400, "invalid_json"),
        (b"{}", 400, "missing_text"),
        (b'{"message": "wrong field"}', 400, "missing_text"),
        (b'{"text": 42}', 400, "invalid_text"),
        (b'["hello"]', 400, "invalid_body"),
        (b'{"text": "hi", "payload": "/affirm{\\"a\\"\\u0000}"}', 400, "invalid_payload"),
        (b"x" * 100_000, 413, "request_too_large"),
    ],
)
async def test_bad_input_gets_a_clear_answer_and_loses_nothing(gateway, body, status, code):
    headers = await start_session(gateway)
    await gateway.post("/api/messages", json={"text": "first message"}, headers=headers)
    before = await history(gateway, headers)

    response = await gateway.post("/api/messages", data=body, headers={**headers, "Content-Type": "application/json"})
    assert response.status == status
    error = await response.json()
    assert error["error"] == code and error["message"]

    assert await history(gateway, headers) == before
    after = await gateway.post("/api/messages", json={"text": "still there?"}, headers=headers)
    assert after.status == 200


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-real-token"}, {"Authorization": "Basic x"}])
async def test_an_unknown_or_missing_client_token_is_refused(gateway, headers):
    response = await gateway.post("/api/messages", json={"text": "hello"}, headers=headers)
    assert response.status == 401
    assert "session" in (await response.json())["message"]


async def test_control_characters_are_removed_before_storing(gateway):
    headers = await start_session(gateway)
    response = await gateway.post("/api/messages", json={"text": "hi\u0000 there\u0007"}, headers=headers)
    assert (await response.json())["message"]["text"] == "hi there"


async def test_history_can_start_after_a_message(gateway):
    headers = await start_session(gateway)
    first = await (await gateway.post("/api/messages", json={"text": "one"}, headers=headers)).json()
    response = await gateway.get(f"/api/messages?after={first['replies'][-1]['id']}", headers=headers)
    assert (await response.json())["messages"] == []
    bad = await gateway.get("/api/messages?after=abc", headers=headers)
    assert bad.status == 400


async def test_after_a_refusal_the_conversation_is_not_kept(gateway, fake_rasa, db, engine):
    headers = await start_session(gateway)
    await eventually(lambda: history(gateway, headers))
    client_id = fake_rasa.received[0]["sender"]
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)"))
        connection.execute(text("INSERT INTO events (sender_id, data) VALUES (:c, 'a unique phrase')"), {"c": client_id})
    with db() as session:
        record_consent(session, client_id, CONSENT_DECLINED, "v1")

    response = await gateway.post("/api/messages", json={"text": "No, thank you", "payload": "/deny"}, headers=headers)
    assert response.status == 200 and (await response.json())["replies"]  # the client still gets the answer

    assert await history(gateway, headers) == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM events")).scalar() == 0
        assert connection.execute(text("SELECT decision FROM consent_records")).scalars().all() == ["declined"]


async def test_websocket_chat(gateway):
    headers = await start_session(gateway)
    await eventually(lambda: history(gateway, headers))  # the opening greeting has been delivered
    token = headers["Authorization"].split()[1]
    async with gateway.ws_connect("/api/ws") as socket:
        await socket.send_json({"type": "message", "text": "too early"})
        assert (await socket.receive_json())["error"] == "missing_token"
        await socket.send_str("not json")
        assert (await socket.receive_json())["error"] == "invalid_json"
        await socket.send_json({"type": "hello", "client_token": token})
        assert (await socket.receive_json())["type"] == "ready"
        await socket.send_json({"type": "message", "text": "hello over the socket"})
        events = [await socket.receive_json(timeout=5) for _ in range(3)]
        assert events[0]["type"] == "accepted"
        assert events[1] == {"type": "message", "message": events[1]["message"]}
        assert events[1]["message"]["text"] == "You said: hello over the socket"
        await socket.send_json({"type": "message", "text": ""})
        assert (await socket.receive_json(timeout=5))["error"] == "empty_message"


async def test_websocket_refuses_an_unknown_token(gateway):
    async with gateway.ws_connect("/api/ws") as socket:
        await socket.send_json({"type": "hello", "client_token": "forged"})
        assert (await socket.receive_json())["error"] == "unknown_client"


async def test_health_reports_each_component(gateway):
    response = await gateway.get("/healthz")
    body = await response.json()
    # The stand-in Rasa answers; no action server runs in this test.
    assert response.status == 503
    assert body["components"] == {
        "gateway": "ok",
        "database": "ok",
        "rasa": "ok",
        "action_server": "unavailable",
    }


async def test_pages_carry_security_headers_and_the_chat_page_loads(gateway):
    response = await gateway.get("/")
    assert response.status == 200
    page = await response.text()
    assert "/static/chat.js" in page
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
