"""Engine creation: SQLite with WAL and a busy timeout by default, any SQLAlchemy URL otherwise."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

SQLITE_BUSY_TIMEOUT_MS = 10_000
# What a database that is away for a while raises (PostgreSQL restarting or unreachable, SQLite
# locked past its busy timeout): worth waiting out and trying again, unlike a wrong query.
DATABASE_AWAY = (OperationalError, InterfaceError)


def configure_sqlite_connection(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the gateway, Rasa and the action server read while one of them writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def sqlite_engine_arguments(url) -> dict:
    """Connections kept open in a pool (SQLAlchemy 2.0's default for a SQLite file; 1.4 opens one
    per transaction). Closing the last connection to a WAL database checkpoints it: with one
    connection per transaction, that close took two thirds of the gateway's CPU time and a
    tenth of Rasa's (measured, issue 17)."""
    in_memory = not url.database or url.database == ":memory:"
    pool = {} if in_memory else {"poolclass": QueuePool, "pool_size": 5, "max_overflow": 10}
    return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}, **pool}


def make_engine(database_url: str) -> Engine:
    """Create an engine for `database_url`; for SQLite, create the file's folder first.

    Parameters are hidden from error messages: they carry client text, which must not reach logs.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, hide_parameters=True, **sqlite_engine_arguments(url))
        event.listen(engine, "connect", configure_sqlite_connection)
        return engine
    # A database host that does not answer at all must fail fast (503 "one moment"), not hold a thread.
    connect_args = {"connect_timeout": 5} if url.get_backend_name() == "postgresql" else {}
    return create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True, connect_args=connect_args)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
