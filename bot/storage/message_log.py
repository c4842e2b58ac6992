"""The message log: inbound messages are written before they are forwarded, replies after.

Statuses: an inbound message is `pending` until Rasa has answered it, then `answered`. An outbound
message is `sent` once it has reached the client. For a channel the bot writes to on its own
(Telegram) it is stored `unsent` first, and the relay's outbox marks it `sent` once the channel
confirms delivery, or `failed` when the channel refuses it for good (the bot was blocked, the chat
is gone). The web chat reads its messages from this log, so there a reply is `sent` when stored.
"""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.storage.models import Client, Message, utcnow

PENDING = "pending"
ANSWERED = "answered"
SENT = "sent"
UNSENT = "unsent"  # outbound, waiting in the outbox of a channel with a sender
FAILED = "failed"  # outbound, refused for good by its channel: not sent again


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
    session: Session,
    client_id: str,
    channel: str,
    reply: dict[str, Any],
    reply_to_id: int | None = None,
    status: str = SENT,
) -> Message:
    """A message from the bot: a reply to an inbound message, or one the bot starts (reply_to_id None)."""
    # `custom` is the dialogue's note on what a message asks (a safety question): kept, never shown.
    content = {key: reply[key] for key in ("buttons", "image", "attachment", "custom") if reply.get(key)}
    message = Message(
        client_id=client_id,
        direction="out",
        channel=channel,
        text=reply.get("text"),
        content=content or None,
        status=status,
        reply_to_id=reply_to_id,
    )
    session.add(message)
    return message


def record_replies(
    session: Session, inbound: Message, replies: Iterable[dict[str, Any]], status: str = SENT
) -> list[Message]:
    """Store the bot's replies to `inbound` and mark it answered, in one transaction."""
    stored = [
        record_outbound(session, inbound.client_id, inbound.channel, reply, inbound.id, status) for reply in replies
    ]
    inbound.status = ANSWERED
    session.flush()
    return stored


def replies_before(session: Session, message: Message, limit: int = 10) -> list[Message]:
    """What the bot said between the client's previous message and `message`, oldest first."""
    previous = session.execute(
        select(Message.id)
        .where(Message.client_id == message.client_id, Message.direction == "in", Message.id < message.id)
        .order_by(Message.id.desc())
        .limit(1)
    ).scalar()
    replies = session.execute(
        select(Message)
        .where(
            Message.client_id == message.client_id,
            Message.direction == "out",
            Message.id < message.id,
            Message.id > (previous or 0),
        )
        .order_by(Message.id.desc())
        .limit(limit)
    ).scalars()
    return list(reversed(list(replies)))


def offered_payloads(session: Session, client_id: str, lately: int = 30) -> set[str]:
    """The payloads of the buttons in the bot's last `lately` messages to the client."""
    contents = session.execute(
        select(Message.content)
        .where(Message.client_id == client_id, Message.direction == "out")
        .order_by(Message.id.desc())
        .limit(lately)
    ).scalars()
    return {
        str(button.get("payload"))
        for content in contents
        for button in (content or {}).get("buttons") or []
        if isinstance(button, dict) and button.get("payload")
    }


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


def unsent_outbound(session: Session, client_id: str, channels: Iterable[str], limit: int = 50) -> list[Message]:
    """The client's outbox on `channels`, oldest first."""
    return list(
        session.execute(
            select(Message)
            .where(
                Message.client_id == client_id,
                Message.direction == "out",
                Message.status == UNSENT,
                Message.channel.in_(list(channels)),
            )
            .order_by(Message.id)
            .limit(limit)
        ).scalars()
    )


def clients_with_unsent(session: Session, channels: Iterable[str]) -> list[str]:
    return list(
        session.execute(
            select(Message.client_id)
            .where(Message.direction == "out", Message.status == UNSENT, Message.channel.in_(list(channels)))
            .distinct()
        ).scalars()
    )


def mark_delivery(session: Session, message_id: int, status: str) -> None:
    """An outbox message was sent (SENT) or refused for good (FAILED); a message erased meanwhile is no matter."""
    session.execute(
        update(Message).where(Message.id == message_id, Message.status == UNSENT).values(status=status),
        execution_options={"synchronize_session": False},
    )


HISTORY_PAGE = 200


def latest_history(session: Session, client_id: str, before_id: int | None = None, limit: int = HISTORY_PAGE) -> tuple[list[Message], int | None]:
    """The newest `limit` messages (before `before_id`, if given), oldest first, and the `before_id` of
    the page older than these (None when there is none)."""
    query = select(Message).where(Message.client_id == client_id)
    if before_id is not None:
        query = query.where(Message.id < before_id)
    newest_first = list(session.execute(query.order_by(Message.id.desc()).limit(limit + 1)).scalars())
    page = list(reversed(newest_first[:limit]))
    return page, page[0].id if len(newest_first) > limit else None


def history(session: Session, client_id: str, after_id: int = 0, limit: int = HISTORY_PAGE) -> list[Message]:
    """Messages after `after_id`, oldest first: what came since a message the client has."""
    return list(
        session.execute(
            select(Message)
            .where(Message.client_id == client_id, Message.id > after_id)
            .order_by(Message.id)
            .limit(limit)
        ).scalars()
    )


def forget_answered_messages(session: Session, client_id: str) -> None:
    """Remove the client's log except what is still on its way: messages waiting for an answer, and
    replies waiting to be sent (used after a refusal; the relay removes those once sent)."""
    session.execute(
        delete(Message).where(Message.client_id == client_id, Message.status.not_in([PENDING, UNSENT])),
        execution_options={"synchronize_session": False},
    )
