"""The relay between the message log and Rasa.

Every inbound message is stored as `pending` before anything else happens. A client's
pending messages are forwarded to Rasa one at a time, in order; the replies are stored
and the message marked `answered` in one transaction, then pushed to whoever listens.
When Rasa is not reachable the messages simply stay pending, and a background loop
delivers them once it is back: a restart of any process loses nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.gateway.rasa_client import RasaClient, RasaUnavailable
from bot.storage import message_log
from bot.storage.engine import transaction
from bot.storage.models import Message
from bot.storage.progress import CONSENT_DECLINED, latest_consent
from bot.storage.tracker_events import delete_tracker_events

logger = logging.getLogger(__name__)

Listener = Callable[[dict[str, Any]], Awaitable[None]]


def message_view(message: Message) -> dict[str, Any]:
    """A stored message as the API shows it."""
    content = message.content or {}
    return {
        "id": message.id,
        "direction": message.direction,
        "text": message.text,
        "buttons": content.get("buttons", []),
        "image": content.get("image"),
        "status": message.status,
        "created_at": message.created_at.isoformat() + "Z",
    }


@dataclass
class Turn:
    inbound: dict[str, Any]
    replies: list[dict[str, Any]]


class TurnRelay:
    def __init__(
        self,
        session_factory: sessionmaker,
        rasa: RasaClient,
        tracker_engine: Engine,
        retry_interval: float = 2.0,
    ) -> None:
        self._sessions = session_factory
        self._rasa = rasa
        self._tracker_engine = tracker_engine
        self._retry_interval = retry_interval
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._listeners: defaultdict[str, set[Listener]] = defaultdict(set)
        self._waiting: dict[int, asyncio.Future[Turn]] = {}
        self._wake = asyncio.Event()
        self._deliveries: set[asyncio.Task] = set()  # held so that running deliveries are not garbage-collected

    # -- listeners (WebSocket connections) ------------------------------------------

    def listen(self, client_id: str, listener: Listener) -> None:
        self._listeners[client_id].add(listener)

    def stop_listening(self, client_id: str, listener: Listener) -> None:
        self._listeners[client_id].discard(listener)
        if not self._listeners[client_id]:
            del self._listeners[client_id]

    async def _publish(self, client_id: str, event: dict[str, Any]) -> None:
        for listener in list(self._listeners.get(client_id, ())):
            try:
                await listener(event)
            except Exception:  # a closed socket must not stop delivery to the others
                logger.debug("dropping a listener of client %s", client_id, exc_info=True)
                self.stop_listening(client_id, listener)

    # -- accepting messages -----------------------------------------------------------

    async def accept(self, client_id: str, channel: str, text: str | None, payload: str | None) -> dict[str, Any]:
        """Store an inbound message as pending and start delivering it; returns its view."""

        def store() -> dict[str, Any]:
            with transaction(self._sessions) as session:
                return message_view(message_log.record_inbound(session, client_id, channel, text, payload))

        view = await asyncio.to_thread(store)
        logger.debug("client %s: message %s stored as pending", client_id, view["id"])
        self._waiting[view["id"]] = asyncio.get_running_loop().create_future()
        delivery = asyncio.create_task(self.deliver(client_id))
        self._deliveries.add(delivery)
        delivery.add_done_callback(self._deliveries.discard)
        return view

    async def wait_for_turn(self, message_id: int, timeout: float) -> Turn | None:
        """The stored message and its replies once answered, or None if that takes longer than `timeout`."""
        future = self._waiting.get(message_id)
        if future is None:
            return None
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except asyncio.TimeoutError:
            return None

    # -- delivering -------------------------------------------------------------------

    async def deliver(self, client_id: str) -> None:
        """Forward the client's pending messages to Rasa in order, until none is left or Rasa is away."""
        async with self._locks[client_id]:
            while True:
                pending = await asyncio.to_thread(self._oldest_pending, client_id)
                if pending is None:
                    return
                message_id, text, payload, channel = pending
                try:
                    replies = await self._rasa.send(client_id, payload or text or "", channel)
                except RasaUnavailable as error:
                    logger.info("Rasa unavailable (%s); client %s's message %s waits", error, client_id, message_id)
                    await self._publish(client_id, {"type": "status", "status": "queued"})
                    return
                turn = await asyncio.to_thread(self._store_replies, message_id, replies)
                future = self._waiting.pop(message_id, None)
                if future is not None and not future.done():
                    future.set_result(turn)
                for reply in turn.replies:
                    await self._publish(client_id, {"type": "message", "message": reply})

    def _oldest_pending(self, client_id: str) -> tuple[int, str | None, str | None, str] | None:
        with transaction(self._sessions) as session:
            pending = message_log.pending_inbound(session, client_id)
            if not pending:
                return None
            first = pending[0]
            return first.id, first.text, first.payload, first.channel

    def _store_replies(self, message_id: int, replies: list[dict[str, Any]]) -> Turn:
        with transaction(self._sessions) as session:
            inbound = session.get(Message, message_id)
            client_id = inbound.client_id
            stored = message_log.record_replies(session, inbound, replies)
            turn = Turn(inbound=message_view(inbound), replies=[message_view(m) for m in stored])
            consent = latest_consent(session, client_id)
            declined = consent is not None and consent.decision == CONSENT_DECLINED
            if declined:
                # Someone who said no to storage keeps nothing here but that refusal.
                message_log.forget_answered_messages(session, client_id)
        if declined:
            delete_tracker_events(self._tracker_engine, client_id)
        return turn

    # -- retrying ---------------------------------------------------------------------

    def wake(self) -> None:
        self._wake.set()

    async def run_retries(self) -> None:
        """Deliver whatever is pending (after a restart, or once Rasa is back), for ever."""
        while True:
            try:
                client_ids = await asyncio.to_thread(self._clients_with_pending)
                for client_id in client_ids:
                    if not self._locks[client_id].locked():
                        await self.deliver(client_id)
            except Exception:
                logger.exception("retrying pending messages failed; trying again shortly")
            try:
                await asyncio.wait_for(self._wake.wait(), self._retry_interval)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()

    def _clients_with_pending(self) -> list[str]:
        with transaction(self._sessions) as session:
            return message_log.clients_with_pending(session)
