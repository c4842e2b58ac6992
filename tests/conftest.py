"""Shared fixtures: a migrated SQLite database per test, and the actions pointed at it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from actions import database as actions_database
from bot.gateway.app import create_app
from bot.gateway.rasa_client import RasaClient
from bot.settings import Settings, load_settings
from bot.storage.engine import make_engine, make_session_factory, transaction
from bot.storage.migrate import upgrade
from tests.gateway_support import TOKEN, FakeRasa


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'waypoint.db'}"


@pytest.fixture
def engine(database_url: str):
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine) -> sessionmaker:
    return make_session_factory(engine)


@pytest.fixture
def db(session_factory):
    """A session whose work is committed at the end of the `with` block that uses it."""

    def open_transaction():
        return transaction(session_factory)

    return open_transaction


@pytest.fixture
def actions_db(session_factory):
    actions_database.use_session_factory(session_factory)
    yield session_factory
    actions_database.use_session_factory(None)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return load_settings(
        {
            "DATABASE_URL": database_url,
            "REPLY_WAIT_SECONDS": "5",
            "MAX_MESSAGE_CHARS": "2000",
            "MEDIA_DIR": str(tmp_path / "media"),
            "CHECK_IN_INTERVAL_SECONDS": "0.5",
        },
        env_file=tmp_path / ".env",
    )


@pytest.fixture
def fake_rasa():
    return FakeRasa()


@pytest.fixture
async def gateway(aiohttp_client, aiohttp_server, fake_rasa, settings, engine):
    """The gateway on a migrated database (`engine`), talking to the stand-in Rasa."""
    rasa_server = await aiohttp_server(fake_rasa.app())
    settings = dataclasses.replace(settings, rasa_port=rasa_server.port, rasa_token=TOKEN, reply_wait_seconds=3)
    url = str(rasa_server.make_url(""))
    app = create_app(settings, rasa=RasaClient(url, TOKEN, action_server_url=url))
    return await aiohttp_client(app)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The whole stack, started once per test run with the trained model, stopped at the end."""
    from tests.rasa_support import trained_model
    from tests.stack_support import Stack

    trained_model()
    running = Stack(tmp_path_factory.mktemp("stack"))
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def trained_agent():
    """The trained model loaded once, for tests of what it understands."""
    from rasa.core.agent import Agent

    from tests.rasa_support import trained_model

    return Agent.load(str(trained_model()))
