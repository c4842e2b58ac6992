"""The gateway over real HTTP, with a stand-in Rasa on loopback."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, text

from bot.gateway import keys
from bot.gateway.app import create_app
from bot.gateway.rasa_client import RasaClient
from bot.gateway.rate_limit import MessageRateLimit
from bot.storage.models import Client
from bot.storage.progress import CONSENT_DECLINED, record_consent
from tests.gateway_support import TOKEN, open_chat
from tests.portal_support import make_portal  # noqa: F401  (fixture)

# Storage behaviour: on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


async def start_session(gateway) -> dict[str, str]:
    response = await gateway.post("/api/sessions")
    assert response.status == 201
    return {"Authorization": f"Bearer {(await response.json())['client_token']}"}


def token_of(headers: dict[str, str]) -> str:
    return headers["Authorization"].split()[1]


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


async def test_a_new_session_opens_with_the_bots_greeting_once_the_chat_connects(gateway, fake_rasa):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    messages = await history(gateway, headers)
    assert [m["text"] for m in messages] == ["Hello, I'm Waypoint."]
    assert messages[0]["buttons"][0] == {"title": "Yes, I agree", "payload": "/affirm"}
    assert fake_rasa.received[0]["message"] == "/greet"


async def test_a_message_is_stored_forwarded_and_answered(gateway, fake_rasa, engine):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
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
    await open_chat(gateway, token_of(headers))  # the button comes with the greeting
    response = await gateway.post("/api/messages", json={"text": "Yes, I agree", "payload": "/affirm"}, headers=headers)
    assert (await response.json())["message"]["text"] == "Yes, I agree"
    assert fake_rasa.received[-1]["message"] == "/affirm"


async def test_while_rasa_is_loading_messages_are_queued_then_answered(gateway, fake_rasa):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    fake_rasa.available = False
    response = await gateway.post("/api/messages", json={"text": "are you there?"}, headers=headers)
    assert response.status == 202
    body = await response.json()
    assert body["status"] == "queued" and "One moment" in body["notice"]
    assert body["message"]["status"] == "pending"

    fake_rasa.available = True  # the relay's retry loop notices within seconds

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
        (b'{"text": "\\ud800 lone surrogate"}', 400, "invalid_encoding"),
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
    for after in ("abc", "-1", str(10**20)):
        bad = await gateway.get(f"/api/messages?after={after}", headers=headers)
        assert bad.status == 400 and (await bad.json())["error"] == "invalid_after"


def create_events_table(engine, *rows: tuple[str, str]) -> None:
    """A table shaped like Rasa's tracker store's `events` (on SQLite or PostgreSQL)."""
    events = Table(
        "events", MetaData(), Column("id", Integer, primary_key=True), Column("sender_id", String(255)), Column("data", Text)
    )
    events.create(engine, checkfirst=True)
    with engine.begin() as connection:
        for sender, data in rows:
            connection.execute(text("INSERT INTO events (sender_id, data) VALUES (:s, :d)"), {"s": sender, "d": data})


async def test_after_a_refusal_the_conversation_is_not_kept(gateway, fake_rasa, db, engine):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    client_id = fake_rasa.received[0]["sender"]
    create_events_table(engine, (client_id, "a unique phrase"), ("someone-else", "kept"))

    def refuse_during_the_turn(body):
        if body["message"] == "/deny":  # what action_record_consent does inside the turn
            with db() as session:
                record_consent(session, client_id, CONSENT_DECLINED, "v1")

    fake_rasa.during_turn = refuse_during_the_turn
    response = await gateway.post("/api/messages", json={"text": "No, thank you", "payload": "/deny"}, headers=headers)
    assert response.status == 200 and (await response.json())["replies"]  # the client still gets the answer

    assert await history(gateway, headers) == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT sender_id FROM events")).scalars().all() == ["someone-else"]
        assert connection.execute(text("SELECT decision FROM consent_records")).scalars().all() == ["declined"]


async def test_later_turns_after_a_refusal_keep_rasas_state_until_the_client_goes_quiet(gateway, fake_rasa, db, engine):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    client_id = fake_rasa.received[0]["sender"]
    with db() as session:
        record_consent(session, client_id, CONSENT_DECLINED, "v1")
    create_events_table(engine, (client_id, "are you safe right now?"))

    await gateway.post("/api/messages", json={"text": "I feel awful"}, headers=headers)
    assert await history(gateway, headers) == []  # our log keeps nothing of a client who declined
    relay = gateway.app[keys.RELAY]
    relay.forget_idle_declined_conversations()
    with engine.connect() as connection:  # still talking: the answer to the safety question needs its context
        assert connection.execute(text("SELECT COUNT(*) FROM events")).scalar() == 1

    with db() as session:
        session.get(Client, client_id).last_active_at -= timedelta(hours=1)
    relay.forget_idle_declined_conversations()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM events")).scalar() == 0


async def test_while_the_action_server_restarts_messages_wait_and_are_answered_after(gateway, fake_rasa):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    fake_rasa.actions_available = False
    response = await gateway.post("/api/messages", json={"text": "hello?"}, headers=headers)
    assert response.status == 202
    assert fake_rasa.received[-1]["message"] != "hello?"  # not forwarded to a Rasa that cannot run actions
    fake_rasa.actions_available = True

    async def answered():
        return [m for m in await history(gateway, headers) if m["text"] == "You said: hello?"]

    assert await eventually(answered)


async def test_websocket_chat(gateway):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
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

        # Saying hello twice does not deliver every reply twice.
        await socket.send_json({"type": "hello", "client_token": token})
        assert (await socket.receive_json())["type"] == "ready"
        await socket.send_json({"type": "message", "text": "once"})
        events = [await socket.receive_json(timeout=5) for _ in range(3)]
        assert [e["type"] for e in events] == ["accepted", "message", "message"]
        with pytest.raises(asyncio.TimeoutError):
            await socket.receive_json(timeout=0.5)


async def test_websocket_refuses_an_unknown_token(gateway):
    async with gateway.ws_connect("/api/ws") as socket:
        await socket.send_json({"type": "hello", "client_token": "forged"})
        assert (await socket.receive_json())["error"] == "unknown_client"


async def test_health_reports_each_component(gateway, fake_rasa):
    response = await gateway.get("/healthz")
    assert response.status == 200
    assert (await response.json())["status"] == "ok"

    fake_rasa.actions_available = False
    response = await gateway.get("/healthz")
    body = await response.json()
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


def policy_of(response) -> dict[str, list[str]]:
    directives = [part.split() for part in response.headers["Content-Security-Policy"].split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


@pytest.mark.parametrize("path", ["/", "/widget", "/widget/demo", "/api/openapi.json", "/portal/login", "/no-such-page"])
async def test_no_page_takes_a_base_address_or_sends_a_form_elsewhere(gateway, path):
    response = await gateway.get(path)
    policy = policy_of(response)
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'self'"], path
    # Over plain http a browser ignores it anyway, and a local set-up must not be pinned to https.
    assert "Strict-Transport-Security" not in response.headers


async def test_behind_https_browsers_are_told_to_keep_to_https(make_portal):
    client = await make_portal(public_url_setting="https://guidance.example.org")
    for path in ("/", "/portal/login", "/api/openapi.json", "/no-such-page"):
        response = await client.get(path)
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000", path


async def test_a_client_writing_too_fast_is_asked_kindly_to_wait_and_loses_nothing(gateway, settings):
    gateway.app[keys.RELAY]._rate_limit = MessageRateLimit(per_minute=3)
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    statuses = [(await gateway.post("/api/messages", json={"text": f"message {n}"}, headers=headers)).status for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = await gateway.post("/api/messages", json={"text": "one more"}, headers=headers)
    body = await refused.json()
    assert body["error"] == "too_many_messages" and "wait a few seconds" in body["message"]
    sent = [m["text"] for m in await history(gateway, headers) if m["direction"] == "in"]
    assert sent == ["message 0", "message 1", "message 2"]


async def test_only_configured_origins_may_call_the_api_from_another_site(aiohttp_client, settings, engine, fake_rasa, aiohttp_server):
    rasa_server = await aiohttp_server(fake_rasa.app())
    url = str(rasa_server.make_url(""))
    settings = dataclasses.replace(
        settings, rasa_token=TOKEN, allowed_origins=frozenset({"https://guidance.example.org"})
    )
    client = await aiohttp_client(create_app(settings, rasa=RasaClient(url, TOKEN, action_server_url=url)))
    allowed = await client.options("/api/sessions", headers={"Origin": "https://guidance.example.org"})
    assert allowed.status == 204 and allowed.headers["Access-Control-Allow-Origin"] == "https://guidance.example.org"
    refused = await client.options("/api/sessions", headers={"Origin": "https://elsewhere.example.com"})
    assert refused.status == 403 and "Access-Control-Allow-Origin" not in refused.headers
    created = await client.post("/api/sessions", headers={"Origin": "https://elsewhere.example.com"})
    assert "Access-Control-Allow-Origin" not in created.headers


def test_a_message_the_database_could_not_take_does_not_count_towards_the_rate_limit():
    from bot.gateway.inbound import Rejection
    from bot.gateway.rate_limit import MessageRateLimit

    limit = MessageRateLimit(per_minute=2)
    for _ in range(5):  # five tries of one message while the database is away
        limit.check("client-1")
        limit.give_back("client-1")
    limit.check("client-1")
    limit.check("client-1")
    with pytest.raises(Rejection):
        limit.check("client-1")


async def test_ending_the_chat_on_one_device_stops_its_token_and_keeps_the_conversation(gateway, fake_rasa, engine):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    await gateway.post("/api/messages", json={"text": "my first answer"}, headers=headers)
    # The same conversation in a second browser (with a one-time link code, as from Telegram's /link).
    code = (await (await gateway.post("/api/link-codes", headers=headers)).json())["code"]
    other_token = (await (await gateway.post("/api/link-codes/redeem", json={"code": code})).json())["client_token"]

    async with gateway.ws_connect("/api/ws") as window:  # a window left open on the shared computer
        await window.send_json({"type": "hello", "client_token": token_of(headers)})
        assert (await window.receive_json(timeout=5))["type"] == "ready"
        ended = await gateway.post("/api/sessions/end", headers=headers)
        assert ended.status == 200 and (await ended.json())["outcome"] == "ended"
        farewell = await window.receive_json(timeout=5)
        assert farewell["type"] == "ended" and "this device" in farewell["message"]
        assert (await window.receive(timeout=5)).type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)

    assert (await gateway.get("/api/messages", headers=headers)).status == 401
    assert (await gateway.post("/api/messages", json={"text": "hello?"}, headers=headers)).status == 401
    kept = await history(gateway, {"Authorization": f"Bearer {other_token}"})
    assert "my first answer" in [m["text"] for m in kept], "the conversation stays for the other device"


async def test_the_chat_apis_answers_are_never_cached(gateway):
    created = await gateway.post("/api/sessions")
    headers = {"Authorization": f"Bearer {(await created.json())['client_token']}"}
    answers = [
        created,
        await gateway.get("/api/messages", headers=headers),
        await gateway.post("/api/messages", json={"text": "hi"}, headers=headers),
        await gateway.get("/api/messages", headers={"Authorization": "Bearer nobody"}),
        await gateway.post("/api/messages", data=b"not json", headers=headers),
    ]
    assert [answer.headers.get("Cache-Control") for answer in answers] == ["no-store"] * len(answers)


def a_long_conversation(db, token: str, count: int) -> list[str]:
    """`count` messages already answered and sent, as after a long journey; returns their texts, oldest first."""
    from bot.storage import identity, message_log
    from bot.storage.models import utcnow

    texts = [f"message {n:03d}" for n in range(count)]
    with db() as session:
        client = identity.find_web_client(session, token)
        client.opened_at = utcnow()  # greeted long ago
        for number, words in enumerate(texts):
            if number % 2:
                message_log.record_outbound(session, client.id, "web", {"text": words})
            else:
                message_log.record_inbound(session, client.id, "web", words, None).status = message_log.ANSWERED
    return texts


async def test_the_history_shows_the_newest_messages_and_pages_back_to_the_oldest(gateway, db):
    headers = await start_session(gateway)
    texts = a_long_conversation(db, token_of(headers), 250)

    newest = await gateway.get("/api/messages", headers=headers)
    page = await newest.json()
    assert [m["text"] for m in page["messages"]] == texts[50:], "the latest 200, oldest first"
    older = await (await gateway.get(f"/api/messages?before={page['next_before']}", headers=headers)).json()
    assert [m["text"] for m in older["messages"]] == texts[:50]
    assert older["next_before"] is None, "nothing older"

    for bad in ("abc", "0", "-3", str(2**63), "1.5"):
        refused = await gateway.get(f"/api/messages?before={bad}", headers=headers)
        assert refused.status == 400 and (await refused.json())["error"] == "invalid_before"
    both = await gateway.get("/api/messages?before=5&after=1", headers=headers)
    assert both.status == 400 and (await both.json())["message"]
