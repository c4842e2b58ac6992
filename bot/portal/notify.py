"""E-mail to the practitioner when a client approves a handoff; the dashboard shows it regardless.

The e-mail holds only a link: nothing the client wrote, not even the practitioner's label for
them, leaves the server by e-mail. Each handoff is mailed once (`notified_at`); without SMTP it
is marked at once. Each handoff is sent on its own: a failed send is retried with a growing pause
and logged with the handoff's id only, and after MAX_ATTEMPTS failures that handoff is given up on.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
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
MAX_ATTEMPTS = 5  # failed sends of one handoff's e-mail before giving up on it
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


@dataclass
class NoticeState:
    """What the notifier remembers between polls (in memory: a restart only means one more try)."""

    failures: dict[int, int] = field(default_factory=dict)  # handoff id → failed sends so far
    mailed: set[int] = field(default_factory=set)  # sent (or given up on), but not yet marked in the database


@dataclass(frozen=True)
class NotifyResult:
    done: int  # handoffs mailed (or with nobody to mail) and marked
    failed: int  # handoffs whose e-mail or marking failed this time; tried again later


def _send(settings: Settings, notice: Notice, state: NoticeState, max_attempts: int) -> bool:
    """True when the handoff needs no more sending: mailed, nobody to mail, or given up on."""
    if notice.handoff_id in state.mailed or not settings.smtp.configured or not notice.recipients:
        return True
    try:
        send_email(settings.smtp, notice_email(settings.smtp, settings.public_url, notice))
        return True
    except Exception as error:  # noqa: BLE001 - one handoff's failure must not hold up the others
        attempts = state.failures[notice.handoff_id] = state.failures.get(notice.handoff_id, 0) + 1
        # The error's class only: a server's reply may echo the message, which names the recipient.
        if attempts >= max_attempts:
            logger.warning(
                "handoff e-mail for handoff %d could not be sent in %d attempts (%s); giving up, the dashboard shows it",
                notice.handoff_id, attempts, type(error).__name__,
            )
            return True
        logger.warning("handoff e-mail for handoff %d could not be sent (%s); trying again later", notice.handoff_id, type(error).__name__)
        return False


def notify_waiting(
    settings: Settings, sessions: sessionmaker, state: NoticeState | None = None, max_attempts: int = MAX_ATTEMPTS
) -> NotifyResult:
    """Send what is waiting, each handoff on its own: one that keeps failing does not stop the rest.

    A handoff is marked once mailed; when marking fails, the next poll marks it without mailing again.
    After `max_attempts` failed sends it is marked without an e-mail (the dashboard shows it anyway).
    """
    state = state if state is not None else NoticeState()
    done = failed = 0
    for notice in waiting_notices(sessions):
        if not _send(settings, notice, state, max_attempts):
            failed += 1
            continue
        state.mailed.add(notice.handoff_id)
        try:
            mark_notified(sessions, notice.handoff_id)
        except Exception:  # noqa: BLE001
            logger.warning("handoff %d was mailed but could not be marked; marking it again later", notice.handoff_id, exc_info=True)
            failed += 1
            continue
        state.mailed.discard(notice.handoff_id)
        state.failures.pop(notice.handoff_id, None)
        done += 1
    return NotifyResult(done, failed)


def next_pause(pause: float, poll_seconds: float, failed: bool) -> float:
    """Back to the poll interval after a clean round; otherwise a growing pause, up to MAX_RETRY_SECONDS."""
    return min(max(pause * 2, FIRST_RETRY_SECONDS), MAX_RETRY_SECONDS) if failed else poll_seconds


async def run_handoff_notifications(settings: Settings, sessions: sessionmaker, poll_seconds: float = POLL_SECONDS) -> None:
    """The gateway's background task: every poll, notify of newly approved handoffs."""
    state = NoticeState()
    pause = poll_seconds
    while True:
        await asyncio.sleep(pause)
        try:
            result = await asyncio.to_thread(notify_waiting, settings, sessions, state)
            pause = next_pause(pause, poll_seconds, result.failed > 0)
        except Exception:
            pause = next_pause(pause, poll_seconds, True)
            logger.warning("handoff notifications failed; trying again in %.0f s", pause, exc_info=True)
