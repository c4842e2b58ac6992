"""The practitioner's contact page for one client: write to them, set the next session, see what was sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.guidance.contact import LEAVING, MAX_PRACTITIONER_MESSAGE_CHARS, NO_PRACTITIONER, NOT_AGREED, upcoming_session
from bot.guidance.dates import full_date
from bot.portal.access import client_label, visible_client
from bot.portal.auth import Viewer
from bot.portal.practitioners import display_names
from bot.storage import message_log
from bot.storage.contact import (
    SESSION_ENTRY,
    TimelineEntry,
    author_of,
    contact_problem,
    contact_timeline,
    delivery_channel,
    next_session,
    practitioner_messages,
)
from bot.storage.identity import TELEGRAM_CHANNEL
from bot.storage.people import FORMER_COLLEAGUE

DELIVERY_LABELS = {
    (TELEGRAM_CHANNEL, message_log.SENT): "delivered to their Telegram chat",
    (TELEGRAM_CHANNEL, message_log.UNSENT): "waiting to be sent to their Telegram chat",
    (TELEGRAM_CHANNEL, message_log.FAILED): "could not be delivered on Telegram (they may have blocked the bot or left the chat)",
}
WEB_DELIVERY = "in their web chat (shown at once if it was open, otherwise when they next open it)"
WHERE_IT_GOES = {
    TELEGRAM_CHANNEL: "their Telegram chat with Waypoint",
}
WHERE_IT_GOES_ON_THE_WEB = "their web chat with Waypoint: at once if it is open, otherwise when they next open it"


@dataclass(frozen=True)
class SentMessage:
    text: str
    author: str
    sent_at: datetime
    delivery: str


@dataclass(frozen=True)
class ContactView:
    client_id: str
    label: str
    problem: str | None  # why the viewer cannot write or set a session here; None when they can
    where_it_goes: str
    messages: list[SentMessage]  # newest first
    next_session: date | None  # today or later; None when none is set or the last one has passed
    passed_session: date | None  # the date last set, when it has passed
    session_changes: list[TimelineEntry]  # newest first
    today: date
    max_message_chars: int = MAX_PRACTITIONER_MESSAGE_CHARS

    @property
    def can_write(self) -> bool:
        return self.problem is None

    @property
    def next_session_words(self) -> str | None:
        return full_date(self.next_session) if self.next_session else None

    @property
    def passed_session_words(self) -> str | None:
        return full_date(self.passed_session) if self.passed_session else None


def problem_words(reason: str | None, label: str, practitioner: str | None) -> str | None:
    if reason is None:
        return None
    if reason == NOT_AGREED:
        return (
            f"{label} has not agreed to Waypoint keeping the conversation, so nothing can be sent or noted "
            "here: it would be stored in it. Please contact them another way."
        )
    if reason == LEAVING:
        return f"{label} has asked for their data to be deleted."
    if reason == NO_PRACTITIONER and practitioner:
        return f"Only {label}'s practitioner, {practitioner}, can write to them and set their next session here."
    return f"{label} has no practitioner yet. Once they have one, their practitioner can write to them here."


def contact_view(db: Session, viewer: Viewer, client_id: str, channels_with_sender: list[str], today: date) -> ContactView | None:
    """The page for `viewer`; `today` is the service's (SERVICE_TIME_ZONE), which a session's date is measured against."""
    client = visible_client(db, viewer, client_id)
    if client is None:
        return None
    label = client_label(db, viewer, client.id)
    names = display_names(db)
    channel = delivery_channel(db, client.id, channels_with_sender)
    messages = [
        SentMessage(
            message.text or "",
            author_of(message) or FORMER_COLLEAGUE,
            message.created_at,
            DELIVERY_LABELS.get((message.channel, message.status), WEB_DELIVERY),
        )
        for message in reversed(practitioner_messages(db, client.id))
    ]
    day = next_session(db, client.id)
    return ContactView(
        client_id=client.id,
        label=label,
        problem=problem_words(contact_problem(db, client, viewer.id), label, names.get(client.practitioner_id)),
        where_it_goes=WHERE_IT_GOES.get(channel, WHERE_IT_GOES_ON_THE_WEB),
        messages=messages,
        next_session=upcoming_session(day, today),
        passed_session=day if day is not None and upcoming_session(day, today) is None else None,
        session_changes=[entry for entry in reversed(contact_timeline(db, client.id)) if entry.kind == SESSION_ENTRY],
        today=today,
    )
