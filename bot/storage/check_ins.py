"""Check-ins: a step of the plan falls due, and the bot offers to look at it together, once.

An offer the bot starts on its own (pushed to Telegram or to an open web chat) keeps quiet rules:
nothing for a client who has not given consent (or withdrew it), who asked for their data to be
deleted, or who expressed distress in the last day. "A step of your plan is due" an hour after a
crisis answer would be tone-deaf; the offer waits until the quiet time is over.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.storage.deletion import deletion_requested
from bot.storage.models import ActionStep, utcnow
from bot.storage.progress import CONSENT_GIVEN, due_steps, latest_consent
from bot.storage.safety import safety_flags_since

QUIET_AFTER_DISTRESS = timedelta(hours=24)

CHECK_IN_BUTTONS = [
    {"title": "Check in now", "payload": "/review_progress"},
    {"title": "Show my plan", "payload": "/show_plan"},
]


def check_in_offer(session: Session, client_id: str) -> dict[str, Any] | None:
    """The offer for due steps not offered before, which are then marked offered; None if there are none."""
    steps = [step for step in due_steps(session, client_id) if step.check_in_offered_at is None]
    if not steps:
        return None
    mark_offered(steps)
    named = "; ".join(f"\"{step.description}\"" for step in steps[:3])
    more = f" and {len(steps) - 3} more" if len(steps) > 3 else ""
    text = (
        f"A step of your plan is due: {named}{more}. Would you like to check in on how it's going? "
        "Only if it suits you now; you can also do it later by saying \"let's review my progress\"."
    )
    return {"text": text, "buttons": CHECK_IN_BUTTONS}


def keep_quiet(session: Session, client_id: str) -> bool:
    """True when the bot should not start a check-in with this client now (see the module's rules)."""
    consent = latest_consent(session, client_id)
    if consent is None or consent.decision != CONSENT_GIVEN:
        return True
    if deletion_requested(session, client_id):
        return True
    return bool(safety_flags_since(session, client_id, utcnow() - QUIET_AFTER_DISTRESS))


def pushed_check_in_offer(session: Session, client_id: str) -> dict[str, Any] | None:
    """The offer the bot may send without being asked (None under the quiet rules, or when nothing is due)."""
    if keep_quiet(session, client_id):
        return None
    return check_in_offer(session, client_id)


def mark_offered(steps: list[ActionStep]) -> None:
    now = utcnow()
    for step in steps:
        step.check_in_offered_at = now

