"""A practitioner's contact with their client: messages they write into the client's conversation,
and the date of the next session.

A practitioner's message is a row of the message log like any message of the bot's (direction
"out"), with `author_id` set and the name the client saw it under in its content, so it is in the
client's chat history, transcript, data export and erasure like the rest of the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.guidance.contact import LEAVING, NO_PRACTITIONER, NOT_AGREED
from bot.guidance.dates import full_date
from bot.storage import message_log
from bot.storage.deletion import deletion_requested
from bot.storage.identity import WEB_CHANNEL, channel_address
from bot.storage.models import Client, Message, Practitioner, SessionDate
from bot.storage.progress import CONSENT_GIVEN, latest_consent

AUTHOR = "author"  # the key of the author's name in a practitioner message's content

# The kinds of entry in `contact_timeline`.
MESSAGE_ENTRY = "message"
SESSION_ENTRY = "session"


def contact_problem(session: Session, client: Client, practitioner_id: int) -> str | None:
    """Why this practitioner cannot write to the client or set their session now (bot/guidance/contact.py's
    reasons); None when they can. Only the client's own practitioner can, administrators included."""
    if client.practitioner_id is None or client.practitioner_id != practitioner_id:
        return NO_PRACTITIONER
    if deletion_requested(session, client.id):
        return LEAVING
    consent = latest_consent(session, client.id)
    if consent is None or consent.decision != CONSENT_GIVEN:
        return NOT_AGREED
    return None


def delivery_channel(session: Session, client_id: str, channels_with_sender: list[str]) -> str:
    """Where a message the bot starts goes: a channel that can reach the client on its own (Telegram)
    if they have one, else the web chat, which shows it now if open and otherwise when they next open it."""
    for channel in channels_with_sender:
        if channel_address(session, client_id, channel) is not None:
            return channel
    return WEB_CHANNEL


def record_practitioner_message(
    session: Session, client_id: str, author: Practitioner, text: str, channel: str, status: str
) -> Message:
    message = message_log.record_outbound(session, client_id, channel, {"text": text}, status=status)
    message.content = {AUTHOR: author.display_name}
    message.author_id = author.id
    session.flush()
    return message


def author_of(message: Message) -> str | None:
    """The name of the practitioner who wrote a message, as the client saw it; None for the bot's."""
    if message.author_id is None and not (message.content or {}).get(AUTHOR):
        return None
    return str((message.content or {}).get(AUTHOR) or "Your practitioner")


def practitioner_messages(session: Session, client_id: str) -> list[Message]:
    """The messages practitioners wrote to the client, oldest first."""
    return list(
        session.execute(
            select(Message)
            .where(Message.client_id == client_id, Message.direction == "out", Message.author_id.is_not(None))
            .order_by(Message.id)
        ).scalars()
    )


def set_next_session(session: Session, client_id: str, practitioner_id: int, day: date | None) -> SessionDate:
    """Set (or with None remove) the date of the client's next session; earlier settings stay as history."""
    row = SessionDate(client_id=client_id, session_on=day, set_by=practitioner_id)
    session.add(row)
    session.flush()
    return row


def session_dates(session: Session, client_id: str) -> list[SessionDate]:
    """Every setting of the next session's date, oldest first."""
    return list(
        session.execute(
            select(SessionDate).where(SessionDate.client_id == client_id).order_by(SessionDate.recorded_at, SessionDate.id)
        ).scalars()
    )


def next_session(session: Session, client_id: str) -> date | None:
    """The date as last set (None when never set or removed); whether it is past is the caller's rule."""
    latest = session.execute(
        select(SessionDate)
        .where(SessionDate.client_id == client_id)
        .order_by(SessionDate.recorded_at.desc(), SessionDate.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return None if latest is None else latest.session_on


@dataclass(frozen=True)
class TimelineEntry:
    """One entry of the client's record about the practitioner's contact with them.

    at:     when it happened (naive UTC, as every stored time)
    kind:   MESSAGE_ENTRY ("message"): a practitioner wrote to the client; SESSION_ENTRY ("session"):
            the date of the next session was set, changed or removed
    text:   the message as sent; for a session, what changed: "Next session set for Tuesday 12
            January 2027", "Next session changed to ...", "Next session removed"
    author: the practitioner's display name (the one the client saw, for a message); None when the
            account is gone
    """

    at: datetime
    kind: str
    text: str
    author: str | None


def contact_timeline(session: Session, client_id: str) -> list[TimelineEntry]:
    """Messages practitioners wrote to the client and changes to the next session's date, oldest first.

    For the client's record (its timeline merges these with its other entries by `at`). Nothing the
    client said is in it: a practitioner's own messages and dates only.
    """
    names = dict(session.execute(select(Practitioner.id, Practitioner.display_name)).all())
    entries = [
        TimelineEntry(message.created_at, MESSAGE_ENTRY, message.text or "", author_of(message))
        for message in practitioner_messages(session, client_id)
    ]
    previous: date | None = None
    for row in session_dates(session, client_id):
        if row.session_on is None:
            text = "Next session removed"
        elif previous is None:
            text = f"Next session set for {full_date(row.session_on)}"
        else:
            text = f"Next session changed to {full_date(row.session_on)}"
        entries.append(TimelineEntry(row.recorded_at, SESSION_ENTRY, text, names.get(row.set_by)))
        previous = row.session_on
    return sorted(entries, key=lambda entry: entry.at)
