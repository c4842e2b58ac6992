"""POST /telegram/webhook: the updates Telegram pushes in webhook mode.

Telegram sends the secret given to setWebhook in a header with every update; anything
without it is refused with 403 before it is read.
"""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web

from bot.gateway import keys
from bot.telegram.keys import TELEGRAM

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def has_the_secret(request: web.Request) -> bool:
    given = request.headers.get(SECRET_HEADER, "").encode("utf-8")
    expected = request.app[keys.SETTINGS].telegram_webhook_secret.encode("utf-8")
    return bool(expected) and hmac.compare_digest(given, expected)  # in constant time


async def telegram_webhook(request: web.Request) -> web.Response:
    """Check Telegram's secret, then queue the update for the bot; 200 tells Telegram it arrived."""
    if not has_the_secret(request):
        return web.Response(status=403, text="Forbidden")
    channel = request.app[TELEGRAM]
    if not channel.ready.is_set():
        return web.Response(status=503, text="Starting")  # Telegram sends it again shortly
    try:
        data = json.loads(await request.read())
    except (UnicodeDecodeError, json.JSONDecodeError):
        return web.Response(status=400, text="Not JSON")
    if not isinstance(data, dict):
        return web.Response(status=400, text="Not an update")
    try:
        await channel.receive(data)
    except Exception as error:  # an update PTB cannot read: sending it again would not help
        logger.warning("dropping a Telegram update that could not be read (%s)", type(error).__name__)
    return web.Response(status=200)
