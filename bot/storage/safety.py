"""Safety flags: raised when a client who agreed to storage shows a risk, for their practitioner.

A flag is raised for a clear risk (a statement, or a yes to the check question), for an unclear
answer to the check question, for "I'm not safe" and for an unclear answer to "are you safe right
now?"; never for a check question the client answered with "I'm fine". It says what kind of risk
(the category) and how sure (the level), never the client's words.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import SafetyFlag, utcnow
from bot.storage.progress import CONSENT_GIVEN, latest_consent

STATEMENT = "statement"  # a message that showed a clear risk
CONFIRMED_CHECK = "confirmed_check"  # yes to the check question
UNCLEAR_CHECK = "unclear_check"  # an answer to the check question that did not say it was only words
NOT_SAFE = "not_safe"  # "I'm not safe" to "are you safe right now?"
UNSURE_IF_SAFE = "unsure_if_safe"  # not sure, or no answer, to "are you safe right now?"
REASONS = (STATEMENT, CONFIRMED_CHECK, UNCLEAR_CHECK, NOT_SAFE, UNSURE_IF_SAFE)


def raise_safety_flag(
    session: Session, client_id: str, category: str | None = None, level: str | None = None, reason: str | None = None
) -> SafetyFlag | None:
    """A flag for the practitioner; None for a client who has not agreed to anything being stored."""
    consent = latest_consent(session, client_id)
    if consent is None or consent.decision != CONSENT_GIVEN:
        return None
    flag = SafetyFlag(client_id=client_id, category=category, level=level, reason=reason if reason in REASONS else None)
    session.add(flag)
    session.flush()
    return flag


def safety_flags_since(session: Session, client_id: str, since: datetime) -> list[SafetyFlag]:
    return list(
        session.execute(
            select(SafetyFlag).where(SafetyFlag.client_id == client_id, SafetyFlag.raised_at >= since)
        ).scalars()
    )


MAX_OUTCOME_CHARS = 5000


def mark_handled(session: Session, flag: SafetyFlag, practitioner_id: int, outcome: str) -> bool:
    """Record who handled the flag, when, and what they did; False if it was handled already (kept as it was)."""
    if flag.handled_at is not None:
        return False
    flag.handled_at, flag.handled_by, flag.outcome = utcnow(), practitioner_id, outcome
    session.flush()
    return True


def flags_of(session: Session, client_id: str) -> list[SafetyFlag]:
    """Every flag of the client, oldest first: the safeguarding record keeps handled ones too."""
    return list(
        session.execute(
            select(SafetyFlag).where(SafetyFlag.client_id == client_id).order_by(SafetyFlag.raised_at, SafetyFlag.id)
        ).scalars()
    )
