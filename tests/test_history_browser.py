"""After a long journey, the chat opens at the latest message and shows the earlier ones as the
client scrolls up (Chromium, on the chat page and on the widget's page; the stand-in Rasa)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.storage.engine import make_engine, make_session_factory, transaction
from tests.gateway_thread import threaded_gateway as gateway  # noqa: F401  (fixture)
from tests.stack_support import http
from tests.test_browser import CHROMIUM_ARGS
from tests.test_gateway import a_long_conversation

MESSAGES = 450  # three pages of the history: 250-449, 50-249, 0-49

SCROLL_TO_THE_TOP = "() => { document.getElementById('log').scrollTop = 0; window.scrollTo(0, 0); }"


@pytest.mark.parametrize("path", ["/", "/widget"])
def test_a_long_conversation_opens_at_its_end_and_scrolls_back_to_its_beginning(gateway, path):
    status, body = http("POST", f"{gateway.url}/api/sessions")
    assert status == 201
    engine = make_engine(gateway.database_url)
    sessions = make_session_factory(engine)
    texts = a_long_conversation(lambda: transaction(sessions), body["client_token"], MESSAGES)
    engine.dispose()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 800, "height": 700})
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.set_default_timeout(20_000)
        page.goto(gateway.url + "/api/openapi.json")  # the gateway's origin, without the chat's own script
        page.evaluate("token => localStorage.setItem('waypoint.client_token', token)", body["client_token"])
        page.goto(gateway.url + path)  # this browser's conversation, as at the client's next visit
        log = page.get_by_role("list", name="Conversation")

        def message(text: str):
            return log.locator("li[data-id]").filter(has_text=re.compile(rf"^(You|Waypoint): {text}$"))

        expect(message(texts[-1])).to_be_in_viewport()  # where the client left off
        expect(message(texts[0])).to_have_count(0)

        page.evaluate(SCROLL_TO_THE_TOP)
        expect(message(texts[50])).to_have_count(1)  # the page before, loaded by scrolling up
        expect(message(texts[250])).to_be_in_viewport()  # what the client was reading stays in view

        page.evaluate(SCROLL_TO_THE_TOP)
        expect(message(texts[0])).to_have_count(1)
        expect(log.get_by_role("button", name="Show earlier messages")).to_have_count(0)  # nothing older
        shown = log.locator("li[data-id]").all_text_contents()
        assert [line.removeprefix("You: ").removeprefix("Waypoint: ") for line in shown] == texts
        browser.close()
    assert problems == []
