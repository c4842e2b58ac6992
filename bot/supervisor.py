"""Run the whole stack under one supervisor: `python -m bot.supervisor` (what `make run` does).

Starts the action server, Rasa and the gateway together, prefixes their logs, restarts a
process that dies, prints one line once everything answers, and stops all three on
Ctrl-C. The gateway takes messages while Rasa is still loading and answers them once
it is ready.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bot.interfaces import refusal
from bot.settings import LOOPBACK, PROJECT_ROOT, Settings, settings_or_exit
from bot.storage.engine import make_engine
from bot.storage.migrate import upgrade
from bot.training import model_path, rasa_environment

STOP_GRACE_SECONDS = 10
# Rasa at DEBUG can print long lines; a line over asyncio's default 64 KiB would stop the log pump.
LOG_LINE_LIMIT = 1024 * 1024
MAX_RESTART_DELAY = 30


@dataclass
class Service:
    name: str
    command: list[str]
    process: asyncio.subprocess.Process | None = None
    restarts: int = 0
    started_at: float = 0.0
    pumps: list[asyncio.Task] = field(default_factory=list)


def service_commands(settings: Settings, model: Path) -> list[Service]:
    python = sys.executable
    rasa = str(Path(python).with_name("rasa"))
    rasa_processes = [
        Service(
            "rasa" if settings.rasa_processes == 1 else f"rasa-{number + 1}",
            [
                rasa, "run",
                "--model", str(model),
                "--endpoints", "endpoints.yml",
                "--credentials", "credentials.yml",
                "--interface", settings.rasa_interface,
                "--port", str(settings.rasa_port + number),
            ],
        )
        for number in range(settings.rasa_processes)
    ]
    return [Service("actions", [python, "-m", "bot.action_server"]), *rasa_processes, Service("gateway", [python, "-m", "bot.gateway"])]


class Supervisor:
    def __init__(self, settings: Settings, services: list[Service]) -> None:
        self.settings = settings
        self.services = services
        self.stopping = asyncio.Event()
        self.environment = {**rasa_environment(), **settings.child_environment(), "PYTHONUNBUFFERED": "1"}
        self.width = max(len(service.name) for service in services)

    async def _pump(self, service: Service, stream: asyncio.StreamReader) -> None:
        prefix = f"[{service.name}]".ljust(self.width + 3)
        while True:
            try:
                line = await stream.readline()
            except ValueError:  # a line longer than LOG_LINE_LIMIT: skip it rather than stall the child
                line = b"(a log line too long to show was skipped)\n"
            if not line:
                return
            sys.stdout.write(prefix + line.decode("utf-8", "replace").rstrip() + "\n")
            sys.stdout.flush()

    async def start(self, service: Service) -> None:
        service.process = await asyncio.create_subprocess_exec(
            *service.command,
            cwd=PROJECT_ROOT,
            env=self.environment,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            limit=LOG_LINE_LIMIT,
            start_new_session=True,  # Ctrl-C reaches only the supervisor, which stops children in order
        )
        service.started_at = time.monotonic()
        service.pumps = [asyncio.create_task(self._pump(service, service.process.stdout))]

    async def watch(self, service: Service) -> None:
        """Restart `service` whenever it exits, with a growing delay if it keeps failing."""
        while not self.stopping.is_set():
            await self.start(service)
            code = await service.process.wait()
            await asyncio.gather(*service.pumps, return_exceptions=True)
            if self.stopping.is_set():
                return
            quick_failure = time.monotonic() - service.started_at < 30
            service.restarts = service.restarts + 1 if quick_failure else 0
            delay = min(2 ** service.restarts, MAX_RESTART_DELAY)
            print(f"[supervisor] {service.name} exited with code {code}; restarting in {delay} s", flush=True)
            try:
                await asyncio.wait_for(self.stopping.wait(), delay)
            except asyncio.TimeoutError:
                pass

    async def announce_when_ready(self) -> None:
        host = LOOPBACK if self.settings.gateway_host in ("0.0.0.0", "::") else self.settings.gateway_host
        url = f"http://{host}:{self.settings.gateway_port}/healthz"
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
            while not self.stopping.is_set():
                try:
                    async with http.get(url) as response:
                        if response.status == 200:
                            public = self.settings.public_url
                            print(
                                f"[supervisor] Waypoint is ready. Chat at {public}/  ·  "
                                f"practitioner portal at {public}/portal/  ·  Ctrl-C stops everything",
                                flush=True,
                            )
                            return
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    pass
                await asyncio.sleep(1)

    async def stop_all(self) -> None:
        self.stopping.set()
        running = [s for s in self.services if s.process and s.process.returncode is None]
        for service in running:
            os.killpg(service.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for service in running:
            try:
                await asyncio.wait_for(service.process.wait(), max(0.1, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                os.killpg(service.process.pid, signal.SIGKILL)
                await service.process.wait()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        stop_requested = asyncio.Event()
        # Children run in their own sessions, so a closed terminal (SIGHUP) must stop them here too.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(signum, stop_requested.set)
        watchers = [asyncio.create_task(self.watch(service)) for service in self.services]
        announcer = asyncio.create_task(self.announce_when_ready())
        await stop_requested.wait()
        print("[supervisor] stopping…", flush=True)
        announcer.cancel()
        await self.stop_all()
        await asyncio.gather(*watchers, return_exceptions=True)
        print("[supervisor] stopped", flush=True)


def main() -> None:
    # Everything the stack writes (database, pictures, exports, logs of Rasa) is the clients' data:
    # readable by this user only.
    os.umask(0o077)
    settings = settings_or_exit()
    for problem in (
        refusal("Rasa", "RASA_INTERFACE", settings.rasa_interface, settings.allow_public_interfaces),
        refusal("The action server", "ACTION_SERVER_INTERFACE", settings.action_server_interface, settings.allow_public_interfaces),
    ):
        if problem:
            sys.exit(problem)
    model = model_path()
    if not model.exists():
        sys.exit(f"No trained model at {model}. Run `make run`, which trains it first.")
    engine = make_engine(settings.database_url)
    upgrade(engine)
    engine.dispose()
    asyncio.run(Supervisor(settings, service_commands(settings, model)).run())


if __name__ == "__main__":
    main()
