"""Retention: clients inactive for RETENTION_DAYS are erased completely (and any whose own
request to delete did not finish).

Run by the gateway once a day, or by hand: `.venv/bin/python -m bot.retention`. Prints how
many clients were erased, never who.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.settings import Settings, load_settings
from bot.storage.engine import make_engine, make_session_factory
from bot.storage.erasure import clients_to_erase, erase_client
from bot.storage.models import utcnow

logger = logging.getLogger(__name__)
RETENTION_RUN_INTERVAL_SECONDS = 24 * 60 * 60


def erase_inactive_clients(settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    tracker_engine = (
        engine if settings.tracker_store_url == settings.database_url else make_engine(settings.tracker_store_url)
    )
    try:
        sessions = make_session_factory(engine)
        client_ids = clients_to_erase(sessions, utcnow() - timedelta(days=settings.retention_days))
        for client_id in client_ids:
            erase_client(sessions, tracker_engine, settings.media_dir, client_id)
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


def main() -> None:
    settings = load_settings()
    erased = erase_inactive_clients(settings)
    print(f"retention: {erased} client(s) inactive for more than {settings.retention_days} days erased")


if __name__ == "__main__":
    main()
