"""Rasa input channel for the gateway: a REST webhook behind a bearer token.

Loaded by Rasa from credentials.yml. Only the gateway knows the token, so nothing
else on the machine can talk to the bot as a client. Unlike Rasa's own REST channel,
a failed turn answers 500 (so the gateway keeps the message pending and retries it),
and no client text is written to the log.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)


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
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender_id, input_channel=self.name(), metadata=self.get_metadata(request))
                )
            except Exception as error:
                # Only the error's type at ERROR: its message or traceback may quote the client's text.
                logger.error("a turn of client %s failed (%s); the gateway will retry it", sender_id, type(error).__name__)
                logger.debug("the failed turn", exc_info=True)
                return response.json({"error": "turn failed"}, status=500)
            return response.json(collector.messages)

        return blueprint
