"""The gateway (and its stand-ins) served from a background thread's event loop, for clients that
block: Schemathesis, and Playwright's sync API driving a real browser against it."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from pathlib import Path
from typing import Any, Awaitable, Iterator, TypeVar

import pytest
from aiohttp import web

from bot.gateway.app import create_app
from bot.gateway.rasa_client import RasaClient
from bot.settings import Settings, load_settings
from bot.storage.engine import make_engine
from bot.storage.migrate import upgrade
from tests.gateway_support import TOKEN, FakeRasa
from tests.stack_support import free_port

Result = TypeVar("Result")


class GatewayInThread:
    """The gateway on a migrated SQLite file, FakeRasa (or `fake_rasa`) as Rasa, and any other apps (a fake Telegram)."""

    def __init__(
        self, work_dir: Path, environment: dict[str, str] | None = None, fake_rasa: FakeRasa | None = None, **changes: Any
    ) -> None:
        self.loop = asyncio.new_event_loop()
        self.port, rasa_port = free_port(), free_port()
        self.database_url = f"sqlite:///{work_dir / 'waypoint.db'}"
        engine = make_engine(self.database_url)
        upgrade(engine)
        engine.dispose()
        settings = load_settings(
            {"DATABASE_URL": self.database_url, "MEDIA_DIR": str(work_dir / "media"), **(environment or {})},
            env_file=work_dir / ".env",
        )
        self.settings: Settings = dataclasses.replace(
            settings, gateway_port=self.port, rasa_port=rasa_port, rasa_token=TOKEN, **changes
        )
        self.fake_rasa = fake_rasa or FakeRasa()
        self.apps: list[tuple[web.Application, int]] = [(self.fake_rasa.app(), rasa_port)]
        self.runners: list[web.AppRunner] = []
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve_also(self, app: web.Application, port: int | None = None) -> int:
        """Serve another app (before start), on `port` or a free one; returns the port."""
        port = port or free_port()
        self.apps.append((app, port))
        return port

    def run(self, coroutine: Awaitable[Result], timeout: float = 30) -> Result:
        """Run a coroutine in the servers' loop, from the test's thread."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=timeout)

    async def _start(self) -> None:
        rasa_url = f"http://127.0.0.1:{self.settings.rasa_port}"
        gateway = create_app(self.settings, rasa=RasaClient(rasa_url, TOKEN, action_server_url=rasa_url))
        for app, port in [*self.apps, (gateway, self.port)]:
            runner = web.AppRunner(app)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            self.runners.append(runner)
        self.gateway = gateway

    async def _stop(self) -> None:
        for runner in reversed(self.runners):
            await runner.cleanup()

    def start(self) -> None:
        self.thread.start()
        self.run(self._start())

    def stop(self) -> None:
        self.run(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


@pytest.fixture
def threaded_gateway(tmp_path) -> Iterator[GatewayInThread]:
    """The gateway with the stand-in Rasa, started on a free port, for a real browser to use."""
    gateway = GatewayInThread(tmp_path, {"REPLY_WAIT_SECONDS": "3"})
    gateway.start()
    yield gateway
    gateway.stop()
