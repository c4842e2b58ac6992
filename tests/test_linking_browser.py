"""Continuing on Telegram, as a person does it: in Chromium the client presses "Continue on
Telegram" on the chat page, reads the one-time code, sends it to the bot on (a fake) Telegram, and
goes on there in the same conversation. The gateway runs with the stand-in Rasa."""

from __future__ import annotations

import asyncio
import re

import pytest
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import create_engine, text

from bot.storage.engine import make_engine, make_session_factory, transaction
from bot.storage.progress import CONSENT_GIVEN, record_consent
from bot.telegram.keys import TELEGRAM
from tests.fake_telegram import BOT_TOKEN, BOT_USER, FakeTelegram
from tests.gateway_thread import GatewayInThread
from tests.test_linking import link_and_confirm
from tests.stack_support import free_port
from tests.test_browser import CHROMIUM_ARGS

PHONE_USER = 9001


@pytest.fixture
def gateway_with_telegram(tmp_path):
    fake_telegram, telegram_port = FakeTelegram(), free_port()
    fake_telegram.url = f"http://127.0.0.1:{telegram_port}"
    gateway = GatewayInThread(
        tmp_path,
        {"REPLY_WAIT_SECONDS": "3"},
        telegram_bot_token=BOT_TOKEN,
        telegram_api_url=fake_telegram.url,
        telegram_bot_username=BOT_USER["username"],
    )
    gateway.serve_also(fake_telegram.app(), telegram_port)
    gateway.start()
    gateway.run(asyncio.wait_for(gateway.gateway[TELEGRAM].ready.wait(), 10))
    yield gateway, fake_telegram
    gateway.stop()


def test_a_web_client_continues_the_same_conversation_on_telegram(gateway_with_telegram):
    gateway, fake_telegram = gateway_with_telegram
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(gateway.url + "/")
        log = page.get_by_role("list", name="Conversation")
        expect(log).to_contain_text("Hello, I'm Waypoint.")
        page.get_by_role("button", name="Continue on Telegram").click()
        expect(log).to_contain_text("The code works once, for 15 minutes")
        notice = log.locator("li.notice").last
        code = re.search(r"/link (\S+) to the bot", notice.inner_text())[1]
        link = notice.get_by_role("link", name="continue on Telegram").get_attribute("href")
        assert link == f"https://t.me/{BOT_USER['username']}?start=link-{code}"
        browser.close()
    assert problems == []

    gateway.run(link_and_confirm(fake_telegram, f"/link {code}", PHONE_USER))
    gateway.run(fake_telegram.wait_for_text(PHONE_USER, "continues the conversation you started on the web"))
    gateway.run(fake_telegram.send_text(PHONE_USER, "hello from my phone"))
    gateway.run(fake_telegram.wait_for_text(PHONE_USER, "You said: hello from my phone"))

    engine = create_engine(gateway.database_url)
    with engine.connect() as connection:
        clients = connection.execute(text("SELECT id FROM clients")).scalars().all()
        channels = connection.execute(text("SELECT channel FROM channel_accounts ORDER BY channel")).scalars().all()
    engine.dispose()
    assert len(clients) == 1 and channels == ["telegram", "web"]
    assert {body["sender"] for body in gateway.fake_rasa.received} == set(clients)


async def test_without_telegram_the_chat_offers_no_telegram_link(gateway):
    for path in ("/", "/widget"):
        page = await (await gateway.get(path)).text()
        assert "Continue on Telegram" not in page


def telegram_client_with_consent(gateway, fake_telegram) -> str:
    gateway.run(fake_telegram.send_text(PHONE_USER, "I started on my phone"))
    gateway.run(fake_telegram.wait_for_text(PHONE_USER, "You said: I started on my phone"))
    client_id = gateway.fake_rasa.received[-1]["sender"]
    engine = make_engine(gateway.database_url)
    with transaction(make_session_factory(engine)) as session:
        record_consent(session, client_id, CONSENT_GIVEN, "v1")
    engine.dispose()
    return client_id


def web_link_from_telegram(gateway, fake_telegram) -> str:
    gateway.run(fake_telegram.send_text(PHONE_USER, "/link"))
    [offer] = gateway.run(fake_telegram.wait_for_text(PHONE_USER, "To go on in the web chat"))
    return re.search(r"(http\S+\?link=\S+)", offer)[1]


@pytest.mark.parametrize("choice, continues", [("Continue that conversation", True), ("No, stay here", False)])
def test_a_telegram_client_continues_in_the_browser_only_after_saying_so(gateway_with_telegram, choice, continues):
    gateway, fake_telegram = gateway_with_telegram
    client_id = telegram_client_with_consent(gateway, fake_telegram)
    web_link = web_link_from_telegram(gateway, fake_telegram)
    web_link = gateway.url + web_link[web_link.index("/?link="):]  # PUBLIC_URL is not set in this test
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(web_link)
        log = page.get_by_role("list", name="Conversation")
        expect(log).to_contain_text("Only do this if you started it yourself")
        assert gateway.fake_rasa.received[-1]["sender"] == client_id, "nothing happens before the client chooses"
        page.get_by_role("button", name=choice).click()
        if continues:
            expect(log).to_contain_text("continues the conversation you started on Telegram")
            expect(log).to_contain_text("I started on my phone")
        else:
            expect(log).to_contain_text("Hello, I'm Waypoint.")
            expect(log).not_to_contain_text("I started on my phone")
        assert "link=" not in page.url
        browser.close()
    assert problems == []
    engine = create_engine(gateway.database_url)
    with engine.connect() as connection:
        web_owners = connection.execute(text("SELECT client_id FROM channel_accounts WHERE channel = 'web'")).scalars().all()
    engine.dispose()
    assert (web_owners == [client_id]) == continues
