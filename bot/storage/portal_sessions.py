"""Portal logins kept on the server: the encrypted cookie only carries a token naming one, so that
logging out ends it for a copy of the cookie too. Only a hash of the token is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.storage.models import PortalSession, utcnow


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_portal_session(session: Session, practitioner_id: int, expired_before: datetime) -> str:
    """A new login of this practitioner; returns its token (for the cookie). Logins expired by now are tidied away."""
    session.execute(delete(PortalSession).where(PortalSession.created_at < expired_before))
    token = secrets.token_urlsafe(32)
    session.add(PortalSession(token_hash=_hash(token), practitioner_id=practitioner_id, created_at=utcnow()))
    return token


def portal_session_is_open(session: Session, token: str, practitioner_id: int, started_after: datetime) -> bool:
    return (
        session.execute(
            select(PortalSession.id).where(
                PortalSession.token_hash == _hash(token),
                PortalSession.practitioner_id == practitioner_id,
                PortalSession.created_at >= started_after,
            )
        ).first()
        is not None
    )


def end_portal_session(session: Session, token: str) -> None:
    session.execute(delete(PortalSession).where(PortalSession.token_hash == _hash(token)))
