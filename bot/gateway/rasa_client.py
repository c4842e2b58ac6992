"""Talking to Rasa's gateway channel over loopback with the shared token."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

logger = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa did not answer (starting, restarting or down); the message stays pending."""


def normalise_replies(raws: list[Any]) -> list[dict[str, Any]]:
    """The replies of a turn; the dialogue's note on a message (`custom`, which Rasa sends as a message
    of its own right after it) is kept with the message it belongs to."""
    replies: list[dict[str, Any]] = []
    for raw in raws:
        if not isinstance(raw, dict):
            continue
        custom = raw.get("custom") if isinstance(raw.get("custom"), dict) else None
        if custom is not None and not any(raw.get(key) for key in ("text", "buttons", "image", "attachment")):
            if replies:
                replies[-1]["custom"] = {**replies[-1].get("custom", {}), **custom}
            continue
        reply = normalise_reply(raw)
        if custom is not None:
            reply["custom"] = custom
        replies.append(reply)
    return replies


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
    """Rasa's gateway channel on one or more Rasa processes, and the action server a turn depends on.

    Each turn goes to the process with the fewest turns in flight (in turn when they are even); a
    process that cannot be reached gives way to the next, so one process restarting holds up nobody.
    Any process can take any client's turn: they share the tracker store, and Redis's lock store
    keeps two of them from taking turns of one client at once.
    """

    def __init__(
        self,
        base_urls: str | list[str],
        token: str,
        action_server_url: str | None = None,
        # Long: a busy Rasa is waited for. A turn given up on is sent again later, and although Rasa
        # then gives the replies it stored (see bot/rasa_channel.py), one still running would run twice.
        timeout_seconds: float = 600.0,
    ) -> None:
        urls = [base_urls] if isinstance(base_urls, str) else list(base_urls)
        self._base_urls = [url.rstrip("/") for url in urls]
        self._in_flight = {url: 0 for url in self._base_urls}
        self._next = 0
        self._action_server_health = f"{action_server_url.rstrip('/')}/health" if action_server_url else None
        self._headers = {"Authorization": f"Bearer {token}"}
        # A process that is gone (a deleted pod) must not hold a turn for minutes before the next is tried.
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds, sock_connect=5)
        self._session: aiohttp.ClientSession | None = None

    @property
    def webhook_url(self) -> str:
        return self._webhook(self._base_urls[0])

    @staticmethod
    def _webhook(base_url: str) -> str:
        return f"{base_url}/webhooks/gateway/webhook"

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self._headers, timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    def _in_order_of_preference(self) -> list[str]:
        self._next = (self._next + 1) % len(self._base_urls)
        rotated = self._base_urls[self._next:] + self._base_urls[: self._next]
        return sorted(rotated, key=lambda url: self._in_flight[url])  # stable: ties keep the rotation

    async def send(
        self,
        sender_id: str,
        message: str,
        channel: str,
        message_id: int | None = None,
        maybe_seen: bool = False,
        metadata: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """The replies to one message. `maybe_seen`: it may have reached Rasa before, whose replies were lost."""
        # Rasa answers 200 even when a custom action could not run; a turn taken while the
        # action server restarts would be marked answered with its replies missing.
        if not await self.action_server_ready():
            raise RasaUnavailable("action server not ready")
        body: dict[str, Any] = {"sender": sender_id, "message": message, "metadata": {**(metadata or {}), "channel": channel}}
        if message_id is not None:
            body.update(message_id=f"waypoint-{message_id}", maybe_seen=maybe_seen)
        failure = "no Rasa process"
        for attempt, base_url in enumerate(self._in_order_of_preference()):
            if attempt and message_id is not None:
                body["maybe_seen"] = True  # the process before may have taken it before it failed
            self._in_flight[base_url] += 1
            try:
                async with self._http().post(self._webhook(base_url), json=body) as response:
                    if response.status == 200:
                        data = await response.json(content_type=None)
                        return normalise_replies(data or [])
                    # 401 means the tokens disagree: an operator error worth a loud log line.
                    logger.error("Rasa answered HTTP %s to a message for client %s", response.status, sender_id)
                    failure = f"HTTP {response.status}"
                    if response.status < 500:
                        break  # every process shares the token: another would refuse it too
            except aiohttp.ClientConnectionError as error:
                failure = str(error) or type(error).__name__  # this process is away: the next one may take it
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                # It may have taken the turn all the same: not sent to another process, retried later.
                raise RasaUnavailable(str(error) or type(error).__name__) from error
            finally:
                self._in_flight[base_url] -= 1
        raise RasaUnavailable(failure)

    async def is_ready(self) -> bool:
        """True when at least one Rasa process answers."""
        answers = await asyncio.gather(*(self._answers(f"{url}/webhooks/gateway/") for url in self._base_urls))
        return any(answers)

    async def action_server_ready(self) -> bool:
        # A busy action server answers slowly but answers: only one that does not answer in 10 s is away.
        return self._action_server_health is None or await self._answers(self._action_server_health, timeout=10)

    async def _answers(self, url: str, timeout: float = 3) -> bool:
        try:
            async with self._http().get(url, timeout=aiohttp.ClientTimeout(total=timeout)) as response:
                return response.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return False
