"""Bring a database to the newest schema: `python -m bot.storage.migrate`."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@contextmanager
def foreign_keys_held_back(connection: Connection) -> Iterator[None]:
    """On SQLite, foreign keys are not enforced while migrating, and checked afterwards.

    SQLite alters a table by copying it and dropping the original; with foreign keys on, that
    drop would delete every row hanging off it by ON DELETE CASCADE (all of a client's data).
    The pragma only takes effect outside a transaction, hence the commits around it.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()
    try:
        yield
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration left {len(broken)} row(s) pointing at nothing")
    finally:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


def upgrade(engine: Engine, revision: str = "head") -> None:
    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    _run(engine, command.downgrade, revision)


def keep_private(engine: Engine) -> None:
    """A SQLite file holds client data: readable by its owner only, also if it was made before."""
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        for path in (Path(engine.url.database), Path(engine.url.database + "-wal"), Path(engine.url.database + "-shm")):
            if path.exists():
                path.chmod(0o600)


def _run(engine: Engine, step, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as connection, foreign_keys_held_back(connection):
        with connection.begin():
            config.attributes["connection"] = connection
            step(config, revision)
    keep_private(engine)


if __name__ == "__main__":
    from bot.settings import load_settings
    from bot.storage.engine import make_engine

    upgrade(make_engine(load_settings().database_url))
