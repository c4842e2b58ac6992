"""Webhook mode: Telegram pushes updates to the gateway's /telegram/webhook with its secret header."""

from __future__ import annotations

import pytest

from bot.settings import TELEGRAM_WEBHOOK
from bot.telegram.webhook import SECRET_HEADER
from tests.fake_telegram import fake_telegram, gateway  # noqa: F401

ALEX = 601


@pytest.fixture
def telegram_mode() -> str:
    return TELEGRAM_WEBHOOK


async def test_the_webhook_is_registered_with_telegram_with_the_secret(gateway, fake_telegram, settings):
    [registration] = fake_telegram.calls_of("setWebhook")
    assert registration.params["url"] == "https://waypoint.example.org/telegram/webhook"
    assert registration.params["secret_token"] == settings.telegram_webhook_secret
    assert not fake_telegram.calls_of("deleteWebhook")  # nor does anyone poll


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "not-the-secret"}, {SECRET_HEADER: ""}])
async def test_an_update_without_the_right_secret_is_refused(gateway, fake_telegram, fake_rasa, headers):
    update = fake_telegram.new_update("message", fake_telegram.message(ALEX, "let me in"))
    response = await gateway.post("/telegram/webhook", json=update, headers=headers)
    assert response.status == 403
    await fake_telegram.send_text(ALEX, "ignored")  # queued for getUpdates, which nobody calls in webhook mode
    assert fake_rasa.received == [] and fake_telegram.texts_to(ALEX) == []


async def test_an_update_with_the_right_secret_is_answered(gateway, fake_telegram, fake_rasa, settings):
    update = fake_telegram.new_update("message", fake_telegram.message(ALEX, "hello from the webhook"))
    response = await gateway.post(
        "/telegram/webhook", json=update, headers={SECRET_HEADER: settings.telegram_webhook_secret}
    )
    assert response.status == 200
    assert await fake_telegram.wait_for_text(ALEX, "Hello, I'm Waypoint.")
    assert await fake_telegram.wait_for_text(ALEX, "You said: hello from the webhook")
    assert [body["message"] for body in fake_rasa.received] == ["/greet", "hello from the webhook"]


@pytest.mark.parametrize(
    "body, status",
    [
        (b"not json", 400),
        (b"[1, 2]", 400),
        (b"\xff\xfe", 400),
        (b'{"update_id": "x", "message": 42}', 200),  # read as far as it goes and dropped: resending cannot help
        (b'{"update_id": 7, "poll": {"id": "p"}}', 200),
    ],
)
async def test_a_garbled_update_with_the_secret_does_not_break_anything(gateway, fake_telegram, settings, body, status):
    headers = {SECRET_HEADER: settings.telegram_webhook_secret, "Content-Type": "application/json"}
    response = await gateway.post("/telegram/webhook", data=body, headers=headers)
    assert response.status == status
    update = fake_telegram.new_update("message", fake_telegram.message(ALEX, "still working?"))
    assert (await gateway.post("/telegram/webhook", json=update, headers=headers)).status == 200
    assert await fake_telegram.wait_for_text(ALEX, "You said: still working?")
