"""Rasa's tracker store, seen from Waypoint: only to remove conversations' events."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

RASA_EVENTS_TABLE = "events"


def delete_tracker_events(engine: Engine, sender_id: str) -> int:
    """Delete every event Rasa stored for `sender_id`; 0 when Rasa has not created its table yet.

    Any other failure (a locked or unreachable database) is raised, so that the caller can retry.
    """
    with engine.begin() as connection:
        if not inspect(connection).has_table(RASA_EVENTS_TABLE):
            return 0
        result = connection.execute(text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender_id})
        return result.rowcount or 0


def tracker_sender_ids(engine: Engine) -> set[str]:
    """Every conversation Rasa keeps events of; empty when Rasa has not created its table yet."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(RASA_EVENTS_TABLE):
            return set()
        return set(connection.execute(text("SELECT DISTINCT sender_id FROM events")).scalars())
