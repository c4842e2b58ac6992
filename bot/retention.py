"""Retention: clients inactive for RETENTION_DAYS are erased completely (and any whose own
request to delete did not finish); erasures left unfinished are finished, and Rasa's events of
conversations whose client no longer exists are removed.

Run by the gateway once a day, or by hand: `.venv/bin/python -m bot.retention`. Prints how
many clients were erased, never who. The gateway also tries unfinished erasures again every few
minutes, so that a client's "delete my data" does not wait a day for a part that failed.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.settings import Settings, load_settings
from bot.storage.engine import make_engine, make_session_factory
from bot.storage.erasure import (
    clients_to_erase,
    delete_orphaned_tracker_events,
    erase_client,
    finish_erasures,
    unfinished_erasures,
)
from bot.storage.models import utcnow

logger = logging.getLogger(__name__)
RETENTION_RUN_INTERVAL_SECONDS = 24 * 60 * 60
# Read at call time, so that tests can shorten it.
ERASURE_RETRY_SECONDS = 300.0


def erase_inactive_clients(settings: Settings) -> int:
    """The retention run; returns how many inactive clients it erased."""
    engine = make_engine(settings.database_url)
    tracker_engine = (
        engine if settings.tracker_store_url == settings.database_url else make_engine(settings.tracker_store_url)
    )
    try:
        sessions = make_session_factory(engine)
        finished = finish_erasures(sessions, tracker_engine, settings.media_dir)
        client_ids = clients_to_erase(sessions, utcnow() - timedelta(days=settings.retention_days))
        for client_id in client_ids:
            erase_client(sessions, tracker_engine, settings.media_dir, client_id)
        orphans = delete_orphaned_tracker_events(sessions, tracker_engine)
        logger.info(
            "retention: %d unfinished erasure(s) finished, %d still unfinished; Rasa's events of %d conversation(s) "
            "without a client removed",
            finished, unfinished_erasures(sessions), orphans,
        )
        return len(client_ids)
    finally:
        if tracker_engine is not engine:
            tracker_engine.dispose()
        engine.dispose()


async def run_retention_daily(settings: Settings) -> None:
    while True:
        try:
            erased = await asyncio.to_thread(erase_inactive_clients, settings)
            logger.info("retention: %d inactive client(s) erased", erased)
        except Exception:
            logger.exception("retention run failed; trying again tomorrow")
        await asyncio.sleep(RETENTION_RUN_INTERVAL_SECONDS)


async def run_erasure_retries(sessions: sessionmaker, tracker_engine: Engine, media_dir: Path) -> None:
    """Finish erasures that stopped half-way (Rasa's tracker store away, say), every few minutes."""
    while True:
        await asyncio.sleep(ERASURE_RETRY_SECONDS)
        try:
            if await asyncio.to_thread(finish_erasures, sessions, tracker_engine, media_dir):
                logger.info("retention: an unfinished erasure is finished")
        except Exception as error:
            logger.warning("unfinished erasures could not be tried again (%s); trying again later", type(error).__name__)


def main() -> None:
    settings = load_settings()
    erased = erase_inactive_clients(settings)
    print(f"retention: {erased} client(s) inactive for more than {settings.retention_days} days erased")


if __name__ == "__main__":
    main()
