"""The client's reflection: one row per answered theme, the newest being current."""

from __future__ import annotations

from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import Reflection
from bot.storage.progress import PHASE_DONE, PHASE_IN_PROGRESS, ensure_client, phase_statuses, set_phase

REFLECTION_PHASE = "reflection"


def save_reflection(
    session: Session,
    client_id: str,
    theme: str,
    answer: str | None,
    paraphrase: str | None,
    confirmed: bool,
    example: str | None = None,
    mentions: Sequence[dict[str, str]] = (),
) -> Reflection:
    ensure_client(session, client_id)
    row = Reflection(
        client_id=client_id,
        theme=theme,
        answer=answer,
        example=example,
        paraphrase=paraphrase,
        confirmed=confirmed,
        mentions=list(mentions) or None,
    )
    session.add(row)
    if phase_statuses(session, client_id).get(REFLECTION_PHASE) != PHASE_DONE:
        set_phase(session, client_id, REFLECTION_PHASE, PHASE_IN_PROGRESS)
    session.flush()
    return row


def current_reflections(session: Session, client_id: str) -> dict[str, Reflection]:
    rows = session.execute(
        select(Reflection).where(Reflection.client_id == client_id).order_by(Reflection.id)
    ).scalars()
    return {row.theme: row for row in rows}


def finish_reflection(session: Session, client_id: str) -> None:
    set_phase(session, client_id, REFLECTION_PHASE, PHASE_DONE)
