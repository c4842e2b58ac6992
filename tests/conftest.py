"""Shared fixtures: a migrated database per test (SQLite; also PostgreSQL in modules marked
`both_databases`), the actions pointed at it, and the real PostgreSQL and Redis servers."""

from __future__ import annotations

import dataclasses
import itertools
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


BACKENDS = ("sqlite", "postgresql")
_database_numbers = itertools.count(1)


def pytest_configure(config):
    config.addinivalue_line("markers", "both_databases: run each test on SQLite and on PostgreSQL")


_EVALUATION_SUMMARIES: list[str] = []


@pytest.fixture(scope="session")
def evaluation_summaries() -> list[str]:
    """Figures of the evaluations (safety, conversation) that the run prints at its end."""
    return _EVALUATION_SUMMARIES


def pytest_terminal_summary(terminalreporter):
    for summary in _EVALUATION_SUMMARIES:
        terminalreporter.write_sep("=", "evaluation")
        terminalreporter.write_line(summary)


def pytest_generate_tests(metafunc):
    if metafunc.definition.get_closest_marker("both_databases") and "database_backend" in metafunc.fixturenames:
        metafunc.parametrize("database_backend", BACKENDS, indirect=True)


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server of this test run, with a migrated template database to copy per test."""
    from tests.servers import PostgresServer

    server = PostgresServer()
    server.start()
    template = make_engine(server.create_database("waypoint_template"))
    upgrade(template)
    template.dispose()
    yield server
    server.close()


@pytest.fixture(scope="session")
def redis_server():
    from tests.servers import RedisServer

    server = RedisServer()
    server.start()
    yield server
    server.close()


@pytest.fixture
def database_backend(request) -> str:
    return getattr(request, "param", "sqlite")


def _a_database(request, tmp_path: Path, backend: str, name: str, template: str | None):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / f'{name}.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    database = f"{name}_{next(_database_numbers)}"
    yield server.create_database(database, template=template)
    server.drop_database(database)


@pytest.fixture
def database_url(request, tmp_path: Path, database_backend: str):
    """A migrated database: a SQLite file, or a copy of the PostgreSQL template."""
    yield from _a_database(request, tmp_path, database_backend, "waypoint", template="waypoint_template")


@pytest.fixture
def empty_database_url(request, tmp_path: Path, database_backend: str):
    """An empty database, for the migrations themselves."""
    yield from _a_database(request, tmp_path, database_backend, "empty", template=None)


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
def actions_db(session_factory, engine):
    actions_database.use_session_factory(session_factory)
    actions_database.use_tracker_engine(engine)
    yield session_factory
    actions_database.use_session_factory(None)
    actions_database.use_tracker_engine(None)


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


@pytest.fixture(scope="session")
def production_stack(tmp_path_factory, postgres_server, redis_server):
    """The production set-up: PostgreSQL for our data and Rasa's tracker store, Redis's lock store,
    two Rasa processes behind the gateway. Started once per run, for the tests and the soak."""
    from tests.rasa_support import trained_model
    from tests.stack_support import Stack

    trained_model()
    running = Stack(
        tmp_path_factory.mktemp("production"),
        {
            "DATABASE_URL": postgres_server.create_database("production_stack"),
            "REDIS_URL": redis_server.url(),
            "RASA_PROCESSES": "2",
            # Simulated clients read each whole answer from the response, however busy Rasa is.
            "REPLY_WAIT_SECONDS": "120",
        },
    )
    running.start()
    yield running
    running.stop()
