"""Erasing a client completely: our rows, Rasa's events and their pictures.

Used when a client asks for it and by the retention job. The order matters: our rows go
first, in one transaction, so that a failure afterwards leaves at worst files and Rasa's
events, which hold no link to anyone any more and are retried by the next run.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.storage.deletion import delete_client
from bot.storage.engine import transaction
from bot.storage.models import Client
from bot.storage.tracker_events import delete_tracker_events

logger = logging.getLogger(__name__)


def erase_client(sessions: sessionmaker, tracker_engine: Engine, media_dir: Path, client_id: str) -> None:
    with transaction(sessions) as session:
        pictures = delete_client(session, client_id)
    for name in pictures:
        (media_dir / name).unlink(missing_ok=True)
    for export in media_dir.glob(f"{client_id}-*.json"):
        export.unlink(missing_ok=True)
    try:
        delete_tracker_events(tracker_engine, client_id)
    except Exception:
        logger.warning("could not remove Rasa's events of an erased client; the retention run retries", exc_info=True)


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
