"""Telegram while the database is away (on a real PostgreSQL): the client is told once, and what
they wrote is taken and answered when it is back."""

from __future__ import annotations

import asyncio

import pytest

from bot.gateway.wording import DATABASE_AWAY_NOTICE, DATABASE_RETRY_SECONDS
from tests.fake_telegram import fake_telegram, gateway, telegram_gateway, telegram_mode  # noqa: F401
from tests.test_database_outage import postgres_away  # noqa: F401

ALEX = 601


@pytest.fixture
def database_backend() -> str:
    return "postgresql"


async def test_updates_during_the_outage_are_handled_once_it_is_back(gateway, fake_telegram, fake_rasa, postgres_server, postgres_away):
    await fake_telegram.send_text(ALEX, "hello")
    await fake_telegram.wait_for_text(ALEX, "You said: hello")

    await asyncio.to_thread(postgres_away)
    await fake_telegram.send_text(ALEX, "first while away")
    await fake_telegram.send_text(ALEX, "second while away")
    await fake_telegram.wait_for_text(ALEX, DATABASE_AWAY_NOTICE, timeout=30)
    await asyncio.sleep(3 * DATABASE_RETRY_SECONDS)  # several tries meet the database still away
    assert fake_telegram.texts_to(ALEX).count(DATABASE_AWAY_NOTICE) == 1  # told once, not at every try
    assert not [t for t in fake_telegram.texts_to(ALEX) if "while away" in t]

    await asyncio.to_thread(postgres_server.start)
    await fake_telegram.wait_for_text(ALEX, "You said: first while away", timeout=60)
    await fake_telegram.wait_for_text(ALEX, "You said: second while away", timeout=60)
    texts = fake_telegram.texts_to(ALEX)
    assert texts.count("You said: first while away") == 1 and texts.count("You said: second while away") == 1
    assert texts.index("You said: first while away") < texts.index("You said: second while away")  # in order
