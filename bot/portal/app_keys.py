"""Typed keys for what the portal keeps on the gateway application."""

from aiohttp import web

from bot.portal.login_limit import FailedLoginLimit

LOGIN_LIMIT = web.AppKey("portal_login_limit", FailedLoginLimit)
