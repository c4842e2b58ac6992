"""Typed keys for what the portal keeps on the gateway application."""

from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from bot.portal.login_limit import LoginDelays
from bot.portal.times import ServiceClock

LOGIN_LIMIT = web.AppKey("portal_login_limit", LoginDelays)
# Password checks (deliberately slow Argon2) run on these few threads only, so a flood of logins
# queues here instead of taking every thread the database work of the whole gateway needs.
PASSWORD_WORKERS = web.AppKey("portal_password_workers", ThreadPoolExecutor)
# Times shown in the service's time zone (SERVICE_TIME_ZONE).
CLOCK = web.AppKey("portal_clock", ServiceClock)
