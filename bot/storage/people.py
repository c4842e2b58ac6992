"""Practitioners by name, for "written by", "handled by" and the administrators' columns."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import Practitioner

FORMER_COLLEAGUE = "A former colleague"  # an account since removed from the database


def display_names(session: Session) -> dict[int, str]:
    """Every account's name by id."""
    return dict(session.execute(select(Practitioner.id, Practitioner.display_name)).all())


def active_practitioners(session: Session) -> list[Practitioner]:
    """Accounts that can take clients (practitioners and administrators alike), by name."""
    return list(
        session.execute(
            select(Practitioner).where(Practitioner.active.is_(True)).order_by(Practitioner.display_name, Practitioner.id)
        ).scalars()
    )
