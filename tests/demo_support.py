"""The demo caseload for the portal's browser tests: `python -m bot.demo` run once per test session into
a fresh SQLite file, and the gateway (with the stand-in Rasa) serving it on loopback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bot.settings import PROJECT_ROOT
from bot.storage.engine import make_engine, make_session_factory, transaction
from tests.gateway_thread import GatewayInThread
from tests.test_browser import CHROMIUM_ARGS

LOGIN_LINE = re.compile(r"^  (?P<name>.+?)\s+(?P<role>practitioner|administrator)\s+(?P<email>\S+@\S+)\s+password: (?P<password>\S+)$")
TIME_ZONE = "Europe/Helsinki"


@dataclass
class Demo:
    gateway: GatewayInThread
    logins: dict[str, tuple[str, str]]  # name → (e-mail, password)
    output: str
    work_dir: Path
    problems: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.gateway.url

    def database(self):
        """A transaction on the demo database, for finding the clients a test needs."""
        return transaction(self.sessions)

    def __post_init__(self) -> None:
        self.engine = make_engine(self.gateway.database_url)
        self.sessions = make_session_factory(self.engine)


def run_demo(database_url: str, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": database_url, "SERVICE_TIME_ZONE": TIME_ZONE}
    return subprocess.run(
        [sys.executable, "-m", "bot.demo", *args], env=environment, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Iterator[Demo]:
    work_dir = tmp_path_factory.mktemp("demo")
    done = run_demo(f"sqlite:///{work_dir / 'waypoint.db'}")
    assert done.returncode == 0, done.stderr
    logins = {m["name"]: (m["email"], m["password"]) for m in map(LOGIN_LINE.match, done.stdout.splitlines()) if m}
    gateway = GatewayInThread(work_dir, {"REPLY_WAIT_SECONDS": "3", "SERVICE_TIME_ZONE": TIME_ZONE, "CHECK_IN_INTERVAL_SECONDS": "0.5"})
    gateway.start()
    running = Demo(gateway, logins, done.stdout, work_dir)
    yield running
    gateway.stop()
    running.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def problems() -> Iterator[list[str]]:
    """Script errors of every page a test opens: none is allowed."""
    found: list[str] = []
    yield found
    assert found == []


def open_page(browser: Browser, problems: list[str], width: int = 1100, height: int = 900, **options: Any) -> Page:
    page = browser.new_context(viewport={"width": width, "height": height}, **options).new_page()
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.on("console", lambda message: problems.append(f"{page.url}: {message.text}") if message.type == "error" else None)
    page.set_default_timeout(30_000)
    return page


def log_in(page: Page, demo: Demo, name: str) -> Page:
    email, password = demo.logins[name]
    page.goto(f"{demo.url}/portal/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    return page
