"""The Telegram channel's life inside the gateway process: started and stopped with it.

The gateway is the only public port, so python-telegram-bot runs in the gateway's event loop:
long polling by default (no public address needed), or a webhook that Telegram calls on the
gateway's own /telegram/webhook route. Without TELEGRAM_BOT_TOKEN none of this starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, AsyncIterator

from aiohttp import web
from telegram import Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.gateway import keys
from bot.settings import TELEGRAM_WEBHOOK, Settings
from bot.storage.identity import TELEGRAM_CHANNEL
from bot.telegram import handlers
from bot.telegram.app import ALLOWED_UPDATES, COMMANDS, build_application
from bot.telegram.delivery import TelegramSender
from bot.telegram.keys import TELEGRAM
from bot.telegram.rendering import CallbackPayloads
from bot.telegram.sending import retry_after_seconds, with_retries
from bot.telegram.webhook import WEBHOOK_PATH, telegram_webhook

logger = logging.getLogger(__name__)

STARTUP_RETRY_MAX_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0  # how long shutdown waits for the update being handled


class TelegramChannel:
    """Starts and stops the bot with the gateway, and takes the updates the webhook route receives."""

    def __init__(self, settings: Settings, app: web.Application) -> None:
        self.settings = settings
        self.application = build_application(settings)
        self.payloads = CallbackPayloads()
        self.ready = asyncio.Event()  # set once updates are being processed
        self.relay = app[keys.RELAY]
        self.sender = TelegramSender(
            self.application.bot, app[keys.SESSIONS], settings.media_dir, self.payloads, ready=self.ready
        )
        self.services = handlers.Services(
            relay=app[keys.RELAY],
            sessions=app[keys.SESSIONS],
            settings=settings,
            sender=self.sender,
            payloads=self.payloads,
            link_attempts=app[keys.LINK_ATTEMPT_LIMIT],
        )
        self.application.bot_data[handlers.SERVICES] = self.services
        app[keys.RELAY].add_channel_sender(TELEGRAM_CHANNEL, self.sender)

    async def run(self) -> None:
        """Connect to Telegram, retrying while it cannot be reached (the web chat works meanwhile)."""
        if not await self._keep_trying(self.application.initialize, "connecting"):
            return
        bot = self.application.bot
        try:
            await with_retries(lambda: bot.set_my_commands(COMMANDS), "setting the command menu")
        except TelegramError as error:
            logger.warning("could not set the command menu (%s)", type(error).__name__)
        try:
            if self.settings.telegram_mode == TELEGRAM_WEBHOOK:
                await with_retries(
                    lambda: bot.set_webhook(
                        url=f"{self.settings.public_url}{WEBHOOK_PATH}",
                        secret_token=self.settings.telegram_webhook_secret,
                        allowed_updates=ALLOWED_UPDATES,
                    ),
                    "registering the webhook",
                )
            elif not await self._keep_trying(
                lambda: self.application.updater.start_polling(allowed_updates=ALLOWED_UPDATES), "starting to poll"
            ):
                return
            await self.application.start()
        except TelegramError as error:
            # Telegram's own words help here, e.g. that a webhook needs an HTTPS PUBLIC_URL.
            logger.error("the Telegram channel could not start: %s: %s", type(error).__name__, error)
            return
        self.ready.set()
        logger.info("Telegram channel running as @%s (%s)", bot.username, self.settings.telegram_mode)
        # Replies stored while the channel was away (or before a restart) go out now, in order.
        await self.relay.send_all_unsent()

    async def _keep_trying(self, call: Any, what: str) -> bool:
        """Call until it works, waiting while Telegram cannot be reached or asks us to (a 429); False on a bad token."""
        wait = 1.0
        while True:
            try:
                await call()
                return True
            except InvalidToken:
                logger.error("Telegram refused TELEGRAM_BOT_TOKEN; the Telegram channel stays off")
                return False
            except RetryAfter as error:
                asked = retry_after_seconds(error)
                logger.warning("Telegram asks to wait %.0f s before %s; waiting", asked, what)
                await asyncio.sleep(max(asked, wait))
            except NetworkError as error:
                logger.warning("cannot reach Telegram yet while %s (%s); retrying in %.0f s", what, type(error).__name__, wait)
                await asyncio.sleep(wait)
                wait = min(wait * 2, STARTUP_RETRY_MAX_SECONDS)

    async def stop(self) -> None:
        """Stop within bounds: waits for Telegram (a 429, a network error) end at once, handlers get a few seconds."""
        self.sender.stopping.set()  # every with_retries wait gives up; unsent replies stay in the outbox
        for task in list(self.services.waiting):
            task.cancel()
        application = self.application
        try:
            if application.updater is not None and application.updater.running:
                await asyncio.wait_for(application.updater.stop(), STOP_TIMEOUT_SECONDS)
            if application.running:
                await asyncio.wait_for(application.stop(), STOP_TIMEOUT_SECONDS)
        except asyncio.TimeoutError:
            logger.warning("the Telegram channel did not stop within %.0f s; shutting it down anyway", STOP_TIMEOUT_SECONDS)
        with contextlib.suppress(RuntimeError):
            await asyncio.wait_for(application.shutdown(), STOP_TIMEOUT_SECONDS)

    async def receive(self, data: dict[str, Any]) -> None:
        """An update pushed to the webhook; queued, so that Telegram gets its 200 straight away."""
        update = Update.de_json(data, self.application.bot)
        await self.application.update_queue.put(update)


def setup_telegram(app: web.Application) -> None:
    """Add the Telegram channel to the gateway when a bot token is configured."""
    settings = app[keys.SETTINGS]
    if not settings.telegram_enabled:
        return
    # httpx logs each request URL at INFO, and Bot API URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if settings.telegram_mode == TELEGRAM_WEBHOOK:
        app.router.add_post(WEBHOOK_PATH, telegram_webhook, name="telegram_webhook")
    app.cleanup_ctx.append(_telegram_channel)


async def _telegram_channel(app: web.Application) -> AsyncIterator[None]:
    channel = TelegramChannel(app[keys.SETTINGS], app)
    app[TELEGRAM] = channel
    running = asyncio.create_task(channel.run())
    yield
    running.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        try:
            await running
        except Exception as error:
            logger.warning("the Telegram channel failed while starting (%s)", type(error).__name__)
    try:
        await channel.stop()
    except Exception as error:
        logger.warning("the Telegram channel did not stop cleanly (%s)", type(error).__name__)
