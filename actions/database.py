"""The action server's database access, created on first use (never at import time)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.engine import make_engine, make_session_factory, transaction

_session_factory: sessionmaker | None = None
_tracker_engine: Engine | None = None


def use_session_factory(factory: sessionmaker | None) -> None:
    """Point the actions at a database; tests pass their own, None resets to DATABASE_URL."""
    global _session_factory
    _session_factory = factory


@contextmanager
def client_data() -> Iterator[Session]:
    global _session_factory
    if _session_factory is None:
        from bot.settings import load_settings

        _session_factory = make_session_factory(make_engine(load_settings().database_url))
    with transaction(_session_factory) as session:
        yield session


def use_tracker_engine(engine: Engine | None) -> None:
    """Point the actions at Rasa's tracker store database; tests pass their own, None resets to TRACKER_STORE_URL."""
    global _tracker_engine
    _tracker_engine = engine


def tracker_engine() -> Engine:
    """Rasa's tracker store database (TRACKER_STORE_URL, by default the same as DATABASE_URL)."""
    global _tracker_engine
    if _tracker_engine is None:
        from bot.settings import load_settings

        _tracker_engine = make_engine(load_settings().tracker_store_url)
    return _tracker_engine
