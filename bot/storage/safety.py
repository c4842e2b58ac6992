"""Safety flags: raised when a client who agreed to storage expresses distress."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import SafetyFlag
from bot.storage.progress import CONSENT_GIVEN, latest_consent


def raise_safety_flag(session: Session, client_id: str) -> SafetyFlag | None:
    """A flag for the practitioner; None for a client who has not agreed to anything being stored."""
    consent = latest_consent(session, client_id)
    if consent is None or consent.decision != CONSENT_GIVEN:
        return None
    flag = SafetyFlag(client_id=client_id)
    session.add(flag)
    session.flush()
    return flag


def safety_flags_since(session: Session, client_id: str, since: datetime) -> list[SafetyFlag]:
    return list(
        session.execute(
            select(SafetyFlag).where(SafetyFlag.client_id == client_id, SafetyFlag.raised_at >= since)
        ).scalars()
    )
