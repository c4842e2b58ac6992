"""The greeting is produced when a client first connects or writes, not when their session is made:
a session nobody uses costs no Rasa turn."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.gateway import keys
from bot.gateway.wording import OPENING_PAYLOAD
from bot.storage.engine import transaction
from bot.storage.openings import record_opening

# Held so that running deliveries are not garbage-collected.
_deliveries: set[asyncio.Task] = set()


async def open_conversation(app: web.Application, client_id: str, channel: str) -> None:
    """Ask for the bot's greeting if this client has never had one; the relay delivers it before anything later."""

    def store() -> bool:
        with transaction(app[keys.SESSIONS]) as session:
            return record_opening(session, client_id, channel, OPENING_PAYLOAD)

    if await asyncio.to_thread(store):
        delivery = asyncio.create_task(app[keys.RELAY].deliver(client_id))
        _deliveries.add(delivery)
        delivery.add_done_callback(_deliveries.discard)
