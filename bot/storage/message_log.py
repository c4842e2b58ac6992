"""The message log: inbound messages are written before they are forwarded, replies after."""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.storage.models import Client, Message, utcnow

PENDING = "pending"
ANSWERED = "answered"
SENT = "sent"


def record_inbound(session: Session, client_id: str, channel: str, text: str, payload: str | None) -> Message:
    message = Message(
        client_id=client_id, direction="in", channel=channel, text=text, payload=payload, status=PENDING
    )
    session.add(message)
    # Writing is what makes a client active: the idle sweep and retention go by this.
    session.execute(update(Client).where(Client.id == client_id).values(last_active_at=utcnow()))
    session.flush()
    return message


def record_outbound(
    session: Session, client_id: str, channel: str, reply: dict[str, Any], reply_to_id: int | None = None
) -> Message:
    """A message from the bot: a reply to an inbound message, or one the bot starts (reply_to_id None)."""
    content = {key: reply[key] for key in ("buttons", "image", "attachment") if reply.get(key)}
    message = Message(
        client_id=client_id,
        direction="out",
        channel=channel,
        text=reply.get("text"),
        content=content or None,
        status=SENT,
        reply_to_id=reply_to_id,
    )
    session.add(message)
    return message


def record_replies(session: Session, inbound: Message, replies: Iterable[dict[str, Any]]) -> list[Message]:
    """Store the bot's replies to `inbound` and mark it answered, in one transaction."""
    stored = [record_outbound(session, inbound.client_id, inbound.channel, reply, inbound.id) for reply in replies]
    inbound.status = ANSWERED
    session.flush()
    return stored


def pending_inbound(session: Session, client_id: str) -> list[Message]:
    return list(
        session.execute(
            select(Message)
            .where(Message.client_id == client_id, Message.direction == "in", Message.status == PENDING)
            .order_by(Message.id)
        ).scalars()
    )


def clients_with_pending(session: Session) -> list[str]:
    return list(
        session.execute(
            select(Message.client_id).where(Message.direction == "in", Message.status == PENDING).distinct()
        ).scalars()
    )


def history(session: Session, client_id: str, after_id: int = 0, limit: int = 200) -> list[Message]:
    return list(
        session.execute(
            select(Message)
            .where(Message.client_id == client_id, Message.id > after_id)
            .order_by(Message.id)
            .limit(limit)
        ).scalars()
    )


def forget_answered_messages(session: Session, client_id: str) -> None:
    """Remove the client's log except messages still waiting for an answer (used after a refusal)."""
    session.execute(
        delete(Message).where(Message.client_id == client_id, Message.status != PENDING),
        execution_options={"synchronize_session": False},
    )
