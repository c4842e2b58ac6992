"""Who is logged in: the portal session, and the checks every page makes before showing anything."""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from aiohttp import web
from aiohttp_session import get_session, new_session

from bot.gateway import keys
from bot.storage.engine import transaction
from bot.storage.models import ADMINISTRATOR, Practitioner, utcnow
from bot.storage.portal_sessions import end_portal_session, portal_session_is_open, start_portal_session
from bot.portal.practitioners import password_stamp

PORTAL = "/portal"
LOGIN_PATH = "/portal/login"
SESSION_MAX_AGE_SECONDS = 8 * 60 * 60
CSRF_KEY = "csrf"
LOGIN_KEY = "login"  # the token of the login recorded on the server (bot/storage/portal_sessions.py)


@dataclass(frozen=True)
class Viewer:
    """The logged-in practitioner, as the pages need them."""

    id: int
    display_name: str
    email: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == ADMINISTRATOR


async def csrf_token(request: web.Request) -> str:
    """The session's CSRF token, made when the session has none yet."""
    session = await get_session(request)
    if not session.get(CSRF_KEY):
        session[CSRF_KEY] = secrets.token_urlsafe(32)
    return session[CSRF_KEY]


def _login_expired_before() -> datetime:
    return utcnow() - timedelta(seconds=SESSION_MAX_AGE_SECONDS)


async def log_in(request: web.Request, account: Practitioner) -> None:
    """A brand-new session (never the one from before login) holding who logged in, recorded on the server."""

    def start() -> str:
        with transaction(request.app[keys.SESSIONS]) as db:
            return start_portal_session(db, account.id, _login_expired_before())

    login_token = await asyncio.to_thread(start)
    session = await new_session(request)
    session["practitioner_id"] = account.id
    session["stamp"] = password_stamp(account)
    session["authenticated_at"] = int(time.time())
    session[LOGIN_KEY] = login_token
    session[CSRF_KEY] = secrets.token_urlsafe(32)


async def log_out(request: web.Request) -> None:
    """End the login on the server, so that a copy of the cookie stops working too, and empty the cookie."""
    session = await get_session(request)
    login_token = session.get(LOGIN_KEY)
    if isinstance(login_token, str):

        def end() -> None:
            with transaction(request.app[keys.SESSIONS]) as db:
                end_portal_session(db, login_token)

        await asyncio.to_thread(end)
    session.invalidate()


async def current_viewer(request: web.Request) -> Viewer | None:
    """The logged-in practitioner; None when not logged in, deactivated, expired or the password changed."""
    if "portal_viewer" in request:
        return request["portal_viewer"]
    session = await get_session(request)
    account_id, stamp, login_token = session.get("practitioner_id"), session.get("stamp"), session.get(LOGIN_KEY)
    fresh = time.time() - session.get("authenticated_at", 0) < SESSION_MAX_AGE_SECONDS
    viewer = None
    if isinstance(account_id, int) and stamp and isinstance(login_token, str) and fresh:

        def load() -> Viewer | None:
            with transaction(request.app[keys.SESSIONS]) as db:
                account = db.get(Practitioner, account_id)
                if account is None or not account.active or password_stamp(account) != stamp:
                    return None
                if not portal_session_is_open(db, login_token, account_id, _login_expired_before()):
                    return None  # logged out (perhaps on another copy of this cookie)
                return Viewer(account.id, account.display_name, account.email, account.role)

        viewer = await asyncio.to_thread(load)
    request["portal_viewer"] = viewer
    return viewer


def login_redirect(request: web.Request) -> web.HTTPFound:
    target = request.path_qs if request.method == "GET" else PORTAL + "/"
    return web.HTTPFound(f"{LOGIN_PATH}?next={quote(target, safe='/')}")


async def require_viewer(request: web.Request, api: bool = False) -> Viewer:
    """The logged-in practitioner; otherwise a page sends the browser to log in, and the JSON feed answers 401."""
    viewer = await current_viewer(request)
    if viewer is None:
        raise web.HTTPUnauthorized() if api else login_redirect(request)
    return viewer


async def require_admin(request: web.Request) -> Viewer:
    viewer = await require_viewer(request)
    if not viewer.is_admin:
        raise web.HTTPForbidden(reason="Only administrators can open this page.")
    return viewer


def safe_next(target: str | None) -> str:
    """Only a portal path of this site, so the login page cannot send anyone elsewhere."""
    if target and target.startswith(PORTAL + "/") and not target.startswith("//") and "\\" not in target:
        return target
    return PORTAL + "/"


def record_login(request: web.Request, account_id: int) -> None:
    with transaction(request.app[keys.SESSIONS]) as db:
        account = db.get(Practitioner, account_id)
        if account is not None:
            account.last_login_at = utcnow()
