"""The demo caseload for the portal's browser tests: `python -m bot.demo` run once per test session into
a fresh SQLite file, and the gateway (with the stand-in Rasa) serving it on loopback.

The stand-in answers a client's greeting with the product's own welcome (actions/welcome.py, in
domain.yml's words) on the demo database, so that a test can see what a demo client is told when
they come back; everything else it answers with its scripted replies."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect, sync_playwright
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import database as actions_database
from actions.welcome import ActionWelcome
from bot.settings import PROJECT_ROOT
from bot.storage.engine import make_engine, make_session_factory, transaction
from tests.gateway_support import FakeRasa
from tests.gateway_thread import GatewayInThread
from tests.test_browser import CHROMIUM_ARGS

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
# What the trained model reads as the greet intent (data/nlu); the stand-in knows only these.
GREETINGS = {"hello", "hi"}
# The keys of a dispatched message that are not a response's variables.
MESSAGE_KEYS = {"text", "buttons", "elements", "custom", "template", "response", "image", "attachment"}
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


@dataclass
class WelcomingRasa(FakeRasa):
    """The stand-in Rasa, except that a client's greeting runs action_welcome on the demo database, as
    Rasa's rules do after the greet intent, and its responses are said in domain.yml's words. (The
    trained model's reading of "hello" and the rules themselves are tested on the whole stack, in
    tests/test_contact_end_to_end.py.) The action reads today in SERVICE_TIME_ZONE: a test sets it."""

    database_url: str = ""

    async def answer(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        if body["message"].strip().lower() not in GREETINGS:
            return await super().answer(body)
        tracker = Tracker(
            sender_id=body["sender"], slots={}, latest_message={"text": body["message"], "intent": {"name": "greet", "confidence": 1.0}},
            events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen",
        )  # fmt: skip
        dispatcher = CollectingDispatcher()
        await asyncio.to_thread(self._welcome, dispatcher, tracker)  # its database work off the gateway's loop, as on the action server
        return [said(message, body["sender"]) for message in dispatcher.messages]

    def _welcome(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        engine = make_engine(self.database_url)
        actions_database.use_session_factory(make_session_factory(engine))
        try:
            asyncio.run(ActionWelcome().run(dispatcher, tracker, DOMAIN))
        finally:
            actions_database.use_session_factory(None)
            engine.dispose()


def said(message: dict[str, Any], recipient: str) -> dict[str, Any]:
    """A dispatched message as Rasa sends it on: a response in the domain's words, its {variables} filled."""
    text = message.get("text")
    if message.get("response"):
        values = {key: value for key, value in message.items() if key not in MESSAGE_KEYS}
        template = DOMAIN["responses"][message["response"]][0]["text"]
        text = re.sub(r"\{([^\n{}]+?)\}", lambda found: str(values.get(found[1], found[0])), template)
    return {"recipient_id": recipient, "text": text, **({"buttons": message["buttons"]} if message.get("buttons") else {})}


def run_demo(database_url: str, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": database_url, "SERVICE_TIME_ZONE": TIME_ZONE}
    return subprocess.run(
        [sys.executable, "-m", "bot.demo", *args], env=environment, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Iterator[Demo]:
    work_dir = tmp_path_factory.mktemp("demo")
    database_url = f"sqlite:///{work_dir / 'waypoint.db'}"
    done = run_demo(database_url)
    assert done.returncode == 0, done.stderr
    logins = {m["name"]: (m["email"], m["password"]) for m in map(LOGIN_LINE.match, done.stdout.splitlines()) if m}
    gateway = GatewayInThread(
        work_dir,
        {"REPLY_WAIT_SECONDS": "3", "SERVICE_TIME_ZONE": TIME_ZONE, "CHECK_IN_INTERVAL_SECONDS": "0.5"},
        fake_rasa=WelcomingRasa(database_url=database_url),
    )
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
