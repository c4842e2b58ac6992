"""The gateway application factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import AsyncIterator, Awaitable, Callable

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.gateway import keys
from bot.gateway.cors import cors_middleware
from bot.gateway.devices import OpenChats
from bot.gateway.inbound import Rejection
from bot.gateway.rasa_client import RasaClient
from bot.gateway.rate_limit import MessageRateLimit, SlidingWindowLimit
from bot.gateway.relay import TurnRelay
from bot.portal import setup_portal
from bot.portal.notify import run_handoff_notifications
from bot.retention import run_erasure_retries, run_retention_daily
from bot.gateway.routes import error_response, routes
from bot.gateway.wording import DATABASE_AWAY_NOTICE, DATABASE_RETRY_SECONDS
from bot.gateway.link_routes import link_routes
from bot.gateway.widget_routes import FRAMEABLE, frame_ancestors, widget_routes
from bot.settings import Settings
from bot.telegram.channel import setup_telegram
from bot.storage.engine import DATABASE_AWAY, make_engine, make_session_factory

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
MAX_REQUEST_BYTES = 64 * 1024
HOUR_SECONDS = 3600.0
# Link codes are unguessable anyway; this keeps anyone from hammering the door. A person uses one or two.
LINK_ATTEMPTS_PER_HOUR = 20

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# base-uri and form-action do not fall back to default-src: an injected <base> or <form> could
# otherwise send the page's links or a practitioner's form to another site.
CONTENT_SOURCES = "default-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'"
SECURITY_HEADERS = {
    "Content-Security-Policy": f"{CONTENT_SOURCES}; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# Sent only when PUBLIC_URL is https: a browser must never be pinned to https on a plain-http set-up.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"


@web.middleware
async def friendly_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Bad input gets a JSON explanation; an unexpected failure is logged without client text."""
    try:
        return await handler(request)
    except Rejection as rejection:
        return error_response(rejection.status, rejection.code, rejection.message)
    except web.HTTPRequestEntityTooLarge:
        return error_response(413, "request_too_large", "That request is too large for me to read.")
    except web.HTTPException as http_error:
        if http_error.status >= 400 and request.path.startswith("/api/"):
            response = error_response(http_error.status, "http_error", http_error.reason)
            if "Allow" in http_error.headers:  # a 405 must say which methods are allowed (RFC 9110)
                response.headers["Allow"] = http_error.headers["Allow"]
            return response
        raise
    except DATABASE_AWAY as error:
        logger.warning("database unavailable on %s %s (%s)", request.method, request.path, type(error).__name__)
        response = error_response(503, "database_unavailable", DATABASE_AWAY_NOTICE)
        response.headers["Retry-After"] = str(DATABASE_RETRY_SECONDS)
        return response
    except Exception:
        logger.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", "Something went wrong on my side. Your message is safe; please try again.")


def _security_headers(settings: Settings) -> dict[str, str]:
    if not settings.behind_https:
        return SECURITY_HEADERS
    return {**SECURITY_HEADERS, "Strict-Transport-Security": STRICT_TRANSPORT_SECURITY}


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    headers = _security_headers(request.app[keys.SETTINGS])
    try:
        response = await handler(request)
    except web.HTTPException as error_page:  # a 404 page needs the headers as much as any other
        for name, value in headers.items():
            error_page.headers.setdefault(name, value)
        raise
    if response.get(FRAMEABLE):
        # The widget's chat page may be framed by the gateway itself and the sites that embed it.
        ancestors = frame_ancestors(request.app[keys.SETTINGS].allowed_origins)
        response.headers.setdefault("Content-Security-Policy", f"{CONTENT_SOURCES}; frame-ancestors {ancestors}")
    for name, value in headers.items():
        response.headers.setdefault(name, value)
    if request.path.startswith("/api/"):
        # The chat API's answers hold the conversation: no browser or proxy may keep a copy.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def create_app(settings: Settings, rasa: RasaClient | None = None) -> web.Application:
    app = web.Application(
        middlewares=[cors_middleware(settings.allowed_origins), security_headers, friendly_errors],
        client_max_size=MAX_REQUEST_BYTES,
    )
    app[keys.SETTINGS] = settings
    app[keys.RASA] = rasa or RasaClient(settings.rasa_urls, settings.rasa_token, settings.action_server_url)
    app[keys.SESSION_LIMIT] = SlidingWindowLimit(settings.new_sessions_per_hour, HOUR_SECONDS)
    app[keys.LINK_ATTEMPT_LIMIT] = SlidingWindowLimit(LINK_ATTEMPTS_PER_HOUR, HOUR_SECONDS)
    app[keys.OPEN_CHATS] = OpenChats()
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
    app.router.add_routes(routes)
    app.router.add_routes(widget_routes)  # the embeddable chat widget under /widget
    app.router.add_routes(link_routes)  # continuing on a second channel
    app.router.add_static("/static", HERE / "static", name="static")
    setup_portal(app)  # the practitioner portal under /portal/
    app.cleanup_ctx.append(_database_and_relay)
    setup_telegram(app)  # only with TELEGRAM_BOT_TOKEN; after the relay, which it sends through
    return app


async def _database_and_relay(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS]
    engine = make_engine(settings.database_url)
    tracker_engine = (
        engine if settings.tracker_store_url == settings.database_url else make_engine(settings.tracker_store_url)
    )
    app[keys.ENGINE] = engine
    app[keys.SESSIONS] = make_session_factory(engine)
    relay = TurnRelay(
        app[keys.SESSIONS],
        app[keys.RASA],
        tracker_engine,
        check_in_interval=settings.check_in_interval_seconds,
        media_dir=settings.media_dir,
        rate_limit=MessageRateLimit(settings.max_messages_per_minute),
    )
    app[keys.RELAY] = relay
    background = [
        asyncio.create_task(relay.run_retries()),
        asyncio.create_task(run_retention_daily(settings)),
        asyncio.create_task(run_erasure_retries(app[keys.SESSIONS], tracker_engine, settings.media_dir)),
        asyncio.create_task(run_handoff_notifications(settings, app[keys.SESSIONS])),
    ]
    yield
    for task in background:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await app[keys.RASA].close()
    if tracker_engine is not engine:
        tracker_engine.dispose()
    engine.dispose()
