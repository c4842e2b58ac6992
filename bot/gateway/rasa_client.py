"""Talking to Rasa's gateway channel over loopback with the shared token."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

logger = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa did not answer (starting, restarting or down); the message stays pending."""


def normalise_reply(raw: dict[str, Any]) -> dict[str, Any]:
    """Keep what a channel can show: text, buttons (title and payload), an image URL and a file link."""
    reply: dict[str, Any] = {"text": raw.get("text")}
    buttons = [
        {"title": str(button.get("title", "")), "payload": str(button.get("payload", ""))}
        for button in raw.get("buttons") or []
        if isinstance(button, dict)
    ]
    if buttons:
        reply["buttons"] = buttons
    if raw.get("image"):
        reply["image"] = str(raw["image"])
    if raw.get("attachment"):
        reply["attachment"] = str(raw["attachment"])
    return reply


class RasaClient:
    """Rasa's gateway channel, and the action server's health, which a turn depends on."""

    def __init__(
        self, base_url: str, token: str, action_server_url: str | None = None, timeout_seconds: float = 60.0
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._action_server_health = f"{action_server_url.rstrip('/')}/health" if action_server_url else None
        self._headers = {"Authorization": f"Bearer {token}"}
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None

    @property
    def webhook_url(self) -> str:
        return f"{self._base_url}/webhooks/gateway/webhook"

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self._headers, timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def send(self, sender_id: str, message: str, channel: str) -> list[dict[str, Any]]:
        # Rasa answers 200 even when a custom action could not run; a turn taken while the
        # action server restarts would be marked answered with its replies missing.
        if not await self.action_server_ready():
            raise RasaUnavailable("action server not ready")
        body = {"sender": sender_id, "message": message, "metadata": {"channel": channel}}
        try:
            async with self._http().post(self.webhook_url, json=body) as response:
                if response.status != 200:
                    # 401 means the tokens disagree: an operator error worth a loud log line.
                    logger.error("Rasa answered HTTP %s to a message for client %s", response.status, sender_id)
                    raise RasaUnavailable(f"HTTP {response.status}")
                data = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise RasaUnavailable(str(error) or type(error).__name__) from error
        return [normalise_reply(item) for item in data or [] if isinstance(item, dict)]

    async def is_ready(self) -> bool:
        return await self._answers(f"{self._base_url}/webhooks/gateway/")

    async def action_server_ready(self) -> bool:
        return self._action_server_health is None or await self._answers(self._action_server_health)

    async def _answers(self, url: str) -> bool:
        try:
            async with self._http().get(url, timeout=aiohttp.ClientTimeout(total=3)) as response:
                return response.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return False
