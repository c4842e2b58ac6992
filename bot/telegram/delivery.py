"""Sending the bot's messages to Telegram chats: the relay's channel sender for Telegram.

`send` returns once Telegram has the message, so that the relay's outbox can mark it sent; what
fails is left for the outbox to send again (see bot/gateway/relay.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any

from sqlalchemy.orm import sessionmaker
from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.gateway.relay import DeliverLater, Undeliverable

from bot.storage.engine import transaction
from bot.storage.identity import TELEGRAM_CHANNEL, channel_address, clients_reachable_on
from bot.telegram.rendering import (
    EXPORT_FILE_NAME,
    MAX_CAPTION,
    CallbackPayloads,
    inline_keyboard,
    is_web_address,
    media_file,
    split_text,
    telegram_length,
    text_of,
)
from bot.telegram.sending import RetryPolicy, retry_after_seconds, with_retries

logger = logging.getLogger(__name__)

READY_WAIT_SECONDS = 10.0
TYPING_REFRESH_SECONDS = 4.0  # Telegram shows "typing…" for about five seconds per call
# A message with buttons needs some text to hang them on.
BUTTONS_ONLY_TEXT = "Please choose:"


class TelegramSender:
    """Turns stored messages (their API views) into Bot API calls for the client's chat."""

    def __init__(
        self,
        bot: Bot,
        sessions: sessionmaker,
        media_dir: Path,
        payloads: CallbackPayloads,
        ready: asyncio.Event | None = None,
    ) -> None:
        self._bot = bot
        self._sessions = sessions
        self._media_dir = media_dir
        self._payloads = payloads
        self._ready = ready  # set once the bot is connected; until then the outbox waits
        # Set on shutdown: every retry wait ends at once (bot/telegram/sending.py).
        self.stopping = asyncio.Event()
        # Chats seen in this run. The database is asked first; this covers the last turn of a client
        # who asked to delete their data, whose account is gone by the time its replies are sent.
        self._recent_chats: dict[str, int] = {}

    def remember(self, client_id: str, chat_id: int) -> None:
        self._recent_chats[client_id] = chat_id

    async def chat_for(self, client_id: str) -> int | None:
        def lookup() -> str | None:
            with transaction(self._sessions) as session:
                return channel_address(session, client_id, TELEGRAM_CHANNEL)

        address = await asyncio.to_thread(lookup)
        if address is not None:
            return int(address)
        return self._recent_chats.pop(client_id, None)  # erased: reach them this once, then forget

    # -- the relay's ChannelSender ------------------------------------------------------

    async def send(self, client_id: str, messages: list[dict[str, Any]]) -> None:
        if self._ready is not None and not self._ready.is_set():
            # Just after a start: wait a little for the connection, else the outbox tries again later.
            await asyncio.wait_for(self._ready.wait(), READY_WAIT_SECONDS)
        chat_id = await self.chat_for(client_id)
        if chat_id is None:
            raise Undeliverable("the client has no Telegram chat")
        try:
            for message in messages:
                await self.send_message(chat_id, message)
        except RetryAfter as error:  # longer than with_retries waits: Telegram's "stop for now"
            raise DeliverLater(retry_after_seconds(error)) from error
        except (Forbidden, BadRequest) as error:  # blocked by the client, a chat that is gone, a refused message
            raise Undeliverable(type(error).__name__) from error

    async def reachable_clients(self) -> list[str]:
        def lookup() -> list[str]:
            with transaction(self._sessions) as session:
                return clients_reachable_on(session, TELEGRAM_CHANNEL)

        return await asyncio.to_thread(lookup)

    # -- rendering one message ----------------------------------------------------------

    async def send_message(self, chat_id: int, message: dict[str, Any]) -> None:
        """A stored message as Telegram messages: a picture or file, then its text with the buttons."""
        text = text_of(message)
        buttons = message.get("buttons") or []
        caption_used = False
        if message.get("image"):
            caption_used = await self._send_picture(chat_id, message["image"], text if not buttons else "")
        if message.get("attachment"):
            caption_used = await self._send_file(chat_id, message["attachment"], text if not buttons else "") or caption_used
        if caption_used:
            return
        markup = inline_keyboard(buttons, self._payloads)
        chunks = split_text(text) or ([BUTTONS_ONLY_TEXT] if markup else [])
        for position, chunk in enumerate(chunks):
            last = position == len(chunks) - 1
            await self.send_text(chat_id, chunk, reply_markup=markup if last else None)

    async def send_text(self, chat_id: int, text: str, policy: RetryPolicy | None = None, **options: Any) -> None:
        await self._call(lambda: self._bot.send_message(chat_id, text, **options), "sending a message", policy)

    async def leave_chat(self, chat_id: int, policy: RetryPolicy | None = None) -> None:
        await self._call(lambda: self._bot.leave_chat(chat_id), "leaving a chat", policy)

    async def _call(self, call: Any, what: str, policy: RetryPolicy | None = None) -> Any:
        policy = policy or RetryPolicy()
        return await with_retries(
            call,
            what,
            attempts=policy.attempts,
            first_backoff=policy.first_backoff,
            max_retry_after=policy.max_retry_after,
            stopping=self.stopping,
        )

    async def _send_picture(self, chat_id: int, url: str, text: str) -> bool:
        """Send the picture, with `text` as its caption when that fits; True when the caption was used."""
        caption = text if text and telegram_length(text) <= MAX_CAPTION else None
        try:
            return await self._send_picture_as(chat_id, url, caption)
        except BadRequest as error:  # e.g. a picture elsewhere that Telegram cannot fetch: the text still goes
            logger.info("Telegram refused a picture (%s); sending its text only", type(error).__name__)
            return False

    async def _send_picture_as(self, chat_id: int, url: str, caption: str | None) -> bool:
        path = media_file(url, self._media_dir)
        if path is not None:
            content = await _read(path)
            if content is None:
                logger.info("a picture for chat is gone from the media folder; sending its text only")
                return False
            await self._call(lambda: self._bot.send_photo(chat_id, photo=content, caption=caption), "sending a photo")
        elif is_web_address(url):
            await self._call(lambda: self._bot.send_photo(chat_id, photo=url, caption=caption), "sending a photo")
        else:
            logger.info("not sending a picture at an address Telegram cannot reach")
            return False
        return caption is not None

    async def _send_file(self, chat_id: int, url: str, text: str) -> bool:
        """Send a file of the gateway's (the data export); True when `text` went along as its caption."""
        caption = text if text and telegram_length(text) <= MAX_CAPTION else None
        path = media_file(url, self._media_dir)
        content = None if path is None else await _read(path)
        if content is None:
            logger.info("a file for chat is not in the media folder; sending its text only")
            return False
        await self._call(
            lambda: self._bot.send_document(chat_id, document=content, filename=EXPORT_FILE_NAME, caption=caption),
            "sending a file",
        )
        return caption is not None

    # -- while the bot thinks -----------------------------------------------------------

    async def keep_typing(self, chat_id: int) -> None:
        """Show "typing…" until cancelled; only a courtesy, so failures are ignored."""
        while True:
            with contextlib.suppress(TelegramError):
                await self._bot.send_chat_action(chat_id, ChatAction.TYPING)
            await asyncio.sleep(TYPING_REFRESH_SECONDS)


async def _read(path: Path) -> bytes | None:
    try:
        return await asyncio.to_thread(path.read_bytes)
    except OSError:
        return None
