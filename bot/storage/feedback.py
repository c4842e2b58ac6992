"""Closing feedback, and readiness measured again on the items of the start."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import Feedback, ReadinessRating, utcnow
from bot.storage.progress import PHASE_DONE, ensure_client, set_phase

CLOSING_PHASE = "closing"


def save_feedback(
    session: Session,
    client_id: str,
    readiness: dict[str, int],
    usefulness: int | None,
    felt_heard: int | None,
    felt_in_charge: int | None,
    what_helped: str | None,
    what_to_improve: str | None,
) -> None:
    ensure_client(session, client_id)
    now = utcnow()
    for item, value in readiness.items():
        session.add(ReadinessRating(client_id=client_id, item=item, value=value, moment="closing", recorded_at=now))
    session.add(
        Feedback(
            client_id=client_id,
            usefulness=usefulness,
            felt_heard=felt_heard,
            felt_in_charge=felt_in_charge,
            what_helped=what_helped,
            what_to_improve=what_to_improve,
            recorded_at=now,
        )
    )
    set_phase(session, client_id, CLOSING_PHASE, PHASE_DONE)
    session.flush()


def readiness_at(session: Session, client_id: str, moment: str) -> dict[str, int]:
    """The newest rating of each readiness item at `moment` (start or closing)."""
    rows = session.execute(
        select(ReadinessRating)
        .where(ReadinessRating.client_id == client_id, ReadinessRating.moment == moment)
        .order_by(ReadinessRating.id)
    ).scalars()
    return {row.item: row.value for row in rows}
