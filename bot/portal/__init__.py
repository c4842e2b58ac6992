"""The practitioner portal, served by the gateway under /portal/.

`setup_portal(app)` adds the portal's session cookies, CSRF check, error pages, templates, static
files and routes to the gateway application; the chat API under /api/ is not affected.
"""

from __future__ import annotations

import base64
import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiohttp_jinja2
import aiohttp_session
import jinja2
from aiohttp import web
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet

from bot.gateway import keys
from bot.portal import account_routes, client_routes, contact_routes, export_routes, flag_routes, invite_routes
from bot.portal import login_routes, note_routes, record_routes
from bot.portal import app_keys
from bot.portal.auth import PORTAL, SESSION_MAX_AGE_SECONDS
from bot.portal.csrf import csrf_middleware
from bot.portal.errors import portal_pages
from bot.portal.login_limit import LoginDelays
from bot.portal.times import ServiceClock

HERE = Path(__file__).resolve().parent
COOKIE_NAME = "waypoint_portal"
PASSWORD_WORKERS = 2  # password checks at a time; each takes about 50 ms of CPU and 64 MiB


def fernet_key(secret: str) -> bytes:
    """A Fernet key derived from PORTAL_SECRET, so the operator keeps one secret, not two."""
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode("utf-8")).digest())


async def _stop_password_workers(app: web.Application) -> None:
    app[app_keys.PASSWORD_WORKERS].shutdown(wait=False, cancel_futures=True)


def setup_portal(app: web.Application) -> None:
    settings = app[keys.SETTINGS]
    storage = EncryptedCookieStorage(
        Fernet(fernet_key(settings.portal_secret)),
        cookie_name=COOKIE_NAME,
        path=PORTAL,
        max_age=SESSION_MAX_AGE_SECONDS,
        httponly=True,
        samesite="Lax",  # Lax: the link in a notification e-mail arrives logged in; forms carry CSRF tokens
        secure=settings.behind_https,
    )
    # Order matters: sessions first, so error pages and the CSRF check can read the session.
    aiohttp_session.setup(app, storage)
    app.middlewares.append(portal_pages)
    app.middlewares.append(csrf_middleware)
    app[app_keys.LOGIN_LIMIT] = LoginDelays()
    app[app_keys.PASSWORD_WORKERS] = ThreadPoolExecutor(max_workers=PASSWORD_WORKERS, thread_name_prefix="portal-password")
    app.on_cleanup.append(_stop_password_workers)

    environment = aiohttp_jinja2.get_env(app)
    environment.loader = jinja2.ChoiceLoader(
        [environment.loader, jinja2.PrefixLoader({"portal": jinja2.FileSystemLoader(HERE / "templates")})]
    )
    clock = app[app_keys.CLOCK] = ServiceClock(settings.time_zone)
    environment.filters["when"] = clock.when
    environment.filters["day"] = clock.day

    for module in (
        login_routes, client_routes, record_routes, note_routes, flag_routes, contact_routes, export_routes, invite_routes, account_routes
    ):
        app.router.add_routes(module.routes)
    app.router.add_static(PORTAL + "/static", HERE / "static", name="portal_static")
