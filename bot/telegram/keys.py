"""The Telegram channel's key in the gateway application."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from bot.telegram.channel import TelegramChannel

TELEGRAM: web.AppKey["TelegramChannel"] = web.AppKey("telegram")
