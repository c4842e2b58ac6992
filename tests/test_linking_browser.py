"""Continuing on Telegram, as a person does it: in Chromium the client presses "Continue on
Telegram" on the chat page, reads the one-time code, sends it to the bot on (a fake) Telegram, and
goes on there in the same conversation. The gateway runs with the stand-in Rasa."""

from __future__ import annotations

import asyncio
import re

import pytest
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import create_engine, text

from bot.telegram.keys import TELEGRAM
from tests.fake_telegram import BOT_TOKEN, BOT_USER, FakeTelegram
from tests.gateway_thread import GatewayInThread
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

    gateway.run(fake_telegram.send_text(PHONE_USER, f"/link {code}"))
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
