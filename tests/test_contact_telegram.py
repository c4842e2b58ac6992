"""A practitioner's message to a client on Telegram, through the fake Bot API server on loopback:
sent through the outbox as check-ins are, saying who wrote it, and kept until Telegram takes it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.gateway.wording import PRACTITIONER_LABEL
from bot.guidance.consent import CONSENT_TEXT_VERSION
from bot.storage import message_log
from bot.storage.models import Client, Message
from bot.storage.progress import CONSENT_GIVEN, record_consent
from tests.fake_telegram import fake_telegram, telegram_gateway  # noqa: F401 (fixture)
from tests.portal_support import add_account, logged_in, post_form
from tests.test_telegram import ALEX, greeted, quick_retries  # noqa: F401 (fixture)



@pytest.fixture
async def gateway(aiohttp_server, aiohttp_client, fake_rasa, fake_telegram, settings, engine):
    """The gateway with Telegram on and the portal on plain http, so the test client can log in."""
    return await telegram_gateway(aiohttp_client, aiohttp_server, fake_rasa, fake_telegram, settings, public_url="http://127.0.0.1")


TEXT = "Could we meet before Christmas? Tuesday the 22nd suits me."


async def a_telegram_client_of(db, fake_telegram, fake_rasa, practitioner_id: int) -> str:
    """Alex writes to the bot on Telegram, agrees, and is bound to the practitioner; returns the client id."""
    await fake_telegram.send_text(ALEX, "/start")
    await greeted(fake_telegram)
    client_id = fake_rasa.received[0]["sender"]
    with db() as session:
        record_consent(session, client_id, CONSENT_GIVEN, CONSENT_TEXT_VERSION)
        session.get(Client, client_id).practitioner_id = practitioner_id
    return client_id


def statuses(db, client_id: str) -> list[str]:
    with db() as session:
        return list(session.execute(select(Message.status).where(Message.client_id == client_id, Message.author_id.is_not(None))).scalars())


async def test_a_message_reaches_the_clients_telegram_chat_saying_who_wrote_it(gateway, fake_telegram, fake_rasa, db):
    pat = add_account(db, "pat@example.org", "Pat Practitioner")
    client_id = await a_telegram_client_of(db, fake_telegram, fake_rasa, pat)
    await logged_in(gateway, "pat@example.org")
    page = await (await gateway.get(f"/portal/clients/{client_id}/contact")).text()
    assert "their Telegram chat with Waypoint" in page
    response = await post_form(gateway, f"/portal/clients/{client_id}/messages", {"text": TEXT}, token_from=f"/portal/clients/{client_id}/contact")
    assert response.status == 303

    [sent] = await fake_telegram.wait_for_text(ALEX, TEXT)
    assert sent == (
        f"{PRACTITIONER_LABEL.format(name='Pat Practitioner')}:\n\n{TEXT}\n\n"
        "(What you write here goes to Waypoint, the chatbot, not to Pat Practitioner. To write to Pat Practitioner, "
        "say \"talk to my practitioner\": I'll help you send a summary with a message.)"
    )
    await fake_telegram.wait_for(lambda: statuses(db, client_id) == [message_log.SENT])
    page = await (await gateway.get(f"/portal/clients/{client_id}/contact")).text()
    assert "delivered to their Telegram chat" in page
    assert len(fake_rasa.received) == 1, "the message is the practitioner's: it never goes to Rasa"


async def test_a_message_telegram_refuses_for_now_is_sent_once_it_takes_it(gateway, fake_telegram, fake_rasa, db, quick_retries):
    pat = add_account(db, "pat@example.org", "Pat Practitioner")
    client_id = await a_telegram_client_of(db, fake_telegram, fake_rasa, pat)
    await logged_in(gateway, "pat@example.org")
    fake_telegram.down.add("sendMessage")
    await post_form(gateway, f"/portal/clients/{client_id}/messages", {"text": TEXT}, token_from=f"/portal/clients/{client_id}/contact")
    await fake_telegram.wait_for(lambda: [c for c in fake_telegram.calls_of("sendMessage") if c.result == "502"])
    assert statuses(db, client_id) == [message_log.UNSENT]
    page = await (await gateway.get(f"/portal/clients/{client_id}/contact")).text()
    assert "waiting to be sent to their Telegram chat" in page

    fake_telegram.down.discard("sendMessage")
    texts = await fake_telegram.wait_for_text(ALEX, TEXT, timeout=30)
    assert len(texts) == 1
    await fake_telegram.wait_for(lambda: statuses(db, client_id) == [message_log.SENT])
