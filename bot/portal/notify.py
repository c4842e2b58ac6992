"""E-mail to the practitioner when a client approves a handoff; the dashboard shows it regardless.

The e-mail holds only a link: nothing the client wrote, not even the practitioner's label for
them, leaves the server by e-mail. Each handoff is mailed once (`notified_at`); without SMTP it
is marked at once. A failed send is retried with a growing pause and logged without client text.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.portal.practitioners import active_administrators
from bot.settings import Settings, SmtpSettings
from bot.storage.engine import transaction
from bot.storage.models import HANDOFF_APPROVED, Handoff, Practitioner, utcnow

logger = logging.getLogger(__name__)
POLL_SECONDS = 1.5
FIRST_RETRY_SECONDS = 5.0
MAX_RETRY_SECONDS = 300.0
SMTP_TIMEOUT_SECONDS = 20
SUBJECT = "Waypoint: a new handoff is waiting for you"


@dataclass(frozen=True)
class Notice:
    handoff_id: int
    recipients: list[str]


def waiting_notices(sessions: sessionmaker) -> list[Notice]:
    """Approved handoffs not yet notified, each with who should hear of it (admins when no practitioner)."""
    with transaction(sessions) as db:
        handoffs = list(
            db.execute(
                select(Handoff).where(Handoff.status == HANDOFF_APPROVED, Handoff.notified_at.is_(None)).order_by(Handoff.id)
            ).scalars()
        )
        notices = []
        for handoff in handoffs:
            practitioner = db.get(Practitioner, handoff.practitioner_id) if handoff.practitioner_id else None
            if practitioner is not None and practitioner.active:
                recipients = [practitioner.email]
            else:
                recipients = [admin.email for admin in active_administrators(db)]
            notices.append(Notice(handoff.id, recipients))
        return notices


def mark_notified(sessions: sessionmaker, handoff_id: int) -> None:
    with transaction(sessions) as db:
        handoff = db.get(Handoff, handoff_id)
        if handoff is not None and handoff.notified_at is None:
            handoff.notified_at = utcnow()


def notice_email(smtp: SmtpSettings, public_url: str, notice: Notice) -> EmailMessage:
    link = f"{public_url}/portal/handoffs/{notice.handoff_id}"
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = ", ".join(notice.recipients)
    message["Subject"] = SUBJECT
    message.set_content(
        "Hello,\n\n"
        "A client has approved a handoff summary for you. You can read it in the practitioner portal:\n\n"
        f"{link}\n\n"
        "For the client's privacy this e-mail contains nothing they wrote.\n\n"
        "Waypoint\n"
    )
    return message


def send_email(smtp: SmtpSettings, message: EmailMessage) -> None:
    """Blocking: run it in a thread. SMTP_SECURITY is starttls, ssl or none."""
    context = ssl.create_default_context()
    if smtp.security == "ssl":
        connection: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
    else:
        connection = smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT_SECONDS)
    with connection:
        if smtp.security == "starttls":
            connection.starttls(context=context)
        if smtp.username:
            connection.login(smtp.username, smtp.password)
        connection.send_message(message)


def notify_waiting(settings: Settings, sessions: sessionmaker) -> int:
    """Send what is waiting; returns how many handoffs were dealt with. Raises when sending fails."""
    notices = waiting_notices(sessions)
    for notice in notices:
        if settings.smtp.configured and notice.recipients:
            send_email(settings.smtp, notice_email(settings.smtp, settings.public_url, notice))
        mark_notified(sessions, notice.handoff_id)
    return len(notices)


async def run_handoff_notifications(settings: Settings, sessions: sessionmaker, poll_seconds: float = POLL_SECONDS) -> None:
    """The gateway's background task: every poll, notify of newly approved handoffs."""
    pause = poll_seconds
    while True:
        await asyncio.sleep(pause)
        try:
            await asyncio.to_thread(notify_waiting, settings, sessions)
            pause = poll_seconds
        except (OSError, smtplib.SMTPException) as error:
            pause = min(max(pause * 2, FIRST_RETRY_SECONDS), MAX_RETRY_SECONDS)
            # The error's class only: a server's reply may echo the message, which names the recipient.
            logger.warning("handoff e-mail could not be sent (%s); trying again in %.0f s", type(error).__name__, pause)
        except Exception:
            pause = min(max(pause * 2, FIRST_RETRY_SECONDS), MAX_RETRY_SECONDS)
            logger.warning("handoff notifications failed; trying again in %.0f s", pause, exc_info=True)
