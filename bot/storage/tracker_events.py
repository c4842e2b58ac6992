"""Rasa's tracker store, seen from Waypoint: to remove conversations' events, and to read them all for a client's export.

Rasa's events live in its `events` table; bot/rasa_tracker_store.py adds `tracker_windows` (where a
long conversation's recent part starts, and the slots at that point): both go together.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

RASA_EVENTS_TABLE = "events"
TRACKER_WINDOWS_TABLE = "tracker_windows"  # bot.rasa_tracker_store.WINDOWS_TABLE (that module imports Rasa)


def delete_tracker_events(engine: Engine, sender_id: str) -> int:
    """Delete every event Rasa stored for `sender_id`, and its window; 0 when Rasa has not created its table yet.

    Any other failure (a locked or unreachable database) is raised, so that the caller can retry.
    """
    with engine.begin() as connection:
        tables = set(inspect(connection).get_table_names())
        if TRACKER_WINDOWS_TABLE in tables:
            connection.execute(text(f"DELETE FROM {TRACKER_WINDOWS_TABLE} WHERE sender_id = :sender"), {"sender": sender_id})
        if RASA_EVENTS_TABLE not in tables:
            return 0
        result = connection.execute(text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender_id})
        return result.rowcount or 0


def tracker_sender_ids(engine: Engine) -> set[str]:
    """Every conversation Rasa keeps events (or a window) of; empty when Rasa has not created its tables yet."""
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        senders: set[str] = set()
        for table in (RASA_EVENTS_TABLE, TRACKER_WINDOWS_TABLE):
            if table in tables:
                senders.update(connection.execute(text(f"SELECT DISTINCT sender_id FROM {table}")).scalars())
        return senders


def stored_tracker_events(engine: Engine, sender_id: str) -> Optional[list[dict[str, Any]]]:
    """Every event Rasa stored for `sender_id`, oldest first, every session; None when Rasa has not
    created its table yet. A turn's tracker holds only the recent part of a long conversation
    (bot/rasa_tracker_store.py): a client's export reads the whole record from here."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(RASA_EVENTS_TABLE):
            return None
        rows = connection.execute(text("SELECT data FROM events WHERE sender_id = :sender ORDER BY id"), {"sender": sender_id})
        return [json.loads(data) for data in rows.scalars()]
