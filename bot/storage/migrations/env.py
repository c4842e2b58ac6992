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

    from bot.storage.migrate import foreign_keys_held_back

    engine = make_engine(load_settings().database_url)
    with engine.connect() as connection, foreign_keys_held_back(connection):
        _migrate(connection)
    engine.dispose()


def _only_our_tables(obj, name, type_, reflected, compare_to) -> bool:
    """Rasa's tracker store shares the database; autogenerate must never propose dropping its table."""
    return not (type_ == "table" and reflected and compare_to is None)


def _migrate(connection) -> None:
    # render_as_batch lets SQLite alter tables in later migrations.
    context.configure(
        connection=connection, target_metadata=metadata, render_as_batch=True, include_object=_only_our_tables
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
