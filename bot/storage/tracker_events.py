"""Rasa's tracker store, seen from Waypoint: only to remove a client's conversation events."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError


def delete_tracker_events(engine: Engine, sender_id: str) -> int:
    """Delete every event Rasa stored for `sender_id`; 0 when Rasa has not created its table yet."""
    try:
        with engine.begin() as connection:
            result = connection.execute(text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender_id})
            return result.rowcount or 0
    except (OperationalError, ProgrammingError):
        return 0
