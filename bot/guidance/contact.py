"""What a practitioner may send a client, and when the bot mentions the next session: plain rules.

- A message is short (MAX_PRACTITIONER_MESSAGE_CHARS), not empty, and goes only to a client who
  agreed to Waypoint storing the conversation: it is stored in it, and a client who said no keeps
  nothing but that refusal.
- The next session's date is today or later when it is set; the bot mentions it when the client
  comes back for as long as it is not past, and never once it is.
"""

from __future__ import annotations

from datetime import date

from bot.guidance.dates import describe_date

MAX_PRACTITIONER_MESSAGE_CHARS = 1000

# Why a practitioner cannot write to a client (or set their session) here; the portal explains each.
NOT_AGREED = "not_agreed"  # the client has not (or not yet) agreed to the conversation being stored
NO_PRACTITIONER = "no_practitioner"  # only the client's own practitioner writes to them
LEAVING = "leaving"  # the client asked for their data to be deleted


def message_problem(text: str, limit: int = MAX_PRACTITIONER_MESSAGE_CHARS) -> str | None:
    """What is wrong with a practitioner's message, kindly put; None when it can go."""
    if not text.strip():
        return "Please write a message first."
    if len(text) > limit:
        return f"Please keep the message to {limit:,} characters; this one has {len(text):,}. The client reads it in a chat."
    return None


def session_date_problem(day: date | None, today: date) -> str | None:
    """What is wrong with a date for the next session; None when it can be set."""
    if day is None:
        return "Please choose the date of the next session."
    if day < today:
        return "That date has passed. Please choose today or a later date for the next session."
    return None


def upcoming_session(day: date | None, today: date) -> date | None:
    """The next session's date while it is today or later; None when none is set or it has passed."""
    return day if day is not None and day >= today else None


def session_to_mention(day: date | None, today: date) -> str | None:
    """The next session in the bot's words ("Tuesday 12 January", "Monday 4 January 2027"), or None
    when there is none to mention: no date set, or the date has passed."""
    upcoming = upcoming_session(day, today)
    return None if upcoming is None else describe_date(upcoming, today)
