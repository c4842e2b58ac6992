"""Check-ins: a step of the plan falls due, and the bot offers to look at it together, once."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.storage.models import ActionStep, utcnow
from bot.storage.progress import due_steps

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


def mark_offered(steps: list[ActionStep]) -> None:
    now = utcnow()
    for step in steps:
        step.check_in_offered_at = now

