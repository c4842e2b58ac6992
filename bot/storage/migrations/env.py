"""Alembic environment: migrates the engine handed in by bot.storage.migrate, or DATABASE_URL."""

from alembic import context

from bot.storage.engine import make_engine
from bot.storage.models import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    from bot.settings import load_settings

    engine = make_engine(load_settings().database_url)
    with engine.connect() as connection:
        _migrate(connection)
    engine.dispose()


def _migrate(connection) -> None:
    # render_as_batch lets SQLite alter tables in later migrations.
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
