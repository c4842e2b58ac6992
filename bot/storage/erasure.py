"""Erasing a client completely: our rows, Rasa's events, their pictures and data exports.

Used when a client asks for it, by the retention job, and for an empty conversation left by
linking. Our rows (the message log included) go first, in one transaction that also records the
erasure; then the files and Rasa's events. The record stays until every part is gone, so that a
part that fails (Rasa's tracker store away, a file locked) is tried again by `finish_erasures`
rather than forgotten with the client row. Rasa's events of a conversation whose client no longer
exists (a turn that ended after the erasure) are found and removed too.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.storage.deletion import delete_client
from bot.storage.engine import transaction
from bot.storage.models import Client, Erasure
from bot.storage.tracker_events import delete_tracker_events, tracker_sender_ids

logger = logging.getLogger(__name__)
CLIENT_IDS_PER_QUERY = 500


def erase_client(sessions: sessionmaker, tracker_engine: Engine, media_dir: Path, client_id: str) -> bool:
    """Erase the client; True when every part is gone, False when the rest is left to `finish_erasures`."""
    with transaction(sessions) as session:
        session.add(Erasure(client_id=client_id, files=delete_client(session, client_id)))
    return _finish(sessions, tracker_engine, media_dir, client_id)


def finish_erasures(sessions: sessionmaker, tracker_engine: Engine, media_dir: Path) -> int:
    """Try again every erasure not finished yet; returns how many clients' erasures are finished now."""
    with transaction(sessions) as session:
        client_ids = list(session.execute(select(Erasure.client_id).distinct()).scalars())
    return sum(_finish(sessions, tracker_engine, media_dir, client_id) for client_id in client_ids)


def _finish(sessions: sessionmaker, tracker_engine: Engine, media_dir: Path, client_id: str) -> bool:
    # A client erased twice (retention and their own request at once) has two records: both are done here.
    with transaction(sessions) as session:
        erasures = list(session.execute(select(Erasure).where(Erasure.client_id == client_id)).scalars())
        for erasure in erasures:
            erasure.attempts += 1
        files = sorted({name for erasure in erasures for name in erasure.files or []})
    try:
        for name in files:
            (media_dir / name).unlink(missing_ok=True)
        for export in media_dir.glob(f"{client_id}-*.json"):
            export.unlink(missing_ok=True)
        delete_tracker_events(tracker_engine, client_id)
    except Exception as error:  # the type only: a database error may quote what it could not delete
        logger.warning("the erasure of a client is not finished (%s); it is tried again later", type(error).__name__)
        return False
    with transaction(sessions) as session:
        session.execute(delete(Erasure).where(Erasure.client_id == client_id))
    return True


def unfinished_erasures(sessions: sessionmaker) -> int:
    with transaction(sessions) as session:
        return len(session.execute(select(Erasure.id)).all())


def delete_orphaned_tracker_events(sessions: sessionmaker, tracker_engine: Engine) -> int:
    """Remove Rasa's events of every conversation whose client no longer exists; returns how many conversations.

    The senders are read before the clients, so a client created in between is seen as existing.
    """
    senders = sorted(tracker_sender_ids(tracker_engine))
    existing: set[str] = set()
    with transaction(sessions) as session:
        for start in range(0, len(senders), CLIENT_IDS_PER_QUERY):
            chunk = senders[start : start + CLIENT_IDS_PER_QUERY]
            existing.update(session.execute(select(Client.id).where(Client.id.in_(chunk))).scalars())
    orphans = [sender for sender in senders if sender not in existing]
    for sender in orphans:
        delete_tracker_events(tracker_engine, sender)
    return len(orphans)


def expire_exports(media_dir: Path, older_than: datetime) -> None:
    """Data exports are downloads, not storage: they go an hour after they were made."""
    for export in media_dir.glob("*.json"):
        if datetime.fromtimestamp(export.stat().st_mtime) < older_than:
            export.unlink(missing_ok=True)


def clients_to_erase(sessions: sessionmaker, inactive_since: datetime) -> list[str]:
    """Clients inactive since `inactive_since`, and any whose own request to delete was not finished."""
    with transaction(sessions) as session:
        return list(
            session.execute(
                select(Client.id).where(
                    or_(Client.last_active_at < inactive_since, Client.deletion_requested_at.is_not(None))
                )
            ).scalars()
        )
