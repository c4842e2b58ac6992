"""Over 200 hostile and odd inputs (tests/bad_inputs.py) through the gateway's HTTP API, its
WebSocket and the Telegram path: never a 5xx, never a crash, a kind explanation for what is
refused, and the next normal message is still answered. Text that was stored is shown escaped on
the practitioner's portal."""

from __future__ import annotations

import dataclasses
import logging
from urllib.parse import quote

import aiohttp
import pytest

from bot.storage import message_log
from bot.storage.models import ADMINISTRATOR, Client, Handoff, utcnow
from tests.bad_inputs import IDS, MARKUP, RAW_BODIES, TEXTS, as_json_bodies, count
from tests.fake_telegram import FakeTelegram, telegram_gateway
from tests.portal_support import add_account, logged_in, make_portal, page_token  # noqa: F401  (fixture)

MAX_WAIT = 10


@pytest.fixture
def settings(settings):
    # A script sends far faster than a person; the rate limit itself is tested in test_gateway.py.
    return dataclasses.replace(settings, max_messages_per_minute=100_000)


async def new_client(gateway) -> dict[str, str]:
    body = await (await gateway.post("/api/sessions")).json()
    return {"Authorization": f"Bearer {body['client_token']}"}


def test_the_corpus_has_at_least_200_inputs():
    assert count() >= 200


async def test_every_bad_body_over_http_gets_a_kind_answer_and_the_next_message_is_answered(gateway):
    headers = await new_client(gateway)
    statuses = []
    for body in RAW_BODIES + as_json_bodies(TEXTS):
        response = await gateway.post("/api/messages", data=body, headers={**headers, "Content-Type": "application/json"})
        statuses.append(response.status)
        answer = await response.json()
        assert response.status < 500, answer
        if response.status >= 400:
            assert answer["message"], "every refusal explains itself"
    assert 200 in statuses and 400 in statuses and 413 in statuses and 422 in statuses

    response = await gateway.post("/api/messages", json={"text": "I'd like to become a nurse"}, headers=headers)
    assert response.status == 200
    assert "You said: I'd like to become a nurse" in [reply["text"] for reply in (await response.json())["replies"]]


async def test_every_bad_frame_over_the_websocket_gets_a_kind_answer_and_the_next_message_is_answered(gateway):
    token = (await new_client(gateway))["Authorization"].split()[1]
    closed_for_size = 0

    async def connect():
        socket = await gateway.ws_connect("/api/ws")
        await socket.send_json({"type": "hello", "client_token": token})
        assert (await socket.receive_json(timeout=MAX_WAIT))["type"] == "ready"
        return socket

    socket = await connect()
    frames = [body.decode("utf-8", "replace") for body in RAW_BODIES] + [
        {"type": "message", "text": text} for text in TEXTS
    ]
    errors = []
    for frame in frames:
        if isinstance(frame, dict):
            await socket.send_json(frame)
        else:
            await socket.send_str(frame)
        while True:
            received = await socket.receive(timeout=MAX_WAIT)
            if received.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                # Only a frame over the size limit closes the socket (1009); the chat reconnects.
                assert socket.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
                closed_for_size += 1
                socket = await connect()
                break
            event = received.json()
            if event["type"] == "error":
                assert event["error"] != "internal_error" and event["message"]
                errors.append(event["error"])
                break
            if event["type"] == "accepted":
                break
    assert errors and closed_for_size <= 2

    await socket.send_json({"type": "message", "text": "I'd like to become a nurse"})
    while True:
        event = await socket.receive_json(timeout=MAX_WAIT)
        if event["type"] == "message" and event["message"]["text"] == "You said: I'd like to become a nurse":
            break
    await socket.close()


