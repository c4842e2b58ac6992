"""The bot speaks first: the greeting the gateway sends on a client's behalf, once per client."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.storage import message_log
from bot.storage.models import Client, utcnow


def record_opening(session: Session, client_id: str, channel: str, payload: str) -> bool:
    """Store the greeting as a pending message unless the conversation was opened before; True if stored.

    The update is conditional, so of two requests opening the same conversation at once only one stores it.
    An opened conversation (nearly every call) costs one read and no write.
    """
    client = session.get(Client, client_id)
    if client is None or client.opened_at is not None:
        return False
    claimed = session.execute(
        update(Client)
        .where(Client.id == client_id, Client.opened_at.is_(None))
        .values(opened_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return False
    message_log.record_inbound(session, client_id, channel, None, payload)
    return True
