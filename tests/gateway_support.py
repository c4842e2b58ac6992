"""A stand-in for Rasa's gateway channel and the action server's health, on loopback.

For gateway tests that need no model. It checks the bearer token like the real channel and
answers with scripted replies; `available` and `actions_available` switch it between answering
and failing like a Rasa that is still loading or an action server that is restarting.
`during_turn` runs inside a turn, as a custom action would; a subclass can answer a turn itself
(`answer`), as the real actions would.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Callable

from aiohttp import web

TOKEN = "test-rasa-token"


@dataclass
class FakeRasa:
    available: bool = True
    actions_available: bool = True
    received: list[dict[str, Any]] = field(default_factory=list)
    during_turn: Callable[[dict[str, Any]], None] | None = None

    def reply_to(self, message: str) -> list[dict[str, Any]]:
        if message == "/greet":
            return [
                {
                    "text": "Hello, I'm Waypoint.",
                    "buttons": [{"title": "Yes, I agree", "payload": "/affirm"}, {"title": "No, thank you", "payload": "/deny"}],
                }
            ]
        return [{"recipient_id": "x", "text": f"You said: {message}"}, {"image": "https://example.org/matrix.png"}]

    async def answer(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """The replies to one turn (the webhook's body: sender, message, metadata)."""
        return self.reply_to(body["message"])

    def app(self) -> web.Application:
        async def webhook(request: web.Request) -> web.Response:
            if request.headers.get("Authorization") != f"Bearer {TOKEN}":
                return web.json_response({"error": "unauthorized"}, status=401)
            if not self.available:
                return web.json_response({"error": "loading"}, status=503)
            body = await request.json()
            self.received.append(body)
            if self.during_turn is not None:
                self.during_turn(body)
            return web.json_response(await self.answer(body))

        async def health(request: web.Request) -> web.Response:
            if request.headers.get("Authorization") != f"Bearer {TOKEN}" or not self.available:
                return web.json_response({}, status=503)
            return web.json_response({"status": "ok"})

        async def action_server_health(request: web.Request) -> web.Response:
            return web.json_response({"status": "ok"}, status=200 if self.actions_available else 503)

        app = web.Application()
        app.router.add_post("/webhooks/gateway/webhook", webhook)
        app.router.add_get("/webhooks/gateway/", health)
        app.router.add_get("/health", action_server_health)
        return app


async def open_chat(client, token: str, expect_greeting: bool = True) -> dict[str, Any] | None:
    """Connect as the web chat does (hello over the WebSocket); returns the bot's greeting when one is due.

    Without a greeting due, a message sent over the socket must come back answered with no greeting before it.
    """
    async with client.ws_connect("/api/ws") as socket:
        await socket.send_json({"type": "hello", "client_token": token})
        assert (await socket.receive_json(timeout=10))["type"] == "ready"
        if not expect_greeting:
            await socket.send_json({"type": "message", "text": "are you there?"})
            assert (await socket.receive_json(timeout=10))["type"] == "accepted"
            event = await socket.receive_json(timeout=10)
            assert event["message"]["text"] == "You said: are you there?", "no second greeting"
            return None
        while True:
            event = await socket.receive_json(timeout=10)
            if event["type"] == "message":
                return event["message"]


async def until(condition: Callable[[], Any], what: str, timeout: float = 10.0) -> None:
    """Wait for the gateway's work in the background; fail loudly if it has not happened in time."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.02)
