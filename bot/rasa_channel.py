"""Rasa input channel for the gateway: Rasa's REST channel behind a bearer token.

Loaded by Rasa from credentials.yml. Only the gateway knows the token, so nothing
else on the machine can talk to the bot as a client.
"""

from __future__ import annotations

import hmac
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request


class GatewayInput(RestInput):
    """Rasa's REST channel, reachable at /webhooks/gateway/webhook with `Authorization: Bearer <token>`."""

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

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        expected = f"Bearer {self.token}"

        @blueprint.middleware("request")
        async def require_token(request: Request) -> Optional[response.HTTPResponse]:
            given = request.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), expected.encode()):
                return response.json({"error": "unauthorized"}, status=401)
            return None

        return blueprint
