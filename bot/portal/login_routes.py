"""Logging in and out of the portal."""

from __future__ import annotations

import asyncio
import logging
import math
from functools import partial

from aiohttp import web
from sqlalchemy.orm import sessionmaker

from bot.gateway import keys
from bot.gateway.addresses import client_address
from bot.portal import app_keys
from bot.portal.auth import current_viewer, log_in, log_out, record_login, safe_next
from bot.portal.pages import render_page, see_other
from bot.portal.passwords import hash_password, needs_rehash, verify_password
from bot.portal.practitioners import find_by_email, normalise_email
from bot.storage.engine import transaction
from bot.storage.models import Practitioner

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()

WRONG_LOGIN = "That e-mail address and password do not match an active account. Please try again."


def too_many(seconds: float) -> str:
    """The answer when so many attempts are waiting their turn that this one would wait too long."""
    wait = f"{math.ceil(seconds)} seconds" if seconds < 90 else f"{math.ceil(seconds / 60)} minutes"
    return (
        "There have been many unsuccessful attempts to log in lately, so each attempt now waits its turn. "
        f"For your account's safety, please try again in {wait}."
    )


@routes.get("/portal", name="portal_root")
async def portal_root(request: web.Request) -> web.StreamResponse:
    """The portal lives under /portal/."""
    raise web.HTTPFound("/portal/")


@routes.get("/portal/login", name="portal_login")
async def login_page(request: web.Request) -> web.StreamResponse:
    """The login form; someone already logged in goes straight on."""
    target = safe_next(request.query.get("next"))
    if await current_viewer(request) is not None:
        raise web.HTTPFound(target)
    return await render_page(request, "login.html", {"next": target, "email": "", "error": None}, None)


def _check_password(sessions: sessionmaker, email: str, password: str) -> Practitioner | None:
    """The active account these credentials open, or None; the same work whether or not the e-mail exists.

    No database connection is held during the slow check: the account is read, the password
    checked, and only a hash that needs upgrading is written back.
    """
    with transaction(sessions) as db:
        account = find_by_email(db, email)
    if not verify_password(account.password_hash if account else None, password):
        return None
    if account is None or not account.active:
        return None
    if needs_rehash(account.password_hash):
        with transaction(sessions) as db:
            stored = db.get(Practitioner, account.id)
            if stored is not None and stored.password_hash == account.password_hash:
                stored.password_hash = hash_password(password)
                account = stored
    return account


@routes.post("/portal/login", name="portal_login_submit")
async def login_submit(request: web.Request) -> web.StreamResponse:
    """Check the credentials within the failed-login limit and start a fresh session."""
    form = await request.post()
    email = normalise_email(str(form.get("email", "")))[:254]
    password = str(form.get("password", ""))
    target = safe_next(str(form.get("next", "")))
    delays = request.app[app_keys.LOGIN_LIMIT]
    address = client_address(request)
    context = {"next": target, "email": email}
    # Counted as a failure before the password is checked, and taken back if it matches.
    booked, wait = delays.reserve(email, address)
    if not booked:
        logger.warning("portal login refused: too many attempts waiting")
        page = await render_page(request, "login.html", {**context, "error": too_many(wait)}, None, status=429)
        page.headers["Retry-After"] = str(math.ceil(wait))
        return page
    if wait:
        await asyncio.sleep(wait)  # the delay after earlier failures; then the password is checked all the same
    account = None
    if email and password:
        workers = request.app[app_keys.PASSWORD_WORKERS]
        check = partial(_check_password, request.app[keys.SESSIONS], email, password)
        account = await asyncio.get_running_loop().run_in_executor(workers, check)
    if account is None:
        logger.info("portal login failed")
        return await render_page(request, "login.html", {**context, "error": WRONG_LOGIN}, None, status=401)
    delays.succeeded(email, address)
    await asyncio.to_thread(record_login, request, account.id)
    await log_in(request, account)
    raise see_other(target)


@routes.post("/portal/logout", name="portal_logout")
async def logout(request: web.Request) -> web.StreamResponse:
    """End the session (a POST with the CSRF token, so no other site can log anyone out)."""
    await log_out(request)
    raise see_other("/portal/login")
