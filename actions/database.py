"""The action server's database access, created on first use (never at import time)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.orm import Session, sessionmaker

from bot.storage.engine import make_engine, make_session_factory, transaction

_session_factory: sessionmaker | None = None


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