PORTAL_PATHS_WITH_IDS = [
    ("GET", "/portal/handoffs/{}"),
    ("GET", "/portal/handoffs/{}/print"),
    ("POST", "/portal/handoffs/{}/notes"),
    ("POST", "/portal/handoffs/{}/reviewed"),
    ("POST", "/portal/flags/{}/handled"),
    ("POST", "/portal/accounts/{}/active"),
    ("POST", "/portal/accounts/{}/password"),
    ("GET", "/portal/clients/{}"),
    ("GET", "/portal/clients/{}/print"),
    ("GET", "/portal/clients/{}/contact"),
    ("POST", "/portal/clients/{}/messages"),
    ("POST", "/portal/clients/{}/next-session"),
    ("POST", "/portal/clients/{}/notes"),
    ("POST", "/portal/clients/{}/label"),
    ("POST", "/portal/clients/{}/practitioner"),
    ("GET", "/portal/flags/{}"),
    ("GET", "/portal/notes/{}/edit"),
    ("POST", "/portal/notes/{}"),
    ("POST", "/portal/notes/{}/delete"),
    ("POST", "/portal/invites/{}/revoke"),
]


async def test_an_id_that_cannot_exist_is_a_portal_page_that_does_not_exist(make_portal, db):
    portal = await make_portal()
    add_account(db, "admin@example.org", "Admin", role=ADMINISTRATOR)
    await logged_in(portal, "admin@example.org")
    form = {
        "csrf_token": await page_token(portal), "text": "a note", "active": "no", "password": "another long password",
        "outcome": "called", "label": "A.B.", "practitioner": "none", "confirmed": "yes",
    }  # fmt: skip
    for method, template in PORTAL_PATHS_WITH_IDS:
        for odd in IDS:
            path = template.format(quote(odd, safe=""))
            response = await portal.request(method, path, data=form if method == "POST" else None, allow_redirects=False)
            assert response.status == 404, f"{method} {path}: {response.status}"
            assert "Nothing here" in await response.text() or "not here" in await response.text()


async def test_an_odd_message_id_in_the_history_query_gets_a_kind_answer(gateway):
    headers = await new_client(gateway)
    for odd in IDS:
        response = await gateway.get(f"/api/messages?after={quote(odd, safe='')}", headers=headers)
        answer = await response.json()
        assert response.status in (200, 400), f"after={odd!r}: {response.status}"
        if response.status == 400:
            assert answer["message"]


async def test_stored_markup_is_shown_escaped_on_the_portal(make_portal, db):
    portal = await make_portal()
    add_account(db, "admin@example.org", "Admin", role=ADMINISTRATOR)
    with db() as session:
        client = Client()
        session.add(client)
        session.flush()
        for text in MARKUP:
            message_log.record_inbound(session, client.id, "web", text, None)
        items = [{"key": f"goal:{n}", "section": "goals", "text": text} for n, text in enumerate(MARKUP)]
        handoff = Handoff(
            client_id=client.id, status="approved", items=items, message=MARKUP[0], share_transcript=True, approved_at=utcnow()
        )
        session.add(handoff)
        session.flush()
        handoff_id = handoff.id
    await logged_in(portal, "admin@example.org")
    page = await (await portal.get(f"/portal/handoffs/{handoff_id}")).text()
    for text in MARKUP:
        if "<" in text:
            assert text not in page, f"shown unescaped: {text}"
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in page


async def test_every_bad_text_through_telegram_is_survived_and_the_next_message_is_answered(
    aiohttp_server, aiohttp_client, fake_rasa, settings, engine, caplog
):
    fake_telegram = FakeTelegram()
    await telegram_gateway(aiohttp_client, aiohttp_server, fake_rasa, fake_telegram, settings)
    user = 777
    with caplog.at_level(logging.ERROR):
        for text in TEXTS:
            await fake_telegram.send_text(user, text)
        await fake_telegram.send_text(user, "I'd like to become a nurse")
        assert await fake_telegram.wait_for_text(user, "You said: I'd like to become a nurse", timeout=60)
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
    too_long = [text for text in fake_telegram.texts_to(user) if "longer than I can take" in text]
    assert too_long, "a message over the limit is refused kindly on Telegram too"
