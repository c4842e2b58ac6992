"""The database away for a while (PostgreSQL restarting): the client hears "one moment", nothing
stored is lost, and what they send is taken and answered once it is back. On a real PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest

from bot.gateway.wording import DATABASE_AWAY_NOTICE
from tests.gateway_support import open_chat
from tests.test_gateway import eventually, history, start_session, token_of


@pytest.fixture
def database_backend() -> str:
    return "postgresql"


@pytest.fixture
def postgres_away(postgres_server):
    """Stops the test run's PostgreSQL when called, and starts it again at the latest when the test ends."""
    stopped = []

    def stop() -> None:
        postgres_server.stop()
        stopped.append(True)

    yield stop
    if stopped and not postgres_server_answers(postgres_server):
        postgres_server.start()


def postgres_server_answers(server) -> bool:
    import subprocess

    return subprocess.run([str(server.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(server.port)], capture_output=True).returncode == 0


async def hello_finished(socket) -> None:
    """Waits until the gateway has done the hello's work that follows "ready" (opening the conversation,
    the check-in offer), which reads the database: stopping it before then fails the hello, not the
    message under test. A socket's frames are handled in order, so the answer to a later frame says so."""
    await socket.send_json({"type": "no such frame"})
    answer = await socket.receive_json(timeout=30)
    assert (answer["type"], answer["error"]) == ("error", "unknown_type"), answer


async def test_while_the_database_is_away_clients_are_told_and_nothing_is_lost(gateway, fake_rasa, postgres_server, postgres_away):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    token = headers["Authorization"].split()[1]
    answered = await gateway.post("/api/messages", json={"text": "before"}, headers=headers)
    assert answered.status == 200

    async with gateway.ws_connect("/api/ws") as socket:
        await socket.send_json({"type": "hello", "client_token": token})
        assert (await socket.receive_json())["type"] == "ready"
        await hello_finished(socket)

        await asyncio.to_thread(postgres_away)
        refused = await gateway.post("/api/messages", json={"text": "during, over HTTP"}, headers=headers)
        assert refused.status == 503 and refused.headers["Retry-After"] == "5"
        assert (await refused.json())["message"] == DATABASE_AWAY_NOTICE
        await socket.send_json({"type": "message", "text": "during, over the socket", "ref": "r-1"})
        frame = await socket.receive_json(timeout=30)
        assert (frame["type"], frame["error"], frame["ref"], frame["retry_after"]) == ("error", "database_unavailable", "r-1", 5)
        health = await gateway.get("/healthz")
        assert health.status == 503 and (await health.json())["components"]["database"] == "unavailable"

        await asyncio.to_thread(postgres_server.start)
        # The web chat sends its waiting message again (chat.js's outbox); so does this client.
        await socket.send_json({"type": "message", "text": "during, over the socket", "ref": "r-1"})
        frame = await socket.receive_json(timeout=30)
        assert (frame["type"], frame["ref"]) == ("accepted", "r-1")
        reply = await socket.receive_json(timeout=30)
        assert reply["message"]["text"] == "You said: during, over the socket"
        # Sent once more (its "accepted" lost with a dropped connection, say): stored once all the same.
        await socket.send_json({"type": "message", "text": "during, over the socket", "ref": "r-1"})
        again = await socket.receive_json(timeout=30)
        while again["type"] == "message":  # the rest of the first turn's replies
            again = await socket.receive_json(timeout=30)
        assert (again["type"], again["ref"], again["message"]["id"]) == ("accepted", "r-1", frame["message"]["id"])

    again = await gateway.post("/api/messages", json={"text": "during, over HTTP"}, headers=headers)
    assert again.status == 200
    texts = [m["text"] for m in await history(gateway, headers)]
    for said in ("before", "during, over the socket", "during, over HTTP"):
        assert texts.count(said) == 1 and f"You said: {said}" in texts
    assert [body["message"] for body in fake_rasa.received[1:]] == ["before", "during, over the socket", "during, over HTTP"]


async def test_what_was_pending_when_the_database_went_away_is_answered_after(gateway, fake_rasa, postgres_server, postgres_away):
    headers = await start_session(gateway)
    await open_chat(gateway, token_of(headers))
    fake_rasa.available = False  # Rasa away too: the message waits as pending
    queued = await gateway.post("/api/messages", json={"text": "kept through it all"}, headers=headers)
    assert queued.status == 202
    await asyncio.to_thread(postgres_away)
    fake_rasa.available = True
    await asyncio.sleep(3)  # the retry loop meets the database away, and carries on
    await asyncio.to_thread(postgres_server.start)

    async def answered():
        return [m for m in await history(gateway, headers) if m["text"] == "You said: kept through it all"]

    assert await eventually(answered, timeout=30)
