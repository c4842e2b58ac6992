"""A practitioner's message to their client, delivered like a check-in: stored in the client's
conversation first, then shown in their open web chats at once and sent on Telegram through the
outbox (so a Telegram outage or a restart loses nothing). A client with neither an open chat nor
Telegram sees it in the history when they next open the web chat.

The rules on who may write what are in bot/guidance/contact.py and bot/storage/contact.py; the
portal's page is bot/portal/contact_routes.py.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy.orm import sessionmaker

from bot.gateway.relay import TurnRelay, message_view
from bot.storage.contact import contact_problem, delivery_channel, record_practitioner_message
from bot.storage.engine import transaction
from bot.storage.models import Client, Practitioner

logger = logging.getLogger(__name__)


GONE = "gone"  # the client (or the practitioner's account) no longer exists


class CannotWrite(Exception):
    """The practitioner may not write to this client now; `reason` is one of bot/guidance/contact.py's, or GONE."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def send_practitioner_message(
    relay: TurnRelay, sessions: sessionmaker, client_id: str, practitioner_id: int, text: str
) -> dict[str, Any]:
    """Store the message in the client's conversation and deliver it; returns its view.

    Raises CannotWrite when the rules say no (checked in the same transaction that stores it).
    """

    def store() -> dict[str, Any]:
        with transaction(sessions) as session:
            client, author = session.get(Client, client_id), session.get(Practitioner, practitioner_id)
            if client is None or author is None:
                raise CannotWrite(GONE)
            problem = contact_problem(session, client, practitioner_id)
            if problem is not None:
                raise CannotWrite(problem)
            channel = delivery_channel(session, client_id, relay.channels_with_sender())
            message = record_practitioner_message(session, client_id, author, text, channel, relay.outbound_status(channel))
            return message_view(message)

    view = await asyncio.to_thread(store)
    logger.info("practitioner %s wrote to client %s (message %s)", practitioner_id, client_id, view["id"])
    await relay.announce(client_id, view)
    return view
