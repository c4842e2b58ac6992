"""Rasa input channel for the gateway: a REST webhook behind a bearer token.

Loaded by Rasa from credentials.yml. Only the gateway knows the token, so nothing
else on the machine can talk to the bot as a client. Unlike Rasa's own REST channel,
a failed turn answers 500 (so the gateway keeps the message pending and retries it),
and no client text is written to the log.

Rasa wraps its tracker store in a FailSafeTrackerStore, which on a database error carries on with
an empty conversation in memory: the client's place would be lost and the turn stored nowhere.
This channel makes such an error fail the turn instead (500), so the gateway sends it again once
the database is back, into the conversation where it belongs.

Each message is prepared before the turn (bot/rasa_preparation.py): understood once, risk first (a
possible risk gets the check question instead of a turn), then the reply read in the context of the
question it answers.

A turn is taken once: the gateway gives each message its id, and marks one it may have sent
before (its answer was lost to a timeout, a restart or a dropped connection). Such a message
already in the conversation is not taken again; its replies are sent back from the tracker.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_action_results
from bot.rasa_preparation import TurnPreparation
from bot.rasa_understanding import acknowledged

logger = logging.getLogger(__name__)


class TrackerStoreUnavailable(Exception):
    """The tracker store failed (the database is away): the turn fails and is retried later."""


def _fail_the_turn(error: Exception) -> None:
    # Only the type: the error's text may quote the events, i.e. what the client wrote.
    raise TrackerStoreUnavailable(type(error).__name__) from None


def refuse_fail_safe_fallback(agent: Any) -> None:
    """Make Rasa's fail-safe tracker store raise instead of falling back to an empty memory store."""
    store = getattr(agent, "tracker_store", None)
    if isinstance(store, FailSafeTrackerStore):
        store._on_tracker_store_error = _fail_the_turn


class GatewayInput(InputChannel):
    """POST /webhooks/gateway/webhook {"sender", "message", "metadata"} with `Authorization: Bearer <token>`."""

    @classmethod
    def name(cls) -> Text:
        return "gateway"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "GatewayInput":
        token = (credentials or {}).get("token")
        if not token:
            raise ValueError("credentials.yml must give the gateway channel a token (RASA_TOKEN).")
        return cls(str(token))

    def __init__(self, token: Text) -> None:
        self.token = token
        rasa_action_results.install()  # the action server's answers checked without re-checking the schema
        self._preparation: Optional[TurnPreparation] = None  # the phrase files are read on the first message

    def preparation(self) -> TurnPreparation:
        if self._preparation is None:
            self._preparation = TurnPreparation()
        return self._preparation

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = (request.json or {}).get("metadata")
        return metadata if isinstance(metadata, dict) else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("waypoint_gateway_webhook", __name__)
        expected = f"Bearer {self.token}".encode()

        @blueprint.middleware("request")
        async def require_token(request: Request) -> Optional[HTTPResponse]:
            given = request.headers.get("Authorization", "").encode()
            if not hmac.compare_digest(given, expected):
                return response.json({"error": "unauthorized"}, status=401)
            return None

        @blueprint.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = request.json if isinstance(request.json, dict) else {}
            sender_id, text = body.get("sender"), body.get("message")
            if not isinstance(sender_id, str) or not isinstance(text, str):
                return response.json({"error": "sender and message are required"}, status=400)
            message_id = body.get("message_id") if isinstance(body.get("message_id"), str) else None
            collector = CollectingOutputChannel()
            refuse_fail_safe_fallback(request.app.ctx.agent)
            try:
                if message_id and body.get("maybe_seen") is True:
                    replies = await replies_already_given(request.app.ctx.agent, sender_id, message_id)
                    if replies is not None:
                        logger.info("client %s: message %s was taken before; its replies are sent again", sender_id, message_id)
                        return response.json(replies)
                prepared = await self.preparation().prepare(
                    request.app.ctx.agent,
                    UserMessage(
                        text, collector, sender_id, input_channel=self.name(),
                        metadata=self.get_metadata(request), message_id=message_id,
                    ),
                )
                if prepared.replies is not None:
                    return response.json(prepared.replies)
                await on_new_message(prepared.message)
            except Exception as error:
                # Only the error's type at ERROR: its message or traceback may quote the client's text.
                logger.error("a turn of client %s failed (%s); the gateway will retry it", sender_id, type(error).__name__)
                logger.debug("the failed turn", exc_info=True)
                return response.json({"error": "turn failed"}, status=500)
            return response.json(acknowledged(prepared.acknowledgement, collector.messages, sender_id))

        return blueprint


async def replies_already_given(agent: Any, sender_id: str, message_id: str) -> Optional[list[Dict[str, Any]]]:
    """The bot's replies to `message_id` if the conversation holds it already, else None."""
    tracker = await agent.tracker_store.retrieve(sender_id)
    if tracker is None:
        return None
    replies: Optional[list[Dict[str, Any]]] = None
    for event in tracker.events:
        if isinstance(event, UserUttered):
            if replies is not None:
                break  # the next message: its replies are not this one's
            if event.message_id == message_id:
                replies = []
        elif replies is not None and isinstance(event, BotUttered):
            data = event.data or {}
            replies.append({
                "recipient_id": sender_id,
                "text": event.text,
                **{key: data[key] for key in ("buttons", "image", "attachment", "custom") if data.get(key)},
            })
    return replies
